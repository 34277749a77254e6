/* The annotator's words, in one place, through Django's JavaScript catalogue
 * (JavaScriptCatalog, domain "djangojs": locale/<language>/LC_MESSAGES/djangojs.po).
 * change_form.html loads the catalogue as a classic script before the modules run, so
 * `django.gettext` is there when this table is built. Placeholders are `%(name)s`, filled
 * by text() with the catalogue's interpolate(). tests/test_annotator_i18n.py checks that
 * every string here has its Arabic, and that no other module writes English of its own. */

const catalogue = globalThis.django || {};
const gettext = catalogue.gettext || ((s) => s);
const ngettext = catalogue.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate =
  catalogue.interpolate ||
  ((fmt, values) => fmt.replace(/%\((\w+)\)s/g, (all, name) => String(values[name])));

// The language of the admin page (Django sets <html lang>): the strings' language.
export const LOCALE = document.documentElement.lang || "en";

const STRINGS = {
  // The form (form.js): tag the selected words as a mention or a claim.
  form_label: gettext("Tag the selected words"),
  selected: gettext("Selected:"),
  snapped: gettext("Made whole words: you selected “%(words)s”."),
  tag_as: gettext("Tag as"),
  mention: gettext("Mention"),
  claim: gettext("Claim"),
  entity_any: gettext("Entity (any alias, any script)"),
  new_entity: gettext("New entity"),
  new_name: gettext("Name (English)"),
  kind: gettext("Kind"),
  description: gettext("Description (what tells it apart)"),
  duplicate: gettext("It is a different entity with the same name"),
  role: gettext("Role"),
  status: gettext("Status"),
  speaker: gettext("Speaker (leave empty if unknown)"),
  about: gettext("About (add each entity)"),
  subjects: gettext("Subjects"),
  remove: gettext("Remove %(name)s"),
  date: gettext("Date"),
  save: gettext("Save"),
  cancel: gettext("Cancel"),
  choose_speaker: gettext("Choose the speaker from the list, or leave it empty."),
  choose_entity_or_new: gettext("Choose an entity from the list, or tick “New entity”."),
  // The "New entity" part: an entity already in the archive under the name or a spelling.
  known_title: gettext("Already in the archive:"),
  known_exact: gettext("“%(name)s” is already a name of this entity."),
  known_variant: gettext("“%(name)s” is a spelling of this entity’s name."),
  tag_as_this: gettext("Tag as this one"),
  // The alias box: what ticking it adds, and why it is ticked or not.
  alias_add: gettext("Add “%(words)s” as %(language)s alias of %(entity)s"),
  alias_language: gettext("an %(language)s"),
  alias_language_consonant: gettext("a %(language)s"),
  alias_is_name: gettext("“%(words)s” is already a name of %(entity)s: no alias to add."),
  alias_hint_spelling: gettext("A spelling of a name it has: found without an alias."),
  alias_hint_part: gettext("Part of a name it has (a surname is found after the full name)."),
  alias_hint_new: gettext("A new name for it: the matcher finds it only as an alias."),
  alias_hint_new_entity: gettext("Words other than its name: found only as an alias."),
  // The picker (picker.js).
  exact_name: gettext("exact name"),
  a_spelling: gettext("a spelling of this name"),
  // Names that recur in the texts and belong to no entity (the picker lists them last).
  unknown_label: gettext("Not in the archive yet"),
  unknown_detail: gettext("%(count)s times in %(articles)s articles"),
  unknown_also: gettext("also %(spellings)s"),
  unknown_picked: gettext("A new entity named “%(name)s”: choose its kind, then Save."),
  // An existing highlight opened (edit.js).
  here: gettext("Here:"),
  words: gettext("Words:"),
  widen_narrow: gettext("Widen or narrow by a word"),
  word_before: gettext("+ word before"),
  first_word: gettext("− first word"),
  last_word: gettext("− last word"),
  word_after: gettext("+ word after"),
  save_changes: gettext("Save changes"),
  delete: gettext("Delete"),
  close: gettext("Close"),
  entity: gettext("Entity"),
  mention_of: gettext("Mention of %(entity)s"),
  accept: gettext("Accept suggestion"),
  reject: gettext("Reject suggestion"),
  choose_entity: gettext("Choose the entity from the list."),
  claim_by: gettext("Claim by %(speaker)s"),
  claim_by_unknown: gettext("Claim by an unknown speaker"),
  full_claim_form: gettext("Full claim form"),
  no_suggestions_left: gettext("No suggestions left to review in this text."),
  // "Tag every occurrence".
  every_button: gettext("Tag every occurrence"),
  every_help: gettext(
    "Confirm “%(name)s” (and its spellings) everywhere in this article and suggest it in every other article.",
  ),
  every_working: gettext("Tagging “%(name)s” everywhere…"),
  // The lists under the text (lists.js).
  select_row: gettext("Select %(words)s"),
  confirm: gettext("Confirm"),
  reject_one: gettext("Reject"),
  tick_to_confirm: gettext("Tick the suggestions to confirm first."),
  tick_to_reject: gettext("Tick the suggestions to reject first."),
  suggested_title: gettext("Suggested mentions (%(count)s)"),
  select_all: gettext("Select all"),
  confirm_selected: gettext("Confirm selected"),
  reject_selected: gettext("Reject selected"),
  none: gettext("None."),
  orphans_title: gettext("Orphaned annotations (%(count)s)"),
  orphans_help: gettext(
    "The updated text no longer holds these words. Select where they belong now, then “Place at selection”.",
  ),
  orphan_claim: gettext("claim"),
  place_at_selection: gettext("Place at selection"),
  select_first: gettext("First select the words where it belongs."),
  claims_title: gettext("Claims (%(count)s)"),
  unknown_speaker: gettext("Unknown"),
  claim_about: gettext("about %(subjects)s"),
  // The highlights' titles (highlights.js), the selection (offsets.js), the server (server.js).
  highlight_claim: gettext("Claim by %(speaker)s (%(kind)s)"),
  highlight_claim_unknown: gettext("Claim by an unknown speaker (%(kind)s)"),
  one_paragraph: gettext(
    "Select words within one paragraph: a mention or a claim cannot cross one.",
  ),
  server_answered: gettext("The server answered %(status)s."),
};

// Strings with a number: the catalogue picks the form the language needs for `count`.
const PLURALS = {
  mentions: (n) => ngettext("%(count)s mention", "%(count)s mentions", n),
};

// The string `key` with its `%(name)s` placeholders filled from `values`.
export function text(key, values = {}) {
  const template = STRINGS[key];
  if (template === undefined) throw new Error("No annotator string " + key);
  return interpolate(template, values, true);
}

// The string `key` as a list of strings and nodes: a value that is a DOM node (a <bdi>
// around the selected words) is put in the words' place, as it is in the translation.
export function nodes(key, values = {}) {
  const template = STRINGS[key];
  if (template === undefined) throw new Error("No annotator string " + key);
  return template
    .split(/%\((\w+)\)s/)
    .map((part, i) =>
      i % 2 ? (values[part] instanceof Node ? values[part] : String(values[part])) : part,
    )
    .filter((part) => part !== "");
}

// The plural string `key` for `count`, filled with `count` and `values`.
export function plural(key, count, values = {}) {
  return interpolate(PLURALS[key](count), { count, ...values }, true);
}

// A language's name in the strings' language: "English", "Arabic".
export function languageName(code) {
  try {
    return new Intl.DisplayNames([LOCALE], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

// "an English" / "an Arabic" / "a French": the article English needs before a name.
export function languageArticle(code) {
  const language = languageName(code);
  const key = /^[aeiou]/i.test(language) ? "alias_language" : "alias_language_consonant";
  return text(key, { language });
}
