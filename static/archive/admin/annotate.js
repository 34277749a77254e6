/* The article annotator in the admin: select words, tag them as a mention or a claim.
 *
 * Offsets are character offsets in the ORIGINAL body, counted in Unicode code points as the
 * server (Python) and the API count them. JS strings and DOM offsets count UTF-16 units,
 * which differ after every astral character (an emoji, 𝐀): each paragraph keeps a table
 * between the two (unitMap), and every offset crosses it on its way in or out. Each
 * paragraph element carries the offset of its first character (data-start); an offset
 * inside a paragraph is that start plus the code points of the paragraph's text before the
 * point, measured with a DOM Range, so highlight elements nested in the paragraph never
 * shift it. The server checks every span against the stored body before writing. Vanilla
 * JS, no dependencies.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("annotator-config").textContent);
  const container = document.getElementById("annotator-body");
  const statusBox = document.getElementById("annotator-status");
  const rtl = config.direction === "rtl";
  let data = { mentions: config.mentions, claims: config.claims };
  let words = []; // [{start, end}] in body offsets, for keyboard selection
  let kb = null; // {anchor, focus} word indexes
  let lastSpan = null;

  function el(tag, attrs, ...children) {
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

  function fill(node, ...children) {
    node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
  }

  function csrfToken() {
    const input = document.querySelector("[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(message, isError) {
    statusBox.textContent = message;
    statusBox.classList.toggle("is-error", Boolean(isError));
  }

  async function call(url, payload) {
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
      throw error;
    }
    return body;
  }

  /* ---- rendering ------------------------------------------------------------------- */

  function paragraphs() {
    return Array.from(container.querySelectorAll(".annotator-paragraph"));
  }

  function paragraphText(p) {
    // The exact text from JSON (the HTML parser may alter some characters, e.g. CR).
    if (p._text === undefined) p._text = config.paragraphs[Number(p.dataset.index)].text;
    return p._text;
  }

  // Code points <-> UTF-16 units within a text: toCp[unit] and toUnit[codePoint]. A unit
  // index inside a surrogate pair counts as after the pair.
  function unitMap(text) {
    const toCp = new Int32Array(text.length + 1);
    const toUnit = [];
    let n = 0;
    for (let i = 0; i < text.length; i++, n++) {
      toCp[i] = n;
      toUnit.push(i);
      const c = text.charCodeAt(i);
      const d = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        toCp[i] = n + 1;
      }
    }
    toCp[text.length] = n;
    toUnit.push(text.length);
    return { toCp, toUnit, length: n };
  }

  function mapOf(p) {
    if (p._map === undefined) p._map = unitMap(paragraphText(p));
    return p._map;
  }

  function render() {
    const live = (a) => !a.is_orphaned && a.status !== "rejected";
    const spans = [
      ...data.mentions.filter(live).map((m) => ({ ...m, type: "mention" })),
      ...data.claims.filter(live).map((c) => ({ ...c, type: "claim" })),
    ];
    words = [];
    for (const p of paragraphs()) {
      const text = paragraphText(p);
      const map = mapOf(p);
      const start = Number(p.dataset.start);
      const end = start + map.length;
      for (const m of text.matchAll(/\S+/g)) {
        words.push({ start: start + map.toCp[m.index], end: start + map.toCp[m.index + m[0].length] });
      }
      const inside = spans.filter((s) => s.start < end && s.end > start);
      const cuts = new Set([start, end]);
      for (const s of inside) {
        cuts.add(Math.max(s.start, start));
        cuts.add(Math.min(s.end, end));
      }
      const points = Array.from(cuts).sort((a, b) => a - b);
      const fragment = document.createDocumentFragment();
      for (let i = 0; i < points.length - 1; i++) {
        const a = points[i];
        const b = points[i + 1];
        const piece = text.slice(map.toUnit[a - start], map.toUnit[b - start]);
        const cover = inside.filter((s) => s.start <= a && s.end >= b);
        if (!cover.length) {
          fragment.append(document.createTextNode(piece));
          continue;
        }
        const classes = ["ann"];
        const titles = [];
        for (const s of cover) {
          if (s.type === "mention") {
            classes.push("ann-mention", "ann-" + s.status, "ann-kind-" + s.entity.kind);
            titles.push(s.entity.name + " (" + s.role + ", " + s.status + ")");
          } else {
            classes.push("ann-claim", "ann-claim-" + s.status);
            titles.push("Claim by " + (s.speaker ? s.speaker.name : "unknown") + " (" + s.kind + ")");
          }
        }
        fragment.append(
          el("span", {
            class: classes.join(" "),
            title: titles.join("; "),
            "data-mentions": cover.filter((s) => s.type === "mention").map((s) => s.id).join(" "),
            "data-claims": cover.filter((s) => s.type === "claim").map((s) => s.id).join(" "),
          }, piece)
        );
      }
      p.replaceChildren(fragment);
    }
    renderLists();
  }

  /* ---- offsets ----------------------------------------------------------------------- */

  function paragraphOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".annotator-paragraph") : null;
  }

  // Body offset of a DOM point (node, offset) inside a paragraph.
  function offsetOf(node, offset) {
    const p = paragraphOf(node);
    if (!p || !container.contains(p)) return null;
    const range = document.createRange();
    range.setStart(p, 0);
    range.setEnd(node, offset);
    const units = Math.min(range.toString().length, paragraphText(p).length);
    return Number(p.dataset.start) + mapOf(p).toCp[units];
  }

  // DOM point (text node, offset) at a body offset.
  function pointAt(bodyOffset) {
    for (const p of paragraphs()) {
      const start = Number(p.dataset.start);
      if (bodyOffset < start || bodyOffset > start + mapOf(p).length) continue;
      let left = mapOf(p).toUnit[bodyOffset - start];
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      let last = null;
      while (walker.nextNode()) {
        last = walker.currentNode;
        if (left <= last.length) return [last, left];
        left -= last.length;
      }
      return last ? [last, last.length] : [p, 0];
    }
    return null;
  }

  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    const p = paragraphOf(range.startContainer);
    if (start === null || end === null || !p || paragraphOf(range.endContainer) !== p) {
      return { error: "Select words within one paragraph." };
    }
    const pStart = Number(p.dataset.start);
    const text = paragraphText(p);
    const unit = mapOf(p).toUnit; // code point offset in the paragraph -> JS string index
    while (start < end && /\s/.test(text[unit[start - pStart]])) start++;
    while (end > start && /\s/.test(text[unit[end - 1 - pStart]])) end--;
    if (start >= end) return null;
    return { start, end, text: text.slice(unit[start - pStart], unit[end - pStart]) };
  }

  function selectOffsets(start, end) {
    const a = pointAt(start);
    const b = pointAt(end);
    if (!a || !b) return;
    const range = document.createRange();
    range.setStart(a[0], a[1]);
    range.setEnd(b[0], b[1]);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  /* ---- keyboard selection ----------------------------------------------------------- */

  container.addEventListener("keydown", (event) => {
    const forwardKey = rtl ? "ArrowLeft" : "ArrowRight";
    const backKey = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forwardKey || event.key === backKey || event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!words.length) return;
      event.preventDefault();
      if (!kb) {
        const span = selectionSpan();
        const at = span && !span.error ? Math.max(0, words.findIndex((w) => w.end > span.start)) : 0;
        kb = { anchor: at, focus: at };
      } else {
        let focus = kb.focus;
        if (event.key === forwardKey) focus += 1;
        else if (event.key === backKey) focus -= 1;
        else {
          // Up/Down: the first word of the previous/next paragraph.
          const para = paragraphOf(pointAt(words[focus].start)[0]);
          const list = paragraphs();
          const i = list.indexOf(para) + (event.key === "ArrowDown" ? 1 : -1);
          if (i >= 0 && i < list.length) {
            const s = Number(list[i].dataset.start);
            focus = words.findIndex((w) => w.start >= s);
          }
        }
        focus = Math.min(words.length - 1, Math.max(0, focus));
        kb = { anchor: event.shiftKey ? kb.anchor : focus, focus };
      }
      const lo = Math.min(kb.anchor, kb.focus);
      const hi = Math.max(kb.anchor, kb.focus);
      selectOffsets(words[lo].start, words[hi].end);
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openForm(selectionSpan());
    } else if (event.key === "Escape") {
      closeForm();
    }
  });

  container.addEventListener("mouseup", () => {
    kb = null;
    setTimeout(() => {
      const span = selectionSpan();
      if (span) openForm(span);
    }, 0);
  });

  /* ---- the tagging form -------------------------------------------------------------- */

  let popup = null;

  function combo(label, id, onPick) {
    const input = el("input", {
      type: "search", id, autocomplete: "off", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": id + "-list", class: "vTextField",
    });
    const list = el("ul", { id: id + "-list", role: "listbox", class: "ann-options", hidden: true });
    let options = [];
    let active = -1;
    let timer = null;
    let seq = 0;

    function show() {
      list.replaceChildren(
        ...options.map((o, i) =>
          el("li", {
            id: id + "-opt-" + i, role: "option", "aria-selected": String(i === active),
            class: i === active ? "active" : "", onmousedown: (e) => { e.preventDefault(); pick(i); },
          },
          el("strong", { text: o.name }),
          " ",
          el("small", { text: o.kind_label + (o.aliases.length ? " · " + o.aliases.join(", ") : "") }))
        )
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
      const mine = ++seq;
      const q = input.value.trim();
      if (!q) { options = []; show(); return; }
      try {
        const body = await call(config.urls.entities + "?q=" + encodeURIComponent(q));
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
    const wrapper = el("div", { class: "ann-field ann-combo" }, el("label", { for: id, text: label }), input, list);
    wrapper.search = search;
    return { wrapper, input };
  }

  function select(id, label, choices, value) {
    return el("div", { class: "ann-field" },
      el("label", { for: id, text: label }),
      el("select", { id }, ...choices.map(([v, l]) => el("option", { value: v, selected: v === value, text: l }))));
  }

  function closeForm() {
    if (popup) {
      popup.remove();
      popup = null;
      container.focus({ preventScroll: true });
    }
  }

  function openForm(span) {
    if (!span) return;
    if (span.error) { say(span.error, true); return; }
    lastSpan = span;
    if (!config.can.add_mention && !config.can.add_claim) return;
    closeForm();
    const error = el("p", { class: "ann-error", role: "alert" });
    const subjects = [];
    const subjectChips = el("ul", { class: "ann-chips", "aria-label": "Subjects" });

    const entity = combo("Entity (any alias, any script)", "ann-entity", (o, input) => {
      input.value = o.name;
      input.dataset.id = o.id;
    });
    const newBox = el("input", { type: "checkbox", id: "ann-new" });
    const newFields = el("div", { class: "ann-new-fields", hidden: true },
      el("div", { class: "ann-field" }, el("label", { for: "ann-new-name", text: "Name (English)" }),
        el("input", { id: "ann-new-name", class: "vTextField", value: span.text })),
      select("ann-new-kind", "Kind", config.kinds, "person"));
    newBox.addEventListener("change", () => { newFields.hidden = !newBox.checked; entity.input.disabled = newBox.checked; });
    const mentionPart = el("fieldset", { class: "ann-part", id: "ann-mention-part" },
      el("legend", { text: "Mention" }),
      entity.wrapper,
      config.can.add_entity
        ? el("div", { class: "ann-field ann-inline" }, newBox, el("label", { for: "ann-new", text: "New entity" }))
        : null,
      newFields,
      select("ann-role", "Role", config.roles, "other"));

    const speaker = combo("Speaker (leave empty if unknown)", "ann-speaker", (o, input) => {
      input.value = o.name;
      input.dataset.id = o.id;
    });
    const subject = combo("About (add each entity)", "ann-subject", (o, input) => {
      input.value = "";
      if (subjects.some((s) => s.id === o.id)) return;
      subjects.push(o);
      subjectChips.append(el("li", {}, o.name + " ", el("button", {
        type: "button", class: "ann-chip-remove", "aria-label": "Remove " + o.name, text: "×",
        onclick: (e) => { subjects.splice(subjects.indexOf(o), 1); e.target.parentElement.remove(); },
      })));
    });
    const claimPart = el("fieldset", { class: "ann-part", id: "ann-claim-part", hidden: true },
      el("legend", { text: "Claim" }),
      speaker.wrapper,
      select("ann-claim-kind", "Kind", config.claim_kinds, "direct_quote"),
      subject.wrapper,
      subjectChips,
      el("div", { class: "ann-field" }, el("label", { for: "ann-date", text: "Date" }), el("input", { type: "date", id: "ann-date" })));

    function mode(which) {
      mentionPart.hidden = which !== "mention";
      claimPart.hidden = which !== "claim";
    }
    const modes = el("div", { class: "ann-modes", role: "radiogroup", "aria-label": "Tag as" },
      config.can.add_mention ? el("label", {}, el("input", { type: "radio", name: "ann-mode", id: "ann-mode-mention", value: "mention", checked: true, onchange: () => mode("mention") }), " Mention") : null,
      config.can.add_claim ? el("label", {}, el("input", { type: "radio", name: "ann-mode", id: "ann-mode-claim", value: "claim", checked: !config.can.add_mention, onchange: () => mode("claim") }), " Claim") : null);
    mode(config.can.add_mention ? "mention" : "claim");

    let saving = false;
    async function save() {
      if (saving) return; // a double click or Enter while the first request is on its way
      error.textContent = "";
      const claimMode = !claimPart.hidden;
      let url;
      let payload;
      if (claimMode) {
        url = config.urls.claim;
        payload = {
          start: span.start, end: span.end, text: span.text,
          speaker_id: speaker.input.dataset.id || null,
          kind: document.getElementById("ann-claim-kind").value,
          subject_ids: subjects.map((s) => s.id),
          date: document.getElementById("ann-date").value,
        };
        if (speaker.input.value.trim() && !speaker.input.dataset.id) {
          error.textContent = "Choose the speaker from the list, or leave it empty.";
          return;
        }
      } else {
        url = config.urls.mention;
        payload = { start: span.start, end: span.end, text: span.text, role: document.getElementById("ann-role").value };
        if (newBox.checked) {
          payload.new_entity = { name: document.getElementById("ann-new-name").value, kind: document.getElementById("ann-new-kind").value };
        } else if (entity.input.dataset.id) {
          payload.entity_id = entity.input.dataset.id;
        } else {
          error.textContent = "Choose an entity from the list, or tick “New entity”.";
          return;
        }
      }
      saving = true;
      const button = document.getElementById("ann-save");
      if (button) button.disabled = true;
      try {
        const body = await call(url, payload);
        data = body;
        closeForm();
        render();
        say(body.message);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        saving = false;
        if (button) button.disabled = false;
      }
    }

    popup = el("div", { class: "annotator-popup", role: "dialog", "aria-label": "Tag the selected words", dir: "ltr" },
      el("p", { class: "ann-selected" }, "Selected: ", el("q", {}, el("bdi", { lang: config.language, text: span.text })),
        el("small", { text: " (" + span.start + "–" + span.end + ")" })),
      modes, mentionPart, claimPart, error,
      el("div", { class: "ann-buttons" },
        el("button", { type: "button", class: "button default", id: "ann-save", text: "Save", onclick: save }),
        el("button", { type: "button", class: "button", id: "ann-cancel", text: "Cancel", onclick: closeForm })));
    popup.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); closeForm(); }
      else if (event.key === "Enter" && event.target.tagName !== "BUTTON" && event.target.tagName !== "SELECT") {
        event.preventDefault();
        save();
      }
    });
    document.body.append(popup);
    const rect = window.getSelection().rangeCount ? window.getSelection().getRangeAt(0).getBoundingClientRect() : container.getBoundingClientRect();
    popup.style.top = window.scrollY + rect.bottom + 8 + "px";
    popup.style.left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - popup.offsetWidth - 8)) + "px";
    if (config.can.add_mention) {
      entity.input.value = span.text;
      entity.wrapper.search();
      entity.input.focus();
      entity.input.select();
    } else {
      speaker.input.focus();
    }
  }

  /* ---- lists: suggestions, orphans, claims ----------------------------------------- */

  async function act(url, payload) {
    try {
      const body = await call(url, payload);
      data = body;
      render();
      say(body.message);
    } catch (e) {
      if (e.status === 409) {
        // Changed by someone else since this page loaded: show the rows as they are now.
        try {
          data = await call(config.urls.annotations);
          render();
        } catch (ignored) { /* keep the old view; the message below says what to do */ }
      }
      say(e.message, true);
    }
  }

  // Review with the tokens this page was given: a row changed since is refused (409).
  function review(ids, status) {
    const tokens = {};
    for (const m of data.mentions) if (ids.includes(m.id)) tokens[m.id] = m.token;
    return act(config.urls.review, { ids, status, tokens });
  }

  function renderLists() {
    const suggested = data.mentions.filter((m) => m.status === "suggested" && !m.is_orphaned);
    const box = document.getElementById("annotator-suggested");
    const checks = [];
    const rows = suggested.map((m) => {
      const check = el("input", { type: "checkbox", value: m.id, id: "ann-sugg-" + m.id, "aria-label": "Select " + m.text });
      checks.push(check);
      return el("li", { "data-id": m.id }, check, " ",
        el("label", { for: "ann-sugg-" + m.id }, el("q", { dir: "auto", text: m.text }), " → " + m.entity.name),
        config.can.review ? el("span", { class: "ann-row-buttons" },
          el("button", { type: "button", class: "button", text: "Confirm", onclick: () => review([m.id], "confirmed") }),
          el("button", { type: "button", class: "button", text: "Reject", onclick: () => review([m.id], "rejected") })) : null);
    });
    const chosen = () => checks.filter((c) => c.checked).map((c) => Number(c.value));
    fill(box,
      el("h3", { text: "Suggested mentions (" + suggested.length + ")" }),
      suggested.length && config.can.review ? el("p", { class: "ann-bulk" },
        el("button", { type: "button", class: "button", text: "Select all", onclick: () => checks.forEach((c) => { c.checked = true; }) }),
        el("button", { type: "button", class: "button", id: "ann-confirm-selected", text: "Confirm selected", onclick: () => chosen().length && review(chosen(), "confirmed") }),
        el("button", { type: "button", class: "button", id: "ann-reject-selected", text: "Reject selected", onclick: () => chosen().length && review(chosen(), "rejected") })) : null,
      suggested.length ? el("ul", {}, ...rows) : el("p", { text: "None." }));

    const orphans = [
      ...data.mentions.filter((m) => m.is_orphaned).map((m) => ({ ...m, type: "mention", label: m.entity.name })),
      ...data.claims.filter((c) => c.is_orphaned).map((c) => ({ ...c, type: "claim", label: "claim" })),
    ];
    fill(document.getElementById("annotator-orphans"),
      el("h3", { text: "Orphaned annotations (" + orphans.length + ")" }),
      orphans.length ? el("p", { class: "help", text: "The updated text no longer holds these words. Select where they belong now, then “Place at selection”." }) : null,
      orphans.length ? el("ul", {}, ...orphans.map((o) => el("li", {},
        el("q", { dir: "auto", text: o.text }), " (" + o.label + ") ",
        el("button", { type: "button", class: "button", text: "Place at selection", onclick: () => {
          const span = selectionSpan() || lastSpan;
          if (!span || span.error) { say("First select the words where it belongs.", true); return; }
          act(config.urls.place, { type: o.type, id: o.id, start: span.start, end: span.end, text: span.text });
        } }),
        o.can_delete ? el("button", { type: "button", class: "button", text: "Delete", onclick: () => act(config.urls.delete, { type: o.type, id: o.id }) }) : null))) : el("p", { text: "None." }));

    fill(document.getElementById("annotator-claims"),
      el("h3", { text: "Claims (" + data.claims.length + ")" }),
      data.claims.length ? el("ul", {}, ...data.claims.map((c) => el("li", {},
        el("a", { href: c.url }, (c.speaker ? c.speaker.name : "Unknown") + ": "),
        el("q", { dir: "auto", text: c.text }),
        " " + c.kind + ", " + c.status + (c.subjects.length ? " — about " + c.subjects.join(", ") : "")))) : el("p", { text: "None." }));
  }

  for (const p of paragraphs()) mapOf(p);
  render();
})();
