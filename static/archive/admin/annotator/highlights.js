/* Highlights: the article's paragraphs redrawn with its live mentions and claims marked. */
import { el } from "./dom.js";
import { text as t } from "./strings.js";

const live = (a) => !a.is_orphaned && a.status !== "rejected";

// Cuts each paragraph at every span boundary; each piece covered by spans becomes one
// element listing them all (overlapping annotations nest nothing).
export function renderHighlights(text, data) {
  const spans = [
    ...data.mentions.filter(live).map((m) => ({ ...m, type: "mention" })),
    ...data.claims.filter(live).map((c) => ({ ...c, type: "claim" })),
  ];
  for (const p of text.paragraphs()) {
    const body = text.paragraphText(p);
    const map = text.mapOf(p);
    const start = Number(p.dataset.start);
    const end = start + map.length;
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
      const piece = body.slice(map.toUnit[a - start], map.toUnit[b - start]);
      const cover = inside.filter((s) => s.start <= a && s.end >= b);
      fragment.append(cover.length ? highlight(cover, piece, a) : document.createTextNode(piece));
    }
    p.replaceChildren(fragment);
  }
}

// One piece of text under annotations. The piece where an annotation begins is a stop of
// the Tab key (Enter opens it), so each annotation is reached once from the keyboard.
function highlight(cover, piece, at) {
  const classes = ["ann"];
  const titles = [];
  for (const s of cover) {
    if (s.type === "mention") {
      classes.push("ann-mention", "ann-" + s.status, "ann-kind-" + s.entity.kind);
      titles.push(s.entity.name + " (" + s.role_label + ", " + s.status_label.toLowerCase() + ")");
    } else {
      classes.push("ann-claim", "ann-claim-" + s.status);
      titles.push(
        s.speaker
          ? t("highlight_claim", { speaker: s.speaker.name, kind: s.kind_label })
          : t("highlight_claim_unknown", { kind: s.kind_label }),
      );
    }
  }
  const ids = (type) =>
    cover
      .filter((s) => s.type === type)
      .map((s) => s.id)
      .join(" ");
  return el(
    "span",
    {
      class: classes.join(" "),
      title: titles.join("; "),
      "aria-label": cover.some((s) => s.start === at) ? piece + ": " + titles.join("; ") : null,
      tabindex: cover.some((s) => s.start === at) ? "0" : null,
      role: cover.some((s) => s.start === at) ? "button" : null,
      "data-start": at,
      "data-mentions": ids("mention"),
      "data-claims": ids("claim"),
    },
    piece,
  );
}
