/* The lists under the text: suggested mentions to review (one by one or in bulk),
 * orphaned annotations to place again or delete, and the article's claims. Every write
 * sends the token the page was given for each row it changes. */
import { el, fill, noteNear } from "./dom.js";
import { save } from "./server.js";
import { text as t } from "./strings.js";

// `annotator` is the shared state (see main.js).
export function renderLists(annotator) {
  renderSuggested(annotator);
  renderOrphans(annotator);
  renderClaims(annotator);
}

// Review with the tokens this page was given: a row changed since is refused (409).
export function review(annotator, ids, status) {
  const tokens = {};
  for (const m of annotator.data.mentions) if (ids.includes(m.id)) tokens[m.id] = m.token;
  return save(annotator, annotator.config.urls.review, { ids, status, tokens });
}

function button(label, onclick, id) {
  return el("button", { type: "button", class: "button", id, text: label, onclick });
}

function renderSuggested(annotator) {
  const { config, data } = annotator;
  const suggested = data.mentions.filter((m) => m.status === "suggested" && !m.is_orphaned);
  const checks = [];
  const rows = suggested.map((m) => {
    const check = el("input", {
      type: "checkbox",
      value: m.id,
      id: "ann-sugg-" + m.id,
      "aria-label": t("select_row", { words: m.text }),
    });
    checks.push(check);
    return el(
      "li",
      { "data-id": m.id },
      check,
      " ",
      el(
        "label",
        { for: "ann-sugg-" + m.id },
        el("q", { dir: "auto", text: m.text }),
        " → " + m.entity.name,
      ),
      config.can.review
        ? el(
            "span",
            { class: "ann-row-buttons" },
            button(t("confirm"), () => review(annotator, [m.id], "confirmed")),
            button(t("reject_one"), () => review(annotator, [m.id], "rejected")),
          )
        : null,
    );
  });
  const chosen = () => checks.filter((c) => c.checked).map((c) => Number(c.value));
  const reviewChosen = (status) => (event) => {
    const ids = chosen();
    if (!ids.length) {
      // Beside the button, clear of the rows it asks to tick.
      const rows = document.querySelector("#annotator-suggested ul");
      noteNear(
        event.target.getBoundingClientRect(),
        t(status === "confirmed" ? "tick_to_confirm" : "tick_to_reject"),
        false,
        rows ? rows.getBoundingClientRect() : null,
      );
      return;
    }
    review(annotator, ids, status);
  };
  fill(
    document.getElementById("annotator-suggested"),
    el("h3", { text: t("suggested_title", { count: suggested.length }) }),
    suggested.length && config.can.review
      ? el(
          "p",
          { class: "ann-bulk" },
          button(t("select_all"), () =>
            checks.forEach((c) => {
              c.checked = true;
            }),
          ),
          button(t("confirm_selected"), reviewChosen("confirmed"), "ann-confirm-selected"),
          button(t("reject_selected"), reviewChosen("rejected"), "ann-reject-selected"),
        )
      : null,
    suggested.length ? el("ul", {}, ...rows) : el("p", { text: t("none") }),
  );
}

function renderOrphans(annotator) {
  const { config, data, say, text } = annotator;
  const orphans = [
    ...data.mentions
      .filter((m) => m.is_orphaned)
      .map((m) => ({ ...m, type: "mention", label: m.entity.name })),
    ...data.claims
      .filter((c) => c.is_orphaned)
      .map((c) => ({ ...c, type: "claim", label: t("orphan_claim") })),
  ];
  const placeAtSelection = (o) => {
    const span = text.selectionSpan() || annotator.lastSpan;
    if (!span || span.error) {
      say(t("select_first"), true);
      return;
    }
    save(annotator, config.urls.place, {
      type: o.type,
      id: o.id,
      token: o.token,
      start: span.start,
      end: span.end,
      text: span.text,
    });
  };
  fill(
    document.getElementById("annotator-orphans"),
    el("h3", { text: t("orphans_title", { count: orphans.length }) }),
    orphans.length
      ? el("p", {
          class: "help",
          text: t("orphans_help"),
        })
      : null,
    orphans.length
      ? el(
          "ul",
          {},
          ...orphans.map((o) =>
            el(
              "li",
              {},
              el("q", { dir: "auto", text: o.text }),
              " (" + o.label + ") ",
              button(t("place_at_selection"), () => placeAtSelection(o)),
              o.can_delete
                ? button(t("delete"), () =>
                    save(annotator, config.urls.delete, { type: o.type, id: o.id, token: o.token }),
                  )
                : null,
            ),
          ),
        )
      : el("p", { text: t("none") }),
  );
}

function renderClaims(annotator) {
  const { claims } = annotator.data;
  fill(
    document.getElementById("annotator-claims"),
    el("h3", { text: t("claims_title", { count: claims.length }) }),
    claims.length
      ? el(
          "ul",
          {},
          ...claims.map((c) =>
            el(
              "li",
              {},
              el("a", { href: c.url }, (c.speaker ? c.speaker.name : t("unknown_speaker")) + ": "),
              el("q", { dir: "auto", text: c.text }),
              " " +
                c.kind_label +
                ", " +
                c.status_label.toLowerCase() +
                (c.subjects.length
                  ? " — " + t("claim_about", { subjects: c.subjects.join(", ") })
                  : ""),
            ),
          ),
        )
      : el("p", { text: t("none") }),
  );
}
