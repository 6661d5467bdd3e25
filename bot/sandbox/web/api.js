// The sandbox web chat's requests to the server: reading JSON, and acting as the current
// person (send, press, tap, upload) through the emulator's user side.

import { state, toast } from "./core.js";

export async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

export async function act(action, body, userId = state.current) {
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

export function send(text) {
  const clean = text.trim();
  if (!clean) return;
  document.body.classList.remove("info-open"); // a tip's command, tapped on a phone
  state.stickToBottom = true;
  act("send", { text: clean });
}
