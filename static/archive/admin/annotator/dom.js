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

// A labelled <select> of [value, label] choices, `value` chosen.
export function selectField(id, label, choices, value) {
  return el(
    "div",
    { class: "ann-field" },
    el("label", { for: id, text: label }),
    el(
      "select",
      { id },
      ...choices.map(([v, l]) => el("option", { value: v, selected: v === value, text: l })),
    ),
  );
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

// A message shown next to what caused it (`rect`, in the viewport), kept inside the
// window; it goes away on the next click or key, or after a while. A refusal by default;
// `done` (true) for the outcome of an action. `avoid` (a rect): what the message speaks
// of, which it must not cover (the rows "Tick the suggestions" asks to tick): the note goes
// above both when there is room, else under both.
export function noteNear(rect, message, done = false, avoid = null) {
  document.querySelectorAll(".ann-note").forEach((n) => n.remove());
  const note = el("div", {
    class: done ? "ann-note ann-note-done" : "ann-note",
    role: done ? "status" : "alert",
    text: message,
  });
  document.body.append(note);
  let top = rect && rect.bottom > 0 && rect.top < window.innerHeight ? rect.bottom + 6 : 8;
  if (rect && avoid) {
    const above = Math.min(rect.top, avoid.top) - note.offsetHeight - 6;
    top = above >= 8 ? above : Math.max(rect.bottom, avoid.bottom) + 6;
  }
  const rtl = getComputedStyle(note).direction === "rtl";
  const left = rect ? (rtl ? rect.right - note.offsetWidth : rect.left) : 8;
  note.style.top = Math.max(8, Math.min(top, window.innerHeight - note.offsetHeight - 8)) + "px";
  note.style.left =
    Math.max(8, Math.min(left, document.documentElement.clientWidth - note.offsetWidth - 8)) + "px";
  const remove = () => note.remove();
  setTimeout(() => {
    document.addEventListener("mousedown", remove, { once: true });
    document.addEventListener("keydown", remove, { once: true });
  }, 0);
  setTimeout(remove, 8000);
  return note;
}

// One pop-up at a time. show(popup, rect, opener) puts it in the page by `rect` (placeFixed),
// in place of the one open; close() removes it and gives the focus back to `opener`, or to
// `home` when there is none or it is gone. Escape closes it wherever the focus is (a button
// disabled while saving drops it).
export function popupSlot(home) {
  let current = null;
  let opener = null;

  function onEscape(event) {
    if (event.key === "Escape" && current) {
      event.preventDefault();
      close();
    }
  }

  function close() {
    if (!current) return;
    current.remove();
    document.removeEventListener("keydown", onEscape);
    current = null;
    if (opener && document.contains(opener)) opener.focus({ preventScroll: true });
    else home.focus({ preventScroll: true });
  }

  function show(popup, rect, from) {
    if (current) current.remove();
    current = popup;
    opener = from || null;
    document.body.append(popup);
    document.addEventListener("keydown", onEscape);
    placeFixed(popup, rect);
  }

  return { show, close };
}

// Puts a fixed popup under `rect` (or above it), inside the window and clear of `rect`:
// when neither side has room, the page scrolls the words up first, and the popup scrolls
// inside itself (its buttons stay in view). Placed again whenever it changes size.
export function placeFixed(popup, rect) {
  const room = Math.max(window.innerHeight - rect.bottom, rect.top) - 16;
  if (popup.offsetHeight > room) {
    const before = window.scrollY;
    window.scrollBy(0, rect.top - 90);
    const moved = window.scrollY - before;
    rect = {
      top: rect.top - moved,
      bottom: rect.bottom - moved,
      left: rect.left,
      right: rect.right,
    };
  }
  if (!popup._observer) {
    popup._observer = new ResizeObserver(() => position(popup, rect));
    popup._observer.observe(popup);
  }
  position(popup, rect);
}

function position(popup, rect) {
  const below = window.innerHeight - rect.bottom - 16;
  const above = rect.top - 16;
  const h = popup.scrollHeight;
  let top;
  if (h <= below || below >= above) {
    popup.style.maxHeight = Math.max(below, 120) + "px";
    top = rect.bottom + 8;
  } else {
    popup.style.maxHeight = Math.max(above, 120) + "px";
    top = rect.top - 8 - Math.min(h, Math.max(above, 120));
  }
  top = Math.max(8, Math.min(top, window.innerHeight - popup.offsetHeight - 8));
  const right = document.documentElement.clientWidth - popup.offsetWidth - 8;
  popup.style.top = top + "px";
  // Under the words' start: their left edge, or their right edge in a right-to-left page.
  const rtl = getComputedStyle(popup).direction === "rtl";
  const left = rtl && rect.right !== undefined ? rect.right - popup.offsetWidth : rect.left;
  popup.style.left = Math.max(8, Math.min(left, right)) + "px";
}
