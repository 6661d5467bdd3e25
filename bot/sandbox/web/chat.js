// The sandbox web chat's app: plays the demo people against the Bot API emulator. Holds the
// bootstrap, switching between people, loading chats and following the server's live updates;
// the other modules render (text.js, messages.js, composer.js, people.js), talk to the server
// (api.js) and share the state (core.js).

import { $, showAlert, state, toast } from "./core.js";
import { getJson } from "./api.js";
import { nearBottom, renderMessages } from "./messages.js";
import {
  closeMenu, renderComposer, renderMenu, renderReplyKeyboard, wireComposer,
} from "./composer.js";
import { person, renderInfo, renderPeople } from "./people.js";

// --- switching people, loading chats, live updates ----------------------------------------

function choose(id) {
  if (state.current === id) return;
  state.current = id;
  state.rendered.clear();
  state.keyboardSignature = null;
  state.keyboardFolded = false;
  state.stickToBottom = true;
  $("messages").replaceChildren();
  state.unread.delete(id);
  const p = person(id);
  history.replaceState(null, "", `#${p.key}`);
  document.body.dataset.person = p.key;
  renderInfo();
  renderPeople(choose);
  closeMenu();
  const chat = state.chats.get(id);
  if (chat) renderChat(chat);
  refresh(id);
}

function renderChat(chat) {
  renderMessages(chat);
  renderReplyKeyboard(chat);
  renderMenu(chat);
  renderComposer(chat);
  showNewAlerts(chat);
}

function showNewAlerts(chat) {
  const seen = state.seenAlerts.get(chat.user_id);
  state.seenAlerts.set(chat.user_id, chat.alerts.length);
  if (seen === undefined) return; // alerts from before the page opened are old news
  for (const alert of chat.alerts.slice(seen)) {
    if (!alert.text) continue;
    if (alert.show_alert) showAlert(alert.text);
    else toast(alert.text);
  }
}

async function load(id) {
  const chat = await getJson(`/api/chats/${id}`);
  const before = state.chats.get(id);
  state.chats.set(id, chat);
  if (id === state.current) {
    if (chat.messages.some((m) => m.from === "bot" && !before?.messages.some((b) => b.id === m.id))) {
      setTyping(false);
    }
    renderChat(chat);
  } else if (!state.seenAlerts.has(id)) {
    state.seenAlerts.set(id, chat.alerts.length);
  }
  renderPeople(choose);
}

/** Fetch a chat soon; a burst of changes becomes one request. */
function refresh(id) {
  if (state.pending.has(id)) return;
  state.pending.set(id, setTimeout(async () => {
    state.pending.delete(id);
    try { await load(id); } catch (error) { console.warn(error); }
  }, 15));
}

function setTyping(on) {
  $("status").textContent = on ? "typing…" : "bot";
  $("status").classList.toggle("typing", on);
  clearTimeout(state.typingTimer);
  if (on) state.typingTimer = setTimeout(() => setTyping(false), 4000);
}

function listen() {
  const events = new EventSource("/api/events");
  events.onopen = () => state.people.forEach((p) => refresh(p.id));
  events.onmessage = (event) => {
    const { chat_id: id, event: kind } = JSON.parse(event.data);
    if (kind === "action") {
      if (id === state.current) setTyping(true);
      return;
    }
    if (kind === "message" && id !== state.current) {
      state.unread.set(id, (state.unread.get(id) || 0) + 1);
    }
    refresh(id);
  };
}

// --- wiring -------------------------------------------------------------------------------

function wire() {
  wireComposer();
  $("info-toggle").addEventListener("click", () => document.body.classList.toggle("info-open"));
  $("you-are").addEventListener("click", () => document.body.classList.add("info-open"));
  $("alert-ok").addEventListener("click", () => $("alert").close());
  $("messages").addEventListener("scroll", () => {
    state.stickToBottom = nearBottom($("messages"));
  });
}

async function main() {
  wire();
  const { bot, people } = await getJson("/api/people");
  state.bot = bot;
  state.people = people;
  $("bot-name").textContent = bot.name;
  document.title = `${bot.name} · sandbox`;
  const wanted = people.find((p) => `#${p.key}` === location.hash) || people[0];
  choose(wanted.id);
  listen();
  document.body.classList.add("ready");
}

main().catch((error) => {
  console.error(error);
  toast("The sandbox is not answering: is `ppo-bot sandbox` still running?");
});
