// The sandbox web chat's composer: the reply keyboard, the command menu, the START bar, and the
// input with its send and attach buttons.

import { $, el, state } from "./core.js";
import { act, send } from "./api.js";

// --- keyboards, menu, start bar -----------------------------------------------------------

export function renderReplyKeyboard(chat) {
  const box = $("reply-keyboard");
  const toggle = $("keyboard-toggle");
  const markup = chat.reply_keyboard;
  box.replaceChildren();
  toggle.hidden = !markup;
  $("input").placeholder = (markup && markup.placeholder) || "Message";
  if (!markup) {
    box.hidden = true;
    return;
  }
  for (const row of markup.rows) {
    const line = el("div", "reply-row");
    for (const button of row) {
      const key = el("button", "reply-button", button.text);
      key.type = "button";
      if (button.request_contact) key.classList.add("request-contact");
      key.addEventListener("click", () => act("tap", { text: button.text }));
      line.appendChild(key);
    }
    box.appendChild(line);
  }
  // a new keyboard opens; a one-time keyboard folds once used (Telegram keeps it a tap away)
  const signature = JSON.stringify(markup.rows);
  if (signature !== state.keyboardSignature || markup.folded !== state.keyboardFolded) {
    state.keyboardOpen = !markup.folded;
  }
  state.keyboardSignature = signature;
  state.keyboardFolded = markup.folded;
  box.hidden = !state.keyboardOpen;
  toggle.classList.toggle("active", state.keyboardOpen);
}

export function renderMenu(chat) {
  const menu = $("menu");
  $("menu-button").hidden = !chat.commands.length;
  menu.replaceChildren();
  for (const command of chat.commands) {
    const item = el("button", "menu-item");
    item.type = "button";
    item.dataset.command = command.command;
    item.appendChild(el("span", "menu-command", `/${command.command}`));
    item.appendChild(el("span", "menu-description", command.description));
    item.addEventListener("click", () => {
      closeMenu();
      $("input").value = "";
      send(`/${command.command}`);
    });
    menu.appendChild(item);
  }
}

function filterMenu(prefix) {
  let shown = 0;
  for (const item of $("menu").children) {
    const match = `/${item.dataset.command}`.startsWith(prefix);
    item.hidden = !match;
    shown += match ? 1 : 0;
  }
  $("menu").hidden = shown === 0;
}

export function closeMenu() {
  $("menu").hidden = true;
}

export function renderComposer(chat) {
  const fresh = chat.messages.length === 0;
  $("start-bar").hidden = !fresh;
  $("composer-row").hidden = fresh;
}

// --- the input ----------------------------------------------------------------------------

function submit() {
  const input = $("input");
  const text = input.value;
  input.value = "";
  autosize();
  closeMenu();
  state.stickToBottom = true;
  send(text);
}

function autosize() {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  state.stickToBottom = true;
  await act(file.type.startsWith("image/") ? "photo" : "document", form);
}

export function wireComposer() {
  const input = $("input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === "Escape") {
      closeMenu();
    }
  });
  input.addEventListener("input", () => {
    autosize();
    const text = input.value;
    if (/^\/\w*$/.test(text) && !$("menu-button").hidden) filterMenu(text);
    else closeMenu();
  });
  $("send").addEventListener("click", submit);
  $("start-button").addEventListener("click", () => {
    state.stickToBottom = true;
    send("/start");
  });
  $("menu-button").addEventListener("click", () => {
    const menu = $("menu");
    if (menu.hidden) filterMenu("/");
    else closeMenu();
  });
  $("keyboard-toggle").addEventListener("click", () => {
    state.keyboardOpen = !state.keyboardOpen;
    $("reply-keyboard").hidden = !state.keyboardOpen;
    $("keyboard-toggle").classList.toggle("active", state.keyboardOpen);
  });
  $("file").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await upload(file);
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#menu, #menu-button, #input")) closeMenu();
  });
}
