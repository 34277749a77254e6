/* Small DOM helpers shared by the annotator's modules. */

// An element with attributes ("class", "text", "on<event>" handlers) and children.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Replaces a node's children, skipping the empty ones (null, undefined, false).
export function fill(node, ...children) {
  node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

// A function that writes one message (or an error) into the live status line.
export function statusLine(box) {
  return function say(message, isError) {
    box.textContent = message;
    box.classList.toggle("is-error", Boolean(isError));
  };
}
