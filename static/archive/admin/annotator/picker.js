/* The entity picker: a combobox that finds entities by any alias in any script as the
 * analyst types (ARIA combobox and listbox; Up/Down move, Enter or a click picks).
 * The server lists exact names first, then names starting with the text, then the rest;
 * Enter takes the highlighted one, and waits for the answer to what is typed now, so it
 * never takes a weaker match left from an earlier keystroke. A picker given `onUnknown`
 * also lists, last, names that recur in the texts and belong to no entity yet. */
import { el } from "./dom.js";
import { call } from "./server.js";
import { plural, text } from "./strings.js";

// One option's text: kind, English and Arabic names, description, mentions.
// `nameId`: an id for the name, for a button that names the entity by it.
export function describeEntity(o, nameId) {
  return el(
    "span",
    { class: "ann-entity-desc" },
    el("strong", { id: nameId, text: o.name }),
    o.name_ar ? el("bdi", { lang: "ar", dir: "rtl", class: "ann-name-ar", text: o.name_ar }) : null,
    // The description as written (often English) is an isolate among the admin's words.
    el(
      "small",
      {},
      o.kind_label,
      ...(o.description ? [" · ", el("bdi", { dir: "auto", text: o.description })] : []),
      " · " +
        plural("mentions", o.mentions) +
        (o.match === "exact"
          ? " · " + text("exact_name")
          : o.match === "variant"
            ? " · " + text("a_spelling")
            : ""),
    ),
  );
}

// One name not in the archive yet: the name, how often it is found, its other spellings.
export function describeUnknown(o) {
  const others = o.spellings.filter((s) => s !== o.name).slice(0, 3);
  return el(
    "span",
    { class: "ann-entity-desc ann-unknown" },
    el("strong", { dir: "auto", text: o.name }),
    el("small", {
      text:
        text("unknown_label") +
        " · " +
        text("unknown_detail", { count: o.count, articles: o.articles }) +
        (others.length ? " · " + text("unknown_also", { spellings: others.join(", ") }) : ""),
    }),
  );
}

// Shows an entity as the picker's choice: its name, its id for the form to send, and how
// the selected words stand to its names (`words`: name, spelling, part, new), for the form.
// The input tells its listeners ("ann-pick"), as it does when the choice is typed away.
export function pickInto(o, input) {
  input.value = o.name;
  input.dataset.id = o.id;
  if (o.words) input.dataset.words = o.words;
  else delete input.dataset.words;
  input.dispatchEvent(new Event("ann-pick"));
}

// `onPick(option, input)` receives the chosen entity ({id, name, name_ar, kind_label, …});
// by default it becomes the input's choice (pickInto). `words`: the selected words, sent so
// each entity says how they stand to its names. `onUnknown(option, input)`, when given,
// receives a chosen name that is not in the archive yet. Returns {wrapper, input};
// wrapper.search() looks up what the input holds now.
export function entityPicker({ label, id, url, say, onPick = pickInto, words, onUnknown }) {
  const input = el("input", {
    type: "search",
    id,
    autocomplete: "off",
    dir: "auto", // an Arabic name reads right to left in the box
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
  let dirty = false; // typed since the last search started
  let inflight = 0; // searches not answered yet

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
          o.unknown ? describeUnknown(o) : describeEntity(o),
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
    if (o.unknown) onUnknown(o, input);
    else onPick(o, input);
    options = [];
    active = -1;
    show();
  }

  async function search() {
    const mine = ++seq; // only the latest answer is shown
    dirty = false;
    const q = input.value.trim();
    if (!q) {
      options = [];
      show();
      return;
    }
    inflight++;
    try {
      const asked = words ? "&words=" + encodeURIComponent(words) : "";
      const body = await call(url + "?q=" + encodeURIComponent(q) + asked);
      if (mine !== seq) return;
      options = [...body.results, ...(onUnknown ? body.unknown || [] : [])];
      active = options.length ? 0 : -1;
      show();
    } catch (error) {
      say(error.message, true);
    } finally {
      inflight--;
    }
  }

  input.addEventListener("input", () => {
    const had = "id" in input.dataset;
    delete input.dataset.id;
    delete input.dataset.words;
    if (had) input.dispatchEvent(new Event("ann-pick"));
    clearTimeout(timer);
    dirty = true;
    timer = setTimeout(search, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      show();
    } else if (event.key === "Enter") {
      if (dirty || inflight) {
        // Typed faster than the server answers: take the best match for the whole text.
        event.preventDefault();
        event.stopPropagation();
        clearTimeout(timer);
        search().then(() => pick(active < 0 ? 0 : active));
      } else if (options.length) {
        event.preventDefault();
        event.stopPropagation();
        pick(active < 0 ? 0 : active);
      }
    }
  });
  // Chosen from elsewhere (pickInto by the form): the list of options has had its turn.
  input.addEventListener("ann-pick", () => {
    if (!input.dataset.id || !options.length) return;
    options = [];
    active = -1;
    show();
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
