/* The annotator's words, in one place: a later JavaScript catalogue (Django's
 * JavaScriptCatalog) replaces this table; `{name}` in a string is filled by text(). Strings
 * of the older modules move here as they are touched. */

export const LOCALE = "en"; // the language of the strings below

const STRINGS = {
  // The "New entity" part: an entity already in the archive under the name or a spelling.
  known_title: "Already in the archive:",
  known_exact: "“{name}” is already a name of this entity.",
  known_variant: "“{name}” is a spelling of this entity’s name.",
  tag_as_this: "Tag as this one",
  tag_as_this_label: "Tag as {entity}",
  // The alias box: what ticking it adds, and why it is ticked or not.
  alias_add: "Add “{words}” as {language} alias of {entity}",
  alias_language: "an {language}",
  alias_language_consonant: "a {language}",
  alias_is_name: "“{words}” is already a name of {entity}: no alias to add.",
  alias_hint_spelling: "A spelling of a name it has: found without an alias.",
  alias_hint_part: "Part of a name it has (a surname is found after the full name).",
  alias_hint_new: "A new name for it: the matcher finds it only as an alias.",
  alias_hint_new_entity: "Words other than its name: found only as an alias.",
  // Names that recur in the texts and belong to no entity (the picker lists them last).
  unknown_label: "Not in the archive yet",
  unknown_detail: "{count} times in {articles} articles",
  unknown_also: "also {spellings}",
  unknown_picked: "A new entity named “{name}”: choose its kind, then Save.",
  // "Tag every occurrence".
  every_button: "Tag every occurrence",
  every_help:
    "Confirm “{name}” (and its spellings) everywhere in this article and suggest it in every other article.",
  every_working: "Tagging “{name}” everywhere…",
};

// The string `key` with `{name}` placeholders filled from `values`.
export function text(key, values = {}) {
  const template = STRINGS[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (all, name) =>
    name in values ? String(values[name]) : all,
  );
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
