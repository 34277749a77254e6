/* The entity picker: a combobox that finds entities by any alias in any script as the
 * analyst types (ARIA combobox and listbox; Up/Down move, Enter or a click picks). */
import { el } from "./dom.js";
import { call } from "./server.js";

// `onPick(option, input)` receives the chosen entity ({id, name, kind_label, aliases}).
// Returns {wrapper, input}; wrapper.search() looks up what the input holds now.
export function entityPicker({ label, id, url, say, onPick }) {
  const input = el("input", {
    type: "search",
    id,
    autocomplete: "off",
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": id + "-list",
    class: "vTextField",
  });
  const list = el("ul", { id: id + "-list", role: "listbox", class: "ann-options", hidden: true });
  let options = [];
  let active = -1;
  let timer = null;
  let seq = 0;

  function show() {
    list.replaceChildren(
      ...options.map((o, i) =>
        el(
          "li",
          {
            id: id + "-opt-" + i,
            role: "option",
            "aria-selected": String(i === active),
            class: i === active ? "active" : "",
            onmousedown: (e) => {
              e.preventDefault();
              pick(i);
            },
          },
          el("strong", { text: o.name }),
          " ",
          el("small", {
            text: o.kind_label + (o.aliases.length ? " · " + o.aliases.join(", ") : ""),
          }),
        ),
      ),
    );
    list.hidden = !options.length;
    input.setAttribute("aria-expanded", String(options.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", id + "-opt-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  function pick(i) {
    const o = options[i];
    if (!o) return;
    onPick(o, input);
    options = [];
    active = -1;
    show();
  }

  async function search() {
    const mine = ++seq; // only the latest answer is shown
    const q = input.value.trim();
    if (!q) {
      options = [];
      show();
      return;
    }
    try {
      const body = await call(url + "?q=" + encodeURIComponent(q));
      if (mine !== seq) return;
      options = body.results;
      active = options.length ? 0 : -1;
      show();
    } catch (error) {
      say(error.message, true);
    }
  }

  input.addEventListener("input", () => {
    delete input.dataset.id;
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      show();
    } else if (event.key === "Enter") {
      if (options.length) {
        event.preventDefault();
        event.stopPropagation();
        pick(active < 0 ? 0 : active);
      }
    }
  });
  const wrapper = el(
    "div",
    { class: "ann-field ann-combo" },
    el("label", { for: id, text: label }),
    input,
    list,
  );
  wrapper.search = search;
  return { wrapper, input };
}
