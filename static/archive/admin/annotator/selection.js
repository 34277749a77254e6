/* Selecting words with the keyboard (arrow keys word by word, Shift extends; Enter tags,
 * Escape closes) or the mouse (a drag opens the form). Right-to-left text swaps the
 * meaning of Left and Right, so "forward" is always reading order. */

export function wireSelection({ container, text, rtl, open, close, openHighlight, next }) {
  let kb = null; // {anchor, focus} word indexes

  container.addEventListener("keydown", (event) => {
    const mark = event.target.closest && event.target.closest(".ann[tabindex]");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openHighlight(mark);
      return;
    }
    if ((event.key === "n" || event.key === "N") && !event.ctrlKey && !event.metaKey) {
      // N: the next suggestion to review; Shift+N the one before.
      event.preventDefault();
      next(mark || null, event.shiftKey ? -1 : 1);
      return;
    }
    const forwardKey = rtl ? "ArrowLeft" : "ArrowRight";
    const backKey = rtl ? "ArrowRight" : "ArrowLeft";
    const words = text.words();
    if (
      event.key === forwardKey ||
      event.key === backKey ||
      event.key === "ArrowDown" ||
      event.key === "ArrowUp"
    ) {
      if (!words.length) return;
      event.preventDefault();
      // From a highlight, the arrows select words: Enter then tags them, not the highlight.
      if (mark) container.focus({ preventScroll: true });
      if (!kb) {
        const span = text.selectionSpan();
        const at =
          span && !span.error
            ? Math.max(
                0,
                words.findIndex((w) => w.end > span.start),
              )
            : 0;
        kb = { anchor: at, focus: at };
      } else {
        let focus = kb.focus;
        if (event.key === forwardKey) focus += 1;
        else if (event.key === backKey) focus -= 1;
        else {
          // Up/Down: the first word of the previous/next paragraph.
          const para = text.paragraphOf(text.pointAt(words[focus].start)[0]);
          const list = text.paragraphs();
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
      text.selectOffsets(words[lo].start, words[hi].end);
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(text.selectionSpan());
    } else if (event.key === "Escape") {
      close();
    }
  });

  container.addEventListener("click", (event) => {
    const mark = event.target.closest(".ann");
    if (mark && window.getSelection().isCollapsed) openHighlight(mark);
  });

  container.addEventListener("mouseup", () => {
    kb = null;
    setTimeout(() => {
      const span = text.selectionSpan();
      if (span) open(span);
    }, 0);
  });
}
