/* Requests to the admin's annotation endpoints: JSON in, JSON out, Django's CSRF token. */

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
  } catch (e) {
    body = { error: "The server answered " + response.status + "." };
  }
  if (!response.ok) {
    const error = new Error(body.error || "The server answered " + response.status + ".");
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}
