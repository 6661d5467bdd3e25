// The sandbox web chat's message list: bubbles (text, photo, document, contact), their inline
// keyboards, edits in place, and keeping the list scrolled to the newest message.

import { $, el, formatPhone, formatSize, formatTime, initials, state, toast } from "./core.js";
import { act } from "./api.js";
import { openLink, renderText } from "./text.js";

function inlineKeyboard(message) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of message.inline_keyboard) {
    const line = el("div", "inline-row");
    for (const button of row) {
      const key = el("button", `inline-button ${button.kind}`, button.text);
      key.type = "button";
      key.addEventListener("click", () => pressInline(message, button, key));
      line.appendChild(key);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

async function pressInline(message, button, key) {
  if (button.kind === "callback") {
    key.classList.add("busy");
    await act("press", { message_id: message.id, data: button.data });
    setTimeout(() => key.classList.remove("busy"), 400);
  } else if (button.kind === "url") {
    openLink(button.url);
  } else if (button.kind === "copy") {
    await navigator.clipboard?.writeText(button.copy).catch(() => {});
    toast("Copied");
  } else {
    toast("This kind of button is not in the sandbox");
  }
}

function messageNode(message) {
  const row = el("div", `message ${message.from}`);
  row.dataset.messageId = message.id;
  const bubble = el("div", "bubble");
  if (message.photo) {
    bubble.classList.add("with-photo");
    const link = el("a", "photo");
    link.href = message.photo;
    link.target = "_blank";
    const image = el("img");
    image.src = message.photo;
    image.alt = "photo";
    image.addEventListener("load", () => keepAtBottom());
    link.appendChild(image);
    bubble.appendChild(link);
  }
  if (message.document) {
    const file = el("a", "document");
    file.href = message.document.url;
    file.download = message.document.name;
    file.appendChild(el("span", "document-icon"));
    const about = el("span", "document-about");
    about.appendChild(el("span", "document-name", message.document.name));
    about.appendChild(el("span", "document-size", formatSize(message.document.size)));
    file.appendChild(about);
    bubble.appendChild(file);
  }
  if (message.contact) {
    const card = el("div", "contact");
    card.appendChild(el("span", "avatar small", initials(message.contact.name)));
    const about = el("span", "contact-about");
    about.appendChild(el("span", "contact-name", message.contact.name));
    about.appendChild(el("span", "contact-phone", formatPhone(message.contact.phone)));
    card.appendChild(about);
    bubble.appendChild(card);
  }
  if (message.text) {
    const text = el("div", "text");
    renderText(message, text);
    bubble.appendChild(text);
  }
  const meta = el("span", "meta", (message.edited ? "edited " : "") + formatTime(message.date));
  if (message.from === "user") meta.appendChild(el("span", "ticks", "✓✓"));
  bubble.appendChild(meta);
  row.appendChild(bubble);
  if (message.inline_keyboard.length) {
    row.classList.add("with-keyboard");
    row.appendChild(inlineKeyboard(message));
  }
  return row;
}

export function nearBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function keepAtBottom() {
  const box = $("messages");
  if (state.stickToBottom) box.scrollTop = box.scrollHeight;
}

export function renderMessages(chat) {
  const box = $("messages");
  state.stickToBottom = state.stickToBottom || nearBottom(box);
  const keep = new Set();
  let previous = null;
  for (const message of chat.messages) {
    const signature = JSON.stringify(message);
    let entry = state.rendered.get(message.id);
    if (!entry || entry.signature !== signature) {
      const node = messageNode(message);
      if (entry) entry.node.replaceWith(node); // an edit: in place, like Telegram
      entry = { signature, node };
      state.rendered.set(message.id, entry);
    }
    const wanted = previous ? previous.nextSibling : box.firstChild;
    if (entry.node !== wanted) box.insertBefore(entry.node, wanted);
    previous = entry.node;
    keep.add(message.id);
  }
  for (const [id, entry] of state.rendered) {
    if (!keep.has(id)) {
      entry.node.remove();
      state.rendered.delete(id);
    }
  }
  box.querySelector(".empty")?.remove();
  if (!chat.messages.length) box.appendChild(emptyCard());
  keepAtBottom();
  state.stickToBottom = nearBottom(box);
}

function emptyCard() {
  const card = el("div", "empty");
  card.appendChild(el("div", "empty-title", "What can this bot do?"));
  card.appendChild(el("p", null, "Members check their own record, register for forums and " +
    "trainings, send proposals, and get announcements — in Kazakh, Russian and English."));
  card.appendChild(el("p", "empty-hint", "Press START below to begin."));
  return card;
}
