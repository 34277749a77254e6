"""Tests for archive.text.align (no Django)."""

import json
import re
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.text.align import (
    Pair,
    align,
    disagreements,
    number_spans,
    paragraph_keys,
    paragraph_spans,
    paragraphs,
    unmatched_figures,
)
from archive.text.matcher import AliasEntry, Matcher
from archive.text.normalize import normalize

DATA = Path(__file__).resolve().parent.parent / "data"

HEADER_RE_PREFIXES = ("Posted in:", "Written By:")


def seed_text(key: str) -> str:
    return next((DATA / "seeds").glob(f"{key}_*.txt")).read_text(encoding="utf-8")


def strip_header(text: str) -> str:
    """Drop the header lines of seeds 003/004 the way the Django side does: the title,
    the repeated title, a date line, 'Posted in:' and 'Written By:' lines."""
    lines = text.split("\n")
    title = lines[0].strip()
    out = []
    in_header = True
    for line in lines[1:]:
        s = line.strip()
        if in_header and (
            not s
            or s == title
            or s.startswith(HEADER_RE_PREFIXES)
            or (s[:1].isupper() and s.split()[0] in MONTHS and s[-5:-3].isdigit())
        ):
            continue
        in_header = False
        out.append(line)
    return "\n".join(out)


MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}


def seed_matcher() -> Matcher:
    table = json.loads((DATA / "seed_aliases.json").read_text(encoding="utf-8"))
    return Matcher(
        AliasEntry(e["entity"], n, e["kind"]) for e in table["entities"] for n in e["names"]
    )


def body_anchors(matcher: Matcher, *bodies: str):
    """anchors callable built from mentions found in whole bodies (as the Django side
    does with stored mentions), so surnames resolved by context count."""
    table: dict[str, set[str]] = {}
    for body in bodies:
        found = matcher.find(body)
        for (s, e), para in zip(paragraph_spans(body), paragraphs(body), strict=True):
            keys = {str(m.entity_id) for m in found if s <= m.start < e}
            table.setdefault(para, set()).update(keys)
    return lambda text: table.get(text, set())


def links(pairs) -> set[tuple[int, int]]:
    return {(i, j) for p in pairs for i in p[0] for j in p[1]}


def check_partition(pairs: list[Pair], n: int, m: int) -> None:
    left = [i for p in pairs for i in p.left]
    right = [j for p in pairs for j in p.right]
    assert left == list(range(n))
    assert right == list(range(m))
    for p in pairs:
        assert (len(p.left), len(p.right)) in {(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)}


# --- paragraphs ---------------------------------------------------------------------------


def test_paragraphs_and_spans():
    body = "  First para. \r\n\n   \nSecond\tpara\n\nThird"
    assert paragraphs(body) == ["First para.", "Second\tpara", "Third"]
    spans = paragraph_spans(body)
    assert [body[s:e] for s, e in spans] == paragraphs(body)
    assert paragraphs("") == [] and paragraph_spans("\n\n") == []


def test_seed_bodies():
    assert len(paragraphs("\n".join(seed_text("000").split("\n")[1:]))) == 16
    assert len(paragraphs(seed_text("001"))) == 14
    b3, b4 = strip_header(seed_text("003")), strip_header(seed_text("004"))
    assert paragraphs(b3)[0].startswith("The US embassy in Libya said Friday")
    assert paragraphs(b4)[0].startswith("The American embassy in Libya said")
    assert len(paragraphs(b3)) == 7 and len(paragraphs(b4)) == 9


# --- numbers ---------------------------------------------------------------------------------


def test_numbers_normalised():
    assert [v for _, _, v in number_spans("$635 million in 2011, ٦٣٥ و۲۰۱۲; 1,200 3.5")] == [
        "635",
        "2011",
        "635",
        "2012",
        "1200",
        "3.5",
    ]
    text = "spent $635 million"
    ((s, e, _),) = number_spans(text)
    assert text[s:e] == "635"


def test_unmatched_figures_and_disagreements():
    en = "Since the uprising, the United States has spent $635 million, in 2011 and 2012."
    ar = "وقالت إن واشنطن أنفقت ٦٣٥ مليون دولار بعد 2011 وفي 2013."
    left, right = unmatched_figures(en, ar)
    assert [en[s:e] for s, e in left] == ["2012"]
    assert [ar[s:e] for s, e in right] == ["2013"]
    lo, ro = disagreements(en, ar)
    assert (lo, ro) == ({"num:2012"}, {"num:2013"})
    ents = {en: {"us"}, ar: {"washington"}}
    lo, ro = disagreements(en, ar, anchors=lambda t: ents[t])
    assert lo == {"num:2012", "us"} and ro == {"num:2013", "washington"}
    en2 = "Williams said the US spent $635 million."
    ar2 = "قالت إن واشنطن دعمت ليبيا."
    left, right = unmatched_figures(en2, ar2)
    assert [en2[s:e] for s, e in left] == ["635"] and right == []


def test_paragraph_keys():
    keys = paragraph_keys('He said "hello there" in 2011', anchors=lambda t: {"e1"})
    assert keys == {"num:2011", "quote", "a:e1"}
    assert "w:hello" in paragraph_keys('"hello"', words=True)


# --- alignment: invariants ---------------------------------------------------------------------


def test_empty_sides():
    assert align([], []) == []
    assert align(["a"], []) == [Pair([0], [])]
    assert align([], ["a", "b"]) == [Pair([], [0]), Pair([], [1])]


PARA = st.lists(
    st.sampled_from(["abc", "xyz", "2011", "635", '"', "ليبيا", "٦٣٥", "the"]),
    min_size=1,
    max_size=30,
).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(st.lists(PARA, max_size=12), st.lists(PARA, max_size=12))
def test_alignment_is_a_monotonic_partition(left, right):
    pairs = align(left, right, left_lang="en", right_lang="ar")
    check_partition(pairs, len(left), len(right))


def test_identical_texts_align_one_to_one():
    paras = paragraphs(seed_text("002"))
    pairs = align(paras, paras)
    assert [(p.left, p.right) for p in pairs] == [([i], [i]) for i in range(len(paras))]


# --- alignment: gold 000/001 -----------------------------------------------------------------


def load_gold():
    gold = json.loads((DATA / "gold_alignment_000_001.json").read_text(encoding="utf-8"))
    left_body = "\n".join(seed_text("000").split("\n")[1:])
    right_body = seed_text("001")
    return gold, left_body, right_body


def score(pairs, gold_pairs) -> tuple[float, float]:
    got = links([(p.left, p.right) for p in pairs])
    want = links(gold_pairs)
    return len(got & want) / max(1, len(got)), len(got & want) / len(want)


def test_gold_is_a_partition():
    gold, lb, rb = load_gold()
    pairs = [Pair(left, right) for left, right in gold["pairs"]]
    left = sorted(i for p in pairs for i in p.left)
    right = sorted(j for p in pairs for j in p.right)
    assert left == list(range(len(paragraphs(lb)))) == list(range(gold["left"]["paragraphs"]))
    assert right == list(range(len(paragraphs(rb)))) == list(range(gold["right"]["paragraphs"]))


def test_gold_alignment_000_001_with_entity_anchors():
    gold, lb, rb = load_gold()
    left, right = paragraphs(lb), paragraphs(rb)
    anchors = body_anchors(seed_matcher(), lb, rb)
    pairs = align(left, right, left_lang="en", right_lang="ar", anchors=anchors)
    check_partition(pairs, len(left), len(right))
    precision, recall = score(pairs, gold["pairs"])
    print(f"000/001 body anchors: link precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95


def test_gold_alignment_000_001_with_per_paragraph_anchors():
    """Anchors from the matcher run on each paragraph alone (surnames such as 'Williams'
    are then not resolved): still no wrong link."""
    gold, lb, rb = load_gold()
    left, right = paragraphs(lb), paragraphs(rb)
    matcher = seed_matcher()
    pairs = align(
        left,
        right,
        left_lang="en",
        right_lang="ar",
        anchors=lambda t: {str(m.entity_id) for m in matcher.find(t)},
    )
    check_partition(pairs, len(left), len(right))
    precision, recall = score(pairs, gold["pairs"])
    print(f"000/001 paragraph anchors: link precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.9


def test_gold_alignment_000_001_numbers_only():
    gold, lb, rb = load_gold()
    left, right = paragraphs(lb), paragraphs(rb)
    pairs = align(left, right, left_lang="en", right_lang="ar")
    check_partition(pairs, len(left), len(right))
    precision, recall = score(pairs, gold["pairs"])
    print(f"000/001 numbers only: link precision {precision:.3f} recall {recall:.3f}")
    got = links([(p.left, p.right) for p in pairs])
    # the paragraphs carrying numbers are linked right even without entities
    assert {(3, 3), (4, 4), (5, 5)} <= got


def test_635_million_missing_from_counterpart():
    _, lb, rb = load_gold()
    left, right = paragraphs(lb), paragraphs(rb)
    lo, ro = disagreements(left[5], right[5])
    assert lo == set() and ro == set()
    # English paragraph 12 ("December 2016") has no counterpart figure in Arabic 11
    spans, _ = unmatched_figures(left[12], right[11])
    assert [left[12][s:e] for s, e in spans] == ["2016"]


# --- alignment: 003/004 (two outlets, same language) -----------------------------------------


def test_alignment_003_004():
    b3, b4 = strip_header(seed_text("003")), strip_header(seed_text("004"))
    left, right = paragraphs(b3), paragraphs(b4)
    pairs = align(left, right, anchors=body_anchors(seed_matcher(), b3, b4))
    check_partition(pairs, len(left), len(right))
    got = links([(p.left, p.right) for p in pairs])
    print("003/004:", [(p.left, p.right) for p in pairs])
    # 003 lead (meeting of experts ... eliminate militias) is told by 004's paragraphs 0-2
    assert any((0, j) in got for j in (0, 1, 2))
    # "appreciates ... readiness to address this issue" == "welcomed the readiness ..."
    assert (1, 3) in got
    # "long-term stability can only be achieved ..." in both
    assert (3, 4) in got
    # 003's quote on toxic foreign intervention and the Interior Ministry paragraphs, and
    # 004's background (Gaddafi, two governments, Haftar's offensive) have no counterpart
    linked_left = {i for i, _ in got}
    linked_right = {j for _, j in got}
    assert not linked_left & {2, 4, 5, 6}
    assert not linked_right & {5, 6, 7, 8}
    # without anchors the same-language word overlap is enough for the obvious links
    got_plain = links([(p.left, p.right) for p in align(left, right)])
    assert {(1, 3), (3, 4)} <= got_plain


def test_a_translated_pair_whose_figures_differ_is_still_linked():
    left = [
        "The meeting took place in the capital on Thursday morning.",
        "Since the uprising, the United States has spent $635 million supporting the country.",
        "Officials said more talks would follow next month in the same city.",
    ]
    right = [
        "عقد الاجتماع في العاصمة صباح الخميس.",
        "وقالت إن واشنطن أنفقت 600 مليون دولار لدعم ليبيا منذ الانتفاضة.",
        "وقال المسؤولون إن محادثات أخرى ستعقد الشهر المقبل في المدينة نفسها.",
    ]
    pairs = align(left, right, left_lang="en", right_lang="ar")
    assert [(p.left, p.right) for p in pairs] == [([0], [0]), ([1], [1]), ([2], [2])]


def test_a_paragraph_without_a_numeric_character_has_no_number_after_normalizing():
    # number_spans skips the normalization of a paragraph with no numeric character and
    # none of the CJK compatibility signs: no other character may normalize into a digit.
    digits = re.compile(r"\d")
    makes_digit = [
        ch
        for ch in map(chr, range(sys.maxunicode + 1))
        if not ch.isnumeric()
        and not 0x3200 <= ord(ch) <= 0x33FF
        and not 0xD800 <= ord(ch) <= 0xDFFF
        and digits.search(normalize(ch))
    ]
    assert makes_digit == []
    assert [v for _, _, v in number_spans("rose ² to ½ and ①")] == ["2", "1", "2", "1"]
    assert [v for _, _, v in number_spans("on ㋀")] == ["1"]
    assert number_spans("No figure at all, nor ٪ nor %.") == []
