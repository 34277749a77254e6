/* Requests to the admin's annotation endpoints: JSON in, JSON out, Django's CSRF token;
 * and the one way a change is saved. */
import { text } from "./strings.js";

function csrfToken() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// GET without a payload, POST with one. A refusal throws an Error with the server's
// message and the HTTP status (409: changed by someone else since the page loaded).
export async function call(url, payload) {
  const response = await fetch(url, {
    method: payload === undefined ? "GET" : "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = { error: text("server_answered", { status: response.status }) };
  }
  if (!response.ok) {
    const error = new Error(body.error || text("server_answered", { status: response.status }));
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

// Sends one change. The answer (the article's annotations) becomes annotator.data, is drawn,
// and its message said: true. A refusal goes to `onRefused(error)` when given, else to the
// status line, after a 409 (changed by someone else since the page loaded) has redrawn the
// annotations as they are now: false.
export async function save(annotator, url, payload, onRefused) {
  try {
    const body = await call(url, payload);
    annotator.data = body;
    annotator.render();
    annotator.say(body.message);
    return true;
  } catch (e) {
    if (onRefused) {
      onRefused(e);
      return false;
    }
    if (e.status === 409) {
      try {
        annotator.data = await call(annotator.config.urls.annotations);
        annotator.render();
      } catch {
        /* keep the old view; the message below says what to do */
      }
    }
    annotator.say(e.message, true);
    return false;
  }
}
