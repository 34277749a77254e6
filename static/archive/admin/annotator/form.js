/* The tagging form: the selected words as a mention (an entity found by any alias, or made
 * on the spot) or as a claim (speaker, kind, the entities it is about, its date). */
import { el, noteNear, popupSlot, selectField } from "./dom.js";
import { describeEntity, entityPicker, pickInto } from "./picker.js";
import { save as saveChange } from "./server.js";

// `annotator` is the shared state (see main.js). Returns {open(span), close()}.
export function tagForm(annotator) {
  const { config, container, say } = annotator;
  const slot = popupSlot(container);
  const close = slot.close;

  function open(span) {
    if (!span) return;
    if (span.error) {
      close();
      say(span.error, true);
      noteNear(span.rect || container.getBoundingClientRect(), span.error);
      return;
    }
    annotator.lastSpan = span;
    if (!config.can.add_mention && !config.can.add_claim) return;
    close();
    const error = el("p", { class: "ann-error", role: "alert" });
    const subjects = [];
    const subjectChips = el("ul", { class: "ann-chips", "aria-label": "Subjects" });
    const picker = (label, id, onPick) =>
      entityPicker({ label, id, url: config.urls.entities, say, onPick });

    const entity = picker("Entity (any alias, any script)", "ann-entity");
    const newBox = el("input", { type: "checkbox", id: "ann-new" });
    const newFields = el(
      "div",
      { class: "ann-new-fields", hidden: true },
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-new-name", text: "Name (English)" }),
        el("input", { id: "ann-new-name", class: "vTextField", value: span.text }),
      ),
      selectField("ann-new-kind", "Kind", config.kinds, "person"),
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-new-description", text: "Description (what tells it apart)" }),
        el("input", { id: "ann-new-description", class: "vTextField" }),
      ),
      el(
        "div",
        { class: "ann-field ann-inline", id: "ann-duplicate-field", hidden: true },
        el("input", { type: "checkbox", id: "ann-new-duplicate" }),
        el("label", {
          for: "ann-new-duplicate",
          text: " It is a different entity with the same name",
        }),
      ),
    );
    newBox.addEventListener("change", () => {
      newFields.hidden = !newBox.checked;
      entity.input.disabled = newBox.checked;
      entity.wrapper.hidden = newBox.checked; // its list of options would crowd the form
    });
    const mentionPart = el(
      "fieldset",
      { class: "ann-part", id: "ann-mention-part" },
      el("legend", { text: "Mention" }),
      entity.wrapper,
      config.can.add_entity
        ? el(
            "div",
            { class: "ann-field ann-inline" },
            newBox,
            el("label", { for: "ann-new", text: "New entity" }),
          )
        : null,
      newFields,
      selectField("ann-role", "Role", config.roles, "other"),
    );

    const speaker = picker("Speaker (leave empty if unknown)", "ann-speaker");
    const subject = picker("About (add each entity)", "ann-subject", (o, input) => {
      input.value = "";
      if (subjects.some((s) => s.id === o.id)) return;
      subjects.push(o);
      subjectChips.append(
        el(
          "li",
          {},
          o.name + " ",
          el("button", {
            type: "button",
            class: "ann-chip-remove",
            "aria-label": "Remove " + o.name,
            text: "×",
            onclick: (e) => {
              subjects.splice(subjects.indexOf(o), 1);
              e.target.parentElement.remove();
            },
          }),
        ),
      );
    });
    const claimPart = el(
      "fieldset",
      { class: "ann-part", id: "ann-claim-part", hidden: true },
      el("legend", { text: "Claim" }),
      speaker.wrapper,
      selectField("ann-claim-kind", "Kind", config.claim_kinds, "direct_quote"),
      subject.wrapper,
      subjectChips,
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-date", text: "Date" }),
        el("input", { type: "date", id: "ann-date" }),
      ),
    );

    function mode(which) {
      mentionPart.hidden = which !== "mention";
      claimPart.hidden = which !== "claim";
    }
    const modes = el(
      "div",
      { class: "ann-modes", role: "radiogroup", "aria-label": "Tag as" },
      config.can.add_mention
        ? el(
            "label",
            {},
            el("input", {
              type: "radio",
              name: "ann-mode",
              id: "ann-mode-mention",
              value: "mention",
              checked: true,
              onchange: () => mode("mention"),
            }),
            " Mention",
          )
        : null,
      config.can.add_claim
        ? el(
            "label",
            {},
            el("input", {
              type: "radio",
              name: "ann-mode",
              id: "ann-mode-claim",
              value: "claim",
              checked: !config.can.add_mention,
              onchange: () => mode("claim"),
            }),
            " Claim",
          )
        : null,
    );
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
          start: span.start,
          end: span.end,
          text: span.text,
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
        payload = {
          start: span.start,
          end: span.end,
          text: span.text,
          role: document.getElementById("ann-role").value,
        };
        if (newBox.checked) {
          payload.new_entity = {
            name: document.getElementById("ann-new-name").value,
            kind: document.getElementById("ann-new-kind").value,
            description: document.getElementById("ann-new-description").value,
            duplicate: document.getElementById("ann-new-duplicate").checked,
          };
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
      // A refusal stays in the form, with the entities that already carry a taken name.
      const saved = await saveChange(annotator, url, payload, (e) => {
        error.replaceChildren(e.message);
        if (e.body && e.body.existing) offerExisting(e.body.existing);
        popup.scrollTop = popup.scrollHeight; // the message and its choices, above Save
      });
      saving = false;
      if (button) button.disabled = false;
      if (saved) close();
    }

    // The name is taken: offer the entities that carry it, or a deliberate duplicate.
    function offerExisting(existing) {
      document.getElementById("ann-duplicate-field").hidden = false;
      error.append(
        el(
          "ul",
          { class: "ann-existing" },
          ...existing.map((o) =>
            el(
              "li",
              {},
              describeEntity(o),
              " ",
              el("button", {
                type: "button",
                class: "button",
                text: "Tag as this one",
                onclick: () => {
                  newBox.checked = false;
                  newBox.dispatchEvent(new Event("change"));
                  pickInto(o, entity.input);
                  save();
                },
              }),
            ),
          ),
        ),
      );
    }

    const popup = el(
      "div",
      {
        class: "annotator-popup",
        role: "dialog",
        "aria-label": "Tag the selected words",
        dir: "ltr",
      },
      el(
        "p",
        { class: "ann-selected" },
        "Selected: ",
        el("q", {}, el("bdi", { lang: config.language, text: span.text })),
        el("small", { text: " (" + span.start + "–" + span.end + ")" }),
      ),
      span.snapped
        ? el(
            "p",
            { class: "ann-snapped", role: "status" },
            "Made whole words: you selected “",
            el("bdi", { lang: config.language, text: span.snapped }),
            "”.",
          )
        : null,
      modes,
      mentionPart,
      claimPart,
      error,
      el(
        "div",
        { class: "ann-buttons" },
        el("button", {
          type: "button",
          class: "button default",
          id: "ann-save",
          text: "Save",
          onclick: save,
        }),
        el("button", {
          type: "button",
          class: "button",
          id: "ann-cancel",
          text: "Cancel",
          onclick: close,
        }),
      ),
    );
    popup.addEventListener("keydown", (event) => {
      const target = event.target.tagName;
      if (event.key === "Enter" && target !== "BUTTON" && target !== "SELECT") {
        event.preventDefault();
        save();
      }
    });
    slot.show(popup, selectionRect(container));
    // What the analyst selected may have been half a word: show the whole words tagged.
    if (span.snapped) annotator.text.selectOffsets(span.start, span.end);
    if (config.can.add_mention) {
      entity.input.value = span.text;
      entity.wrapper.search();
      entity.input.focus();
      entity.input.select();
    } else {
      speaker.input.focus();
    }
  }

  return { open, close };
}

// Where the form goes: under the selection (or the text), inside the window. The popup is
// fixed and never taller than the window (its buttons stay in view; see annotate.css).
function selectionRect(container) {
  const selection = window.getSelection();
  return selection.rangeCount
    ? selection.getRangeAt(0).getBoundingClientRect()
    : container.getBoundingClientRect();
}
