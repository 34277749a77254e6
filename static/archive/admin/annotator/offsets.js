/* Selections and offsets: DOM points <-> body offsets in Unicode code points.
 *
 * Offsets are character offsets in the ORIGINAL body, counted in Unicode code points as the
 * server (Python) and the API count them. JS strings and DOM offsets count UTF-16 units,
 * which differ after every astral character (an emoji, 𝐀, 𠀀): each paragraph keeps a table
 * between the two (unitMap), and every offset crosses it on its way in or out; words are
 * found and snapped on the paragraph's code points, never on UTF-16 units. Each
 * paragraph element carries the offset of its first character (data-start); an offset
 * inside a paragraph is that start plus the code points of the paragraph's text before the
 * point, measured with a DOM Range, so highlight elements nested in the paragraph never
 * shift it. The server checks every span against the stored body before writing.
 */
import { text as t } from "./strings.js";

// A letter, digit or combining mark: the characters a word is made of.
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
// What may be glued to the front of an Arabic name and left out of a selection (the same
// table as archive/text/arabic.py: a conjunction, a preposition, the article).
const CLITICS = new Set(
  ["", "و", "ف"]
    .flatMap((c) => ["", "ب", "ل", "ك"].map((p) => c + p))
    .concat(["وال", "فال", "بال", "كال", "لل", "ال"])
    .filter(Boolean),
);
const ARABIC = /[\u0600-\u06ff]/;

function isWordAt(chars, i) {
  return i >= 0 && i < chars.length && WORD_CHAR.test(chars[i]);
}

// Moves [s, e) out to whole words ("merican" -> "Americans"), except that an Arabic name may
// start after its proclitics (السراج in والسراج). `chars` is the text as code points (one
// array item each) and s, e offsets into it, so no end falls between the two halves of a
// character outside the Basic Multilingual Plane (𝒜, 𠀀).
export function snapToWords(chars, s, e) {
  if (isWordAt(chars, s - 1) && isWordAt(chars, s)) {
    let head = s;
    while (isWordAt(chars, head - 1)) head -= 1;
    const prefix = chars.slice(head, s).join("");
    if (!(ARABIC.test(prefix) && CLITICS.has(prefix))) s = head;
  }
  while (isWordAt(chars, e - 1) && isWordAt(chars, e)) e += 1;
  return [s, e];
}

// Code points <-> UTF-16 units within a text: toCp[unit] and toUnit[codePoint]. A unit
// index inside a surrogate pair counts as after the pair. `chars`: the code points.
export function unitMap(text) {
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
  return { toCp, toUnit, length: n, chars: Array.from(text) };
}

// The article text shown in `container`, whose paragraphs' exact texts are `paragraphData`.
export function articleText(container, paragraphData) {
  let words = null;

  function paragraphs() {
    return Array.from(container.querySelectorAll(".annotator-paragraph"));
  }

  function paragraphText(p) {
    // The exact text from JSON (the HTML parser may alter some characters, e.g. CR).
    if (p._text === undefined) p._text = paragraphData[Number(p.dataset.index)].text;
    return p._text;
  }

  function mapOf(p) {
    if (p._map === undefined) p._map = unitMap(paragraphText(p));
    return p._map;
  }

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

  // Every word ([{start, end}] in body offsets), for keyboard selection. The text never
  // changes while the page is open, so they are found once.
  function allWords() {
    if (words === null) {
      words = [];
      for (const p of paragraphs()) {
        const start = Number(p.dataset.start);
        const map = mapOf(p);
        for (const m of paragraphText(p).matchAll(/\S+/g)) {
          words.push({
            start: start + map.toCp[m.index],
            end: start + map.toCp[m.index + m[0].length],
          });
        }
      }
    }
    return words;
  }

  // The selected words as {start, end, text, snapped} (surrounding spaces left out, half
  // words made whole; `snapped` is what was selected when that changed it), {error, rect}
  // when the selection crosses paragraphs, or null when nothing in the text is selected.
  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return null;
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    const p = paragraphOf(range.startContainer);
    if (start === null || end === null || !p || paragraphOf(range.endContainer) !== p) {
      return {
        error: t("one_paragraph"),
        rect: range.getBoundingClientRect(),
      };
    }
    // From here on, code points within the paragraph.
    const pStart = Number(p.dataset.start);
    const chars = mapOf(p).chars;
    let s = start - pStart;
    let e = end - pStart;
    while (s < e && /\s/.test(chars[s])) s++;
    while (e > s && /\s/.test(chars[e - 1])) e--;
    if (s >= e) return null;
    const selected = chars.slice(s, e).join("");
    [s, e] = snapToWords(chars, s, e);
    const words = chars.slice(s, e).join("");
    return {
      start: pStart + s,
      end: pStart + e,
      text: words,
      snapped: words === selected ? null : selected,
    };
  }

  // Words made of letters, digits and marks (hyphen or apostrophe inside kept), without the
  // punctuation around them: the steps by which the editor widens or narrows a span.
  let letterWords = null;
  function nameWords() {
    if (letterWords === null) {
      letterWords = [];
      const re = /[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*/gu;
      for (const p of paragraphs()) {
        const start = Number(p.dataset.start);
        const map = mapOf(p);
        for (const m of paragraphText(p).matchAll(re)) {
          letterWords.push({
            start: start + map.toCp[m.index],
            end: start + map.toCp[m.index + m[0].length],
          });
        }
      }
    }
    return letterWords;
  }

  // The body's text between two offsets of one paragraph, or null.
  function textAt(start, end) {
    for (const p of paragraphs()) {
      const pStart = Number(p.dataset.start);
      const map = mapOf(p);
      if (start >= pStart && end <= pStart + map.length) {
        return paragraphText(p).slice(map.toUnit[start - pStart], map.toUnit[end - pStart]);
      }
    }
    return null;
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

  return {
    paragraphs,
    paragraphText,
    mapOf,
    paragraphOf,
    pointAt,
    words: allWords,
    nameWords,
    textAt,
    selectionSpan,
    selectOffsets,
  };
}
