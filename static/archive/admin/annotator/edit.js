/* Opening an existing highlight (a click, or Enter on it): change a mention's entity, role
 * or status, a claim's speaker, kind or status, widen or narrow either by a word, accept or
 * reject a suggestion in place, or delete it, as the analyst's permissions allow. Every
 * change is one request to the server (archive.services: history, stale-edit marker), with
 * the token the page was given for the row (a row changed since is refused, 409). */
import { el, noteNear, popupSlot, selectField } from "./dom.js";
import { entityPicker, pickInto } from "./picker.js";
import { review } from "./lists.js";
import { save } from "./server.js";
import { text } from "./strings.js";

// The next word boundary from `at` in `direction` (+1 later, -1 earlier), among `edges`.
function step(words, at, edge, direction) {
  const points = words.map((w) => w[edge]);
  if (direction > 0) return points.find((x) => x > at);
  return points.filter((x) => x < at).pop();
}

// `annotator` is the shared state (see main.js). Returns {open(element), close()}.
export function highlightEditor(annotator) {
  const { config, container, say } = annotator;
  const slot = popupSlot(container);
  const close = slot.close;

  // The annotations a highlight element covers, shortest (innermost) first.
  function covered(element) {
    const ids = (name) => (element.dataset[name] || "").split(" ").filter(Boolean).map(Number);
    const mentions = annotator.data.mentions
      .filter((m) => ids("mentions").includes(m.id))
      .map((m) => ({ type: "mention", row: m }));
    const claims = annotator.data.claims
      .filter((c) => ids("claims").includes(c.id))
      .map((c) => ({ type: "claim", row: c }));
    return [...mentions, ...claims].sort(
      (a, b) => a.row.end - a.row.start - (b.row.end - b.row.start),
    );
  }

  function open(element, which) {
    const items = covered(element);
    if (!items.length) return;
    const item = items[which || 0];
    const popup = el("div", {
      class: "annotator-popup ann-editor",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "ann-edit-title",
    });
    const switcher =
      items.length > 1
        ? el(
            "p",
            { class: "ann-switch" },
            text("here") + " ",
            ...items.map((it, i) =>
              el("button", {
                type: "button",
                class: "button" + (i === (which || 0) ? " default" : ""),
                "aria-pressed": String(i === (which || 0)),
                text: it.type === "mention" ? it.row.entity.name : text("claim"),
                onclick: () => open(element, i),
              }),
            ),
          )
        : null;
    const body = item.type === "mention" ? mentionPart(item.row, element) : claimPart(item.row);
    popup.append(...[switcher, ...body].filter(Boolean));
    slot.show(popup, element.getBoundingClientRect(), element);
    const first = popup.querySelector("#ann-accept, #ann-edit-save, button");
    if (first) first.focus();
  }

  // Words of the annotation as the editor holds them, with buttons that move each end.
  function wordsPart(row, state, canChange) {
    const preview = el("q", {}, el("bdi", { lang: config.language, text: row.text }));
    const words = annotator.text.nameWords();
    const move = (edge, direction) => () => {
      const start = edge === "start" ? step(words, state.start, "start", direction) : state.start;
      const end = edge === "end" ? step(words, state.end, "end", direction) : state.end;
      if (start === undefined || end === undefined || start >= end) return;
      const picked = annotator.text.textAt(start, end);
      if (picked === null) return; // a span stays inside its paragraph
      Object.assign(state, { start, end, text: picked });
      preview.firstChild.textContent = picked;
      annotator.text.selectOffsets(start, end);
    };
    const b = (id, label, onclick) =>
      el("button", { type: "button", class: "button", id, text: label, onclick });
    return el(
      "div",
      { class: "ann-field" },
      el("p", { class: "ann-selected", id: "ann-edit-words" }, text("words") + " ", preview),
      canChange
        ? el(
            "div",
            { class: "ann-steps", role: "group", "aria-label": text("widen_narrow") },
            b("ann-start-earlier", text("word_before"), move("start", -1)),
            b("ann-start-later", text("first_word"), move("start", 1)),
            b("ann-end-earlier", text("last_word"), move("end", -1)),
            b("ann-end-later", text("word_after"), move("end", 1)),
          )
        : null,
    );
  }

  // Every change closes the editor, taken or refused (the status line says which).
  async function send(url, payload) {
    await save(annotator, url, payload);
    close();
  }

  function buttons(row, type, canChange, collect) {
    return el(
      "div",
      { class: "ann-buttons" },
      canChange
        ? el("button", {
            type: "button",
            class: "button default",
            id: "ann-edit-save",
            text: text("save_changes"),
            onclick: () => {
              const payload = collect();
              if (!payload) return;
              send(config.urls.edit, { type, id: row.id, token: row.token, ...payload });
            },
          })
        : null,
      row.can_delete
        ? el("button", {
            type: "button",
            class: "button ann-delete",
            id: "ann-edit-delete",
            text: text("delete"),
            onclick: () => send(config.urls.delete, { type, id: row.id, token: row.token }),
          })
        : null,
      el("button", { type: "button", class: "button", text: text("close"), onclick: close }),
    );
  }

  // What both editors start from: the words as they stand, an error line, an entity picker
  // holding `entity` (or empty).
  function fields(row, label, id, entity) {
    const state = { start: row.start, end: row.end, text: row.text };
    const error = el("p", { class: "ann-error", role: "alert" });
    const picker = entityPicker({ label, id, url: config.urls.entities, say });
    if (entity) pickInto(entity, picker.input);
    return { state, error, picker };
  }

  // "Tag every occurrence": the name confirmed in this article, suggested in the others;
  // the counts stay beside the words as well as in the status line.
  async function everywhere(m, element) {
    const rect = element.getBoundingClientRect();
    annotator.say(text("every_working", { name: m.text }));
    const url = config.urls.occurrences || config.urls.annotations + "occurrences/";
    const saved = await save(annotator, url, { type: "mention", id: m.id, token: m.token });
    close();
    if (saved) noteNear(rect, document.getElementById("annotator-status").textContent, true);
  }

  // `element`: the highlight it was opened on, where the next suggestion is looked for.
  function mentionPart(m, element) {
    const canChange = config.can.review;
    const { state, error, picker } = fields(m, text("entity"), "ann-edit-entity", m.entity);
    const suggested = m.status === "suggested" && canChange;
    const canEverywhere =
      canChange && config.can.add_mention && m.status !== "rejected" && !m.is_orphaned;
    const decide = (status) => async () => {
      await review(annotator, [m.id], status);
      close();
      nextSuggestion(annotator, element, 1);
    };
    return [
      el("h3", { id: "ann-edit-title", text: text("mention_of", { entity: m.entity.name }) }),
      el(
        "p",
        { class: "ann-meta" },
        m.status_label + " · " + m.role_label,
        m.entity.name_ar
          ? el("bdi", { lang: "ar", dir: "rtl", class: "ann-name-ar", text: m.entity.name_ar })
          : null,
      ),
      suggested
        ? el(
            "div",
            { class: "ann-buttons ann-decide" },
            el("button", {
              type: "button",
              class: "button default",
              id: "ann-accept",
              text: text("accept"),
              onclick: decide("confirmed"),
            }),
            el("button", {
              type: "button",
              class: "button",
              id: "ann-reject",
              text: text("reject"),
              onclick: decide("rejected"),
            }),
          )
        : null,
      canEverywhere
        ? el(
            "div",
            { class: "ann-everywhere" },
            el("button", {
              type: "button",
              class: "button",
              id: "ann-every",
              text: text("every_button"),
              "aria-describedby": "ann-every-help",
              onclick: () => everywhere(m, element),
            }),
            el("small", {
              class: "ann-hint",
              id: "ann-every-help",
              text: text("every_help", { name: m.text }),
            }),
          )
        : null,
      wordsPart(m, state, canChange),
      canChange ? picker.wrapper : null,
      canChange ? selectField("ann-edit-role", text("role"), config.roles, m.role) : null,
      canChange ? selectField("ann-edit-status", text("status"), config.statuses, m.status) : null,
      error,
      buttons(m, "mention", canChange, () => {
        if (!picker.input.dataset.id) {
          error.textContent = text("choose_entity");
          return null;
        }
        return {
          entity_id: picker.input.dataset.id,
          role: document.getElementById("ann-edit-role").value,
          status: document.getElementById("ann-edit-status").value,
          ...state,
        };
      }),
    ];
  }

  function claimPart(c) {
    const canChange = config.can.change_claim;
    const label = text("speaker");
    const { state, error, picker } = fields(c, label, "ann-edit-speaker", c.speaker);
    return [
      el("h3", {
        id: "ann-edit-title",
        text: c.speaker ? text("claim_by", { speaker: c.speaker.name }) : text("claim_by_unknown"),
      }),
      el(
        "p",
        { class: "ann-meta" },
        c.kind_label + " · " + c.status_label + " · ",
        el("a", { href: c.url, text: text("full_claim_form") }),
      ),
      wordsPart(c, state, canChange),
      canChange ? picker.wrapper : null,
      canChange ? selectField("ann-edit-kind", text("kind"), config.claim_kinds, c.kind) : null,
      canChange ? selectField("ann-edit-status", text("status"), config.statuses, c.status) : null,
      error,
      buttons(c, "claim", canChange, () => {
        const name = picker.input.value.trim();
        if (name && !picker.input.dataset.id) {
          error.textContent = text("choose_speaker");
          return null;
        }
        return {
          ...(name ? { speaker_id: picker.input.dataset.id } : { speaker_unknown: true }),
          kind: document.getElementById("ann-edit-kind").value,
          status: document.getElementById("ann-edit-status").value,
          ...state,
        };
      }),
    ];
  }

  return { open, close };
}

// Focuses the next (direction 1) or previous (-1) suggestion in the text after `from`.
export function nextSuggestion(annotator, from, direction) {
  const all = Array.from(annotator.container.querySelectorAll(".ann-suggested[tabindex='0']"));
  if (!all.length) {
    annotator.say(text("no_suggestions_left"));
    return;
  }
  const at = from ? Number(from.dataset.start || -1) : -1;
  const ordered = direction > 0 ? all : all.slice().reverse();
  const next =
    ordered.find((e) =>
      direction > 0 ? Number(e.dataset.start) > at : Number(e.dataset.start) < at,
    ) || ordered[0];
  next.focus();
  next.scrollIntoView({ block: "center" });
}
