// The sandbox web chat: plays the demo people against the Bot API emulator.
// Every piece of bot or user text becomes DOM text nodes; only Telegram's own HTML tags
// become elements, so nothing a bot (or a person) writes can inject markup or script.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    bot: { username: "", name: "PPO Bot" },
    people: [],
    current: null,
    chats: new Map(), // user id → the last chat JSON
    seenAlerts: new Map(), // user id → alerts already shown
    unread: new Map(),
    rendered: new Map(), // message id → { sig, node } of the current chat
    keyboardOpen: true,
    pending: new Map(), // user id → a scheduled refresh
    typingTimer: 0,
  };

  // --- small helpers ------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function initials(name) {
    const parts = name.split(/\s+/).filter(Boolean);
    return parts.slice(0, 2).map((part) => part[0].toUpperCase()).join("") || "?";
  }

  function formatTime(seconds) {
    const date = new Date(seconds * 1000);
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function formatPhone(phone) {
    const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone || "");
    return m ? `+7 ${m[1]} ${m[2]} ${m[3]} ${m[4]}` : phone || "";
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    box.classList.remove("fade");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => box.classList.add("fade"), 2600);
    toast.hideTimer && clearTimeout(toast.hideTimer);
    toast.hideTimer = setTimeout(() => { box.hidden = true; }, 3000);
  }

  function showAlert(text) {
    $("alert-title").textContent = state.bot.name;
    $("alert-text").textContent = text;
    const dialog = $("alert");
    if (!dialog.open) dialog.showModal();
  }

  // --- talking to the server ----------------------------------------------------------------

  async function getJson(path) {
    const response = await fetch(path, { cache: "no-store" });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  }

  async function act(action, body, userId = state.current) {
    const init = { method: "POST", headers: { "X-Sandbox-Action": "1" } };
    if (body instanceof FormData) {
      init.body = body;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    const response = await fetch(`/api/chats/${userId}/${action}`, init);
    const result = await response.json().catch(() => ({ ok: false, error: response.statusText }));
    if (!result.ok) toast(result.error || "That did not work");
    return result;
  }

  function send(text) {
    const clean = text.trim();
    if (!clean) return;
    document.body.classList.remove("info-open"); // a tip's command, tapped on a phone
    state.stickToBottom = true;
    act("send", { text: clean });
  }

  // --- Telegram HTML → DOM ------------------------------------------------------------------

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

  function openLink(href) {
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
  function addText(parent, text, verbatim) {
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

  function renderText(message, into) {
    if ((message.parse_mode || "").toLowerCase() === "html") renderHtml(message.text, into);
    else addText(into, message.text, false);
  }

  // --- messages -----------------------------------------------------------------------------

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

  function nearBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function keepAtBottom() {
    const box = $("messages");
    if (state.stickToBottom) box.scrollTop = box.scrollHeight;
  }

  function renderMessages(chat) {
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

  // --- keyboards, menu, composer ------------------------------------------------------------

  function renderReplyKeyboard(chat) {
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

  function renderMenu(chat) {
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

  function closeMenu() {
    $("menu").hidden = true;
  }

  function renderComposer(chat) {
    const fresh = chat.messages.length === 0;
    $("start-bar").hidden = !fresh;
    $("composer-row").hidden = fresh;
  }

  // --- people and the explanation panel -----------------------------------------------------

  function person(id) {
    return state.people.find((p) => p.id === id);
  }

  function renderPeople() {
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
      item.addEventListener("click", () => choose(p.id));
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

  function renderInfo() {
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

  // --- state changes ------------------------------------------------------------------------

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
    renderPeople();
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
    renderPeople();
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

  function wire() {
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
    $("info-toggle").addEventListener("click", () => document.body.classList.toggle("info-open"));
    $("you-are").addEventListener("click", () => document.body.classList.add("info-open"));
    $("alert-ok").addEventListener("click", () => $("alert").close());
    $("messages").addEventListener("scroll", () => {
      state.stickToBottom = nearBottom($("messages"));
    });
    document.addEventListener("click", (event) => {
      if (!event.target.closest("#menu, #menu-button, #input")) closeMenu();
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
})();
