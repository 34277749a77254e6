/* The tagging form: the selected words as a mention (an entity found by any alias, or made
 * on the spot) or as a claim (speaker, kind, the entities it is about, its date).
 * A new entity whose name (or a spelling of it) an entity already has offers that one
 * first; the words become an alias only when the analyst ticks the box that says so. */
import { el, noteNear, popupSlot, selectField } from "./dom.js";
import { describeEntity, entityPicker, pickInto } from "./picker.js";
import { call, save as saveChange } from "./server.js";
import { languageArticle, nodes, text } from "./strings.js";

const same = (a, b) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

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
    const subjectChips = el("ul", { class: "ann-chips", "aria-label": text("subjects") });
    const picker = (label, id, onPick) =>
      entityPicker({ label, id, url: config.urls.entities, say, onPick });

    const entity = entityPicker({
      label: text("entity_any"),
      id: "ann-entity",
      url: config.urls.entities,
      say,
      words: span.text,
      onUnknown: config.can.add_entity ? useUnknown : undefined,
    });
    const newBox = el("input", { type: "checkbox", id: "ann-new" });
    const newName = el("input", {
      id: "ann-new-name",
      class: "vTextField",
      dir: "auto", // a Latin name reads from the left in the Arabic admin
      value: span.text,
    });
    // Entities that already carry the new name, or a spelling of it: offered first.
    const known = el("div", { class: "ann-known", id: "ann-known", hidden: true });
    const newFields = el(
      "div",
      { class: "ann-new-fields", hidden: true },
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-new-name", text: text("new_name") }),
        newName,
      ),
      known,
      selectField("ann-new-kind", text("kind"), config.kinds, "person"),
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-new-description", text: text("description") }),
        el("input", { id: "ann-new-description", class: "vTextField", dir: "auto" }),
      ),
      el(
        "div",
        { class: "ann-field ann-inline", id: "ann-duplicate-field", hidden: true },
        el("input", { type: "checkbox", id: "ann-new-duplicate" }),
        el("label", {
          for: "ann-new-duplicate",
          text: " " + text("duplicate"),
        }),
      ),
    );
    // The words as an alias: shown once there is an entity, saying exactly what is added.
    const aliasBox = el("input", {
      type: "checkbox",
      id: "ann-add-alias",
      "aria-describedby": "ann-add-alias-hint",
    });
    const aliasLabel = el("label", { for: "ann-add-alias", id: "ann-add-alias-label" });
    const aliasHint = el("small", { class: "ann-hint", id: "ann-add-alias-hint" });
    const aliasField = el(
      "div",
      { class: "ann-field ann-inline ann-alias", id: "ann-alias-field", hidden: true },
      aliasBox,
      aliasLabel,
      aliasHint,
    );
    let aliasFor = null; // what the box's default was set for: the analyst's tick then stays
    function updateAlias() {
      let name = null;
      let how = null;
      if (newBox.checked) {
        name = newName.value.trim() || span.text.trim();
        how = same(name, span.text) ? "name" : "new_entity";
      } else if (entity.input.dataset.id) {
        name = entity.input.value;
        how = entity.input.dataset.words || "new";
      }
      aliasField.hidden = !name || how === "name";
      if (aliasField.hidden) return;
      // The words and the name as isolates: a Latin name beside Arabic words (or the
      // other way round) keeps its own order and leaves the sentence's in place.
      aliasLabel.replaceChildren(
        ...nodes("alias_add", {
          words: el("bdi", { lang: config.language, text: span.text.trim() }),
          language: languageArticle(config.language),
          entity: el("bdi", { dir: "auto", text: name }),
        }),
      );
      aliasHint.textContent = text("alias_hint_" + how);
      const key = how + "|" + (newBox.checked ? "new" : entity.input.dataset.id);
      if (key !== aliasFor) {
        aliasFor = key;
        aliasBox.checked = how === "new" || how === "new_entity"; // a new spelling only
      }
    }
    entity.input.addEventListener("ann-pick", updateAlias);

    // Tag the words as an entity already in the archive: picked into the form, the alias
    // box then says what it would add, and Save (focused) tags.
    function useExisting(o) {
      newBox.checked = false;
      newBox.dispatchEvent(new Event("change"));
      pickInto(o, entity.input);
      document.getElementById("ann-save").focus();
    }

    // A name from the texts that no entity has yet: a new entity under that name.
    function useUnknown(o) {
      newBox.checked = true;
      newName.value = o.name;
      newBox.dispatchEvent(new Event("change"));
      say(text("unknown_picked", { name: o.name }));
      document.getElementById("ann-new-kind").focus();
    }

    function offerList(existing) {
      return el(
        "ul",
        { class: "ann-existing" },
        ...existing.map((o) =>
          el(
            "li",
            {},
            describeEntity(o, "ann-use-name-" + o.id),
            " ",
            // Its name is what it shows, then whose it is ("Tag as this one Fayez
            // al-Sarraj"): a voice command saying the words seen on it finds it.
            el("button", {
              type: "button",
              class: "button ann-use",
              id: "ann-use-" + o.id,
              text: text("tag_as_this"),
              "aria-labelledby": ["ann-use-" + o.id, "ann-use-name-" + o.id].join(" "),
              onclick: () => useExisting(o),
            }),
          ),
        ),
      );
    }

    function showKnown(found) {
      known.hidden = !found.length;
      document.getElementById("ann-duplicate-field").hidden = !found.length;
      known.replaceChildren(
        el("p", { class: "ann-known-title", role: "status", text: text("known_title") }),
        offerList(found),
      );
    }

    // As the new name is typed: the entities named so (exactly, or in another spelling).
    let knownTimer = null;
    let knownSeq = 0;
    async function checkKnown() {
      const mine = ++knownSeq;
      const q = newName.value.trim() || span.text.trim();
      if (!newBox.checked || !q) {
        known.hidden = true;
        return;
      }
      try {
        const body = await call(
          config.urls.entities +
            "?q=" +
            encodeURIComponent(q) +
            "&words=" +
            encodeURIComponent(span.text),
        );
        if (mine !== knownSeq) return;
        const found = body.results.filter((o) => o.match === "exact" || o.match === "variant");
        showKnown(found);
      } catch (e) {
        say(e.message, true);
      }
    }
    newName.addEventListener("input", () => {
      clearTimeout(knownTimer);
      knownTimer = setTimeout(checkKnown, 250);
      updateAlias();
    });

    newBox.addEventListener("change", () => {
      newFields.hidden = !newBox.checked;
      entity.input.disabled = newBox.checked;
      entity.wrapper.hidden = newBox.checked; // its list of options would crowd the form
      updateAlias();
      checkKnown();
    });
    const mentionPart = el(
      "fieldset",
      { class: "ann-part", id: "ann-mention-part" },
      el("legend", { text: text("mention") }),
      entity.wrapper,
      config.can.add_entity
        ? el(
            "div",
            { class: "ann-field ann-inline" },
            newBox,
            el("label", { for: "ann-new", text: text("new_entity") }),
          )
        : null,
      newFields,
      aliasField,
      selectField("ann-role", text("role"), config.roles, "other"),
    );

    const speaker = picker(text("speaker"), "ann-speaker");
    const subject = picker(text("about"), "ann-subject", (o, input) => {
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
            "aria-label": text("remove", { name: o.name }),
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
      el("legend", { text: text("claim") }),
      speaker.wrapper,
      selectField("ann-claim-kind", text("kind"), config.claim_kinds, "direct_quote"),
      subject.wrapper,
      subjectChips,
      el(
        "div",
        { class: "ann-field" },
        el("label", { for: "ann-date", text: text("date") }),
        el("input", { type: "date", id: "ann-date" }),
      ),
    );

    function mode(which) {
      mentionPart.hidden = which !== "mention";
      claimPart.hidden = which !== "claim";
    }
    const modes = el(
      "div",
      { class: "ann-modes", role: "radiogroup", "aria-label": text("tag_as") },
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
            " " + text("mention"),
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
            " " + text("claim"),
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
          error.textContent = text("choose_speaker");
          return;
        }
      } else {
        url = config.urls.mention;
        payload = {
          start: span.start,
          end: span.end,
          text: span.text,
          role: document.getElementById("ann-role").value,
          add_alias: !aliasField.hidden && aliasBox.checked,
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
          error.textContent = text("choose_entity_or_new");
          return;
        }
      }
      saving = true;
      const button = document.getElementById("ann-save");
      if (button) button.disabled = true;
      // A refusal stays in the form, with the entities that already carry a taken name.
      const saved = await saveChange(annotator, url, payload, (e) => {
        error.replaceChildren(e.message);
        popup.scrollTop = popup.scrollHeight; // the message, above Save
        // The entities that carry the name, in view above it.
        if (e.body && e.body.existing) {
          offerExisting(e.body.existing);
          // Clear of the buttons that stay at the bottom of the pop-up, once the pop-up has
          // taken its new size and place (placeFixed, on resize).
          const first = known.querySelector("button");
          const show = () => first.scrollIntoView({ block: "center" });
          requestAnimationFrame(() => requestAnimationFrame(show));
        }
      });
      saving = false;
      if (button) button.disabled = false;
      if (saved) close();
    }

    // The name is taken: offer the entities that carry it, or a deliberate duplicate.
    function offerExisting(existing) {
      document.getElementById("ann-duplicate-field").hidden = false;
      knownSeq++; // one offer, in one place: a look-up still on its way is dropped
      clearTimeout(knownTimer);
      showKnown(existing);
    }

    const popup = el(
      "div",
      {
        class: "annotator-popup",
        role: "dialog",
        "aria-label": text("form_label"),
      },
      el(
        "p",
        { class: "ann-selected" },
        text("selected") + " ",
        el("q", {}, el("bdi", { lang: config.language, text: span.text })),
        // Offsets read from the left in either language (an isolate keeps "174–185" whole).
        el("small", { dir: "ltr", text: " (" + span.start + "–" + span.end + ")" }),
      ),
      span.snapped
        ? el(
            "p",
            { class: "ann-snapped", role: "status" },
            ...nodes("snapped", {
              words: el("bdi", { lang: config.language, text: span.snapped }),
            }),
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
          text: text("save"),
          onclick: save,
        }),
        el("button", {
          type: "button",
          class: "button",
          id: "ann-cancel",
          text: text("cancel"),
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
