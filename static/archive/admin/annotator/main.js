/* The article annotator in the admin: select words, tag them as a mention or a claim.
 *
 * Native ES modules, no dependencies and no build step, one concern each:
 *   offsets.js     selections and offsets in Unicode code points (as the server counts)
 *   selection.js   keyboard and mouse selection
 *   highlights.js  the text with its mentions and claims marked
 *   picker.js      the entity combobox (any alias, any script)
 *   form.js        the tagging form (mention or claim)
 *   edit.js        an existing highlight opened: change, widen/narrow, accept, delete
 *   lists.js       suggestions to review, orphans to place again, claims
 *   dom.js         elements, the status line, notes, the one pop-up at a time
 *   server.js      JSON requests, and the one way a change is saved
 * This module holds the shared state and wires them together.
 */
import { statusLine } from "./dom.js";
import { highlightEditor, nextSuggestion } from "./edit.js";
import { tagForm } from "./form.js";
import { renderHighlights } from "./highlights.js";
import { renderLists } from "./lists.js";
import { articleText } from "./offsets.js";
import { wireSelection } from "./selection.js";

const config = JSON.parse(document.getElementById("annotator-config").textContent);
const container = document.getElementById("annotator-body");

// What every part reads; `data` is replaced by each answer of the server, then render().
const annotator = {
  config,
  container,
  text: articleText(container, config.paragraphs),
  say: statusLine(document.getElementById("annotator-status")),
  data: { mentions: config.mentions, claims: config.claims },
  lastSpan: null, // the last span the form opened on, for "Place at selection"
  render() {
    renderHighlights(annotator.text, annotator.data);
    renderLists(annotator);
  },
};

const form = tagForm(annotator);
const editor = highlightEditor(annotator);
wireSelection({
  container,
  text: annotator.text,
  rtl: config.direction === "rtl",
  open: (span) => {
    editor.close();
    form.open(span);
  },
  close: () => {
    form.close();
    editor.close();
  },
  openHighlight: (mark) => {
    form.close();
    editor.open(mark);
  },
  next: (from, direction) => nextSuggestion(annotator, from, direction),
});

for (const p of annotator.text.paragraphs()) annotator.text.mapOf(p);
annotator.render();
