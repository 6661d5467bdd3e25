// The sandbox web chat's shared ground: the page state every module reads and changes, DOM
// and formatting helpers, and the two ways of telling the person something (toast, alert).

export const $ = (id) => document.getElementById(id);
export const state = {
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

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function initials(name) {
  const parts = name.split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((part) => part[0].toUpperCase()).join("") || "?";
}

export function formatTime(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

export function formatPhone(phone) {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone || "");
  return m ? `+7 ${m[1]} ${m[2]} ${m[3]} ${m[4]}` : phone || "";
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  box.classList.remove("fade");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.add("fade"), 2600);
  toast.hideTimer && clearTimeout(toast.hideTimer);
  toast.hideTimer = setTimeout(() => { box.hidden = true; }, 3000);
}

export function showAlert(text) {
  $("alert-title").textContent = state.bot.name;
  $("alert-text").textContent = text;
  const dialog = $("alert");
  if (!dialog.open) dialog.showModal();
}
