// The sandbox web chat's people: the sidebar of demo people (with previews and unread counts),
// and the panel explaining who you are playing, with tips and the demo IIN.

import { $, el, formatPhone, initials, state, toast } from "./core.js";
import { addText } from "./text.js";

export function person(id) {
  return state.people.find((p) => p.id === id);
}

/** The sidebar; a click on a person calls `onChoose` with their id. */
export function renderPeople(onChoose) {
  const nav = $("people");
  nav.replaceChildren();
  for (const p of state.people) {
    const item = el("button", `person ${p.id === state.current ? "active" : ""}`);
    item.type = "button";
    item.dataset.key = p.key;
    item.appendChild(el("span", `avatar ${p.key}`, initials(p.name)));
    const about = el("span", "person-about");
    about.appendChild(el("span", "person-name", p.name));
    about.appendChild(el("span", "person-first", p.first_name));
    about.appendChild(el("span", "person-title", preview(p)));
    item.appendChild(about);
    const unread = state.unread.get(p.id) || 0;
    if (unread) item.appendChild(el("span", "unread", String(unread)));
    item.addEventListener("click", () => onChoose(p.id));
    nav.appendChild(item);
    if (p.id === state.current) requestAnimationFrame(() => item.scrollIntoView({ block: "nearest", inline: "nearest" }));
  }
}

function preview(p) {
  const chat = state.chats.get(p.id);
  const last = chat && chat.messages.at(-1);
  if (!last) return p.title;
  if (last.contact) return "Contact";
  if (last.photo) return "Photo";
  if (last.document) return last.document.name;
  const text = last.parse_mode ? last.plain_text : last.text;
  return (last.from === "user" ? "You: " : "") + (text || "").replace(/\s+/g, " ");
}

export function renderInfo() {
  const p = person(state.current);
  const info = $("info");
  info.replaceChildren();
  const head = el("div", "info-head");
  head.appendChild(el("div", `avatar large ${p.key}`, initials(p.name)));
  head.appendChild(el("div", "info-name", p.name));
  head.appendChild(el("div", "info-title", p.title));
  info.appendChild(head);
  const facts = el("dl", "facts");
  facts.appendChild(el("dt", null, "Telegram phone"));
  facts.appendChild(el("dd", null, formatPhone(p.phone)));
  facts.appendChild(el("dt", null, "Telegram language"));
  facts.appendChild(el("dd", null, { kk: "Kazakh", ru: "Russian", en: "English" }[p.language_code] || p.language_code));
  info.appendChild(facts);
  info.appendChild(el("p", "about", p.about));
  info.appendChild(el("div", "section-title", "Try this"));
  const tips = el("ol", "tips");
  for (const tip of p.tips) {
    const item = el("li");
    addText(item, tip, false);
    tips.appendChild(item);
  }
  info.appendChild(tips);
  if (p.iin) info.appendChild(iinCard(p.iin));
  const close = el("button", "info-close", "Back to the chat");
  close.type = "button";
  close.addEventListener("click", () => document.body.classList.remove("info-open"));
  info.appendChild(close);
  const you = $("you-are");
  you.replaceChildren();
  you.appendChild(el("span", null, "You are "));
  you.appendChild(el("b", null, p.name));
  you.appendChild(el("span", null, ` · ${p.title}`));
}

function iinCard(iin) {
  const card = el("div", "iin-card");
  card.appendChild(el("div", "iin-label", "Demo IIN (synthetic) — type it when the bot asks"));
  card.appendChild(el("div", "iin-value", iin));
  const actions = el("div", "iin-actions");
  const copy = el("button", null, "Copy");
  copy.type = "button";
  copy.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(iin).catch(() => {});
    toast("IIN copied");
  });
  const type = el("button", null, "Paste into the chat");
  type.type = "button";
  type.addEventListener("click", () => {
    $("input").value = iin;
    $("input").focus();
    document.body.classList.remove("info-open");
  });
  actions.append(copy, type);
  card.appendChild(actions);
  return card;
}
