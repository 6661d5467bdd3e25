// The sandbox web chat's text: Telegram-style HTML into DOM, with URLs and /commands made
// clickable, and links to this bot followed as /start. Every piece of bot or user text becomes
// DOM text nodes; only Telegram's own HTML tags become elements, so nothing a bot (or a person)
// writes can inject markup or script.

import { el, state } from "./core.js";
import { send } from "./api.js";

const TAGS = {
  b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
  a: "a", code: "code", pre: "pre", blockquote: "blockquote",
  "tg-spoiler": "span", span: "span", "tg-emoji": "span",
};
const TAG_RE = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>/g;
const ENTITY_RE = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g;
const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeEntities(text) {
  return text.replace(ENTITY_RE, (whole, name) => {
    if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? whole;
    const hex = name[1] === "x" || name[1] === "X";
    const code = parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attribute(raw, name) {
  const re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i");
  const m = re.exec(raw);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? "") : null;
}

/** The /start payload of a link to this bot ("" for a bare link), else null. */
function startPayload(href) {
  let url;
  try { url = new URL(href); } catch { return null; }
  const bot = state.bot.username.toLowerCase();
  if (url.protocol === "tg:" && url.hostname === "resolve") {
    if ((url.searchParams.get("domain") || "").toLowerCase() !== bot) return null;
    return url.searchParams.get("start") ?? "";
  }
  if (!/^https?:$/.test(url.protocol) || !/^(www\.)?(t\.me|telegram\.me)$/i.test(url.hostname)) {
    return null;
  }
  if (url.pathname.replace(/^\/+/, "").split("/")[0].toLowerCase() !== bot) return null;
  return url.searchParams.get("start") ?? "";
}

export function openLink(href) {
  const payload = startPayload(href);
  if (payload !== null) {
    send(payload ? `/start ${payload}` : "/start");
  } else if (/^https?:\/\//i.test(href)) {
    window.open(href, "_blank", "noopener,noreferrer");
  }
}

function linkElement(href) {
  if (!href || !/^(https?:\/\/|tg:\/\/)/i.test(href)) return el("span");
  const link = el("a");
  link.href = href;
  link.rel = "noopener noreferrer";
  link.target = "_blank";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openLink(href);
  });
  return link;
}

function tagElement(tag, rawAttributes) {
  if (tag === "a") return linkElement(attribute(rawAttributes, "href"));
  if (tag === "span" && attribute(rawAttributes, "class") !== "tg-spoiler") return null;
  if (tag === "span" || tag === "tg-spoiler") {
    const spoiler = el("span", "spoiler");
    spoiler.addEventListener("click", () => spoiler.classList.add("revealed"));
    return spoiler;
  }
  const node = el(TAGS[tag]);
  if (tag === "blockquote" && /(^|\s)expandable(\s|=|$)/i.test(rawAttributes)) {
    node.classList.add("expandable");
  }
  return node;
}

const AUTOLINK_RE = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]])|((?:^|(?<=[\s(]))\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]+)?(?=$|[\s.,;:!?)]))/g;

/** Plain text into `parent`, with URLs and /commands clickable as Telegram makes them. */
export function addText(parent, text, verbatim) {
  if (!text) return;
  if (verbatim) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  let last = 0;
  for (const m of text.matchAll(AUTOLINK_RE)) {
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    if (m[1]) {
      const link = linkElement(m[1]);
      link.textContent = m[1];
      parent.appendChild(link);
    } else {
      const command = el("a", "command", m[2]);
      command.href = "#";
      command.addEventListener("click", (event) => {
        event.preventDefault();
        send(m[2]);
      });
      parent.appendChild(command);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

/** Telegram-style HTML into `into`: allowed tags become elements, everything else text. */
function renderHtml(source, into) {
  const stack = [{ tag: null, node: into }];
  const verbatim = () => stack.some((open) => open.tag === "code" || open.tag === "pre");
  let last = 0;
  for (const m of source.matchAll(TAG_RE)) {
    addText(stack.at(-1).node, decodeEntities(source.slice(last, m.index)), verbatim());
    last = m.index + m[0].length;
    const closing = m[1] === "/";
    const tag = m[2].toLowerCase();
    const top = stack.at(-1);
    if (closing && top.tag === tag && stack.length > 1) {
      stack.pop();
      continue;
    }
    const node = !closing && tag in TAGS ? tagElement(tag, m[3]) : null;
    if (node === null) {
      top.node.appendChild(document.createTextNode(m[0])); // not Telegram's: shown as typed
      continue;
    }
    top.node.appendChild(node);
    stack.push({ tag, node });
  }
  addText(stack.at(-1).node, decodeEntities(source.slice(last)), verbatim());
}

export function renderText(message, into) {
  if ((message.parse_mode || "").toLowerCase() === "html") renderHtml(message.text, into);
  else addText(into, message.text, false);
}
