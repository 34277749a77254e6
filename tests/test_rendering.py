"""The body renderer (no database needed): escaped paragraphs with nested, overlapping
highlights, as archive.formats.rendering builds them for article and side-by-side pages."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.formats.rendering import Highlight, render_paragraphs


def test_body_renderer_escapes_text_and_wraps_spans_in_paragraphs():
    body = "A <b>bold</b> & Tripoli\n\nSecond para"
    start = body.index("Tripoli")
    html = render_paragraphs(body, [Highlight(start, start + 7, "a", {"href": "/places/t/"})])
    assert [i for i, _ in html] == [0, 1]
    assert html[0][1] == 'A &lt;b&gt;bold&lt;/b&gt; &amp; <a href="/places/t/">Tripoli</a>'
    assert html[1][1] == "Second para"


def test_body_renderer_keeps_overlapping_spans_well_formed_and_anchor_once():
    body = "abcdefghij"
    claim = Highlight(0, 6, "mark", {"class": "claim"}, first_attrs={"id": "claim-1"})
    mention = Highlight(4, 9, "a", {"href": "/x/"})
    ((_, html),) = render_paragraphs(body, [claim, mention])
    assert html == (
        '<mark class="claim" id="claim-1">abcd<a href="/x/">ef</a></mark><a href="/x/">ghi</a>j'
    )
    # Exactly one element carries the anchor id.
    assert html.count('id="claim-1"') == 1


def test_body_renderer_never_nests_a_link_inside_a_link_and_keeps_both():
    body = "Government of National Accord"
    outer = Highlight(0, len(body), "a", {"href": "/o/", "title": "GNA"})
    inner = Highlight(14, 22, "a", {"href": "/n/"})
    ((_, html),) = render_paragraphs(body, [outer, inner])
    # The outer name is a link on its own words and a marked span around the inner link.
    assert html == (
        '<a href="/o/" title="GNA">Government of </a>'
        '<span title="GNA"><a href="/n/">National</a></span>'
        '<a href="/o/" title="GNA"> Accord</a>'
    )


def test_a_name_at_the_end_of_a_longer_name_keeps_its_link():
    body = "signed the Political Agreement of Skhirat in 2015"
    start = body.index("Political")
    outer = Highlight(start, start + 30, "a", {"href": "/organizations/lpa/"}, order=1)
    inner = Highlight(body.index("Skhirat"), body.index(" in"), "a", {"href": "/places/s/"})
    ((_, html),) = render_paragraphs(body, [inner, outer])  # any input order
    assert html == (
        'signed the <a href="/organizations/lpa/">Political Agreement of </a>'
        '<span><a href="/places/s/">Skhirat</a></span> in 2015'
    )


def test_two_entities_on_the_same_words_both_get_a_link_and_the_text_is_unchanged():
    body = "Tripoli said"
    first = Highlight(0, 7, "a", {"href": "/places/tripoli/", "title": "Tripoli"}, order=1)
    second = Highlight(0, 7, "a", {"href": "/organizations/gov/", "title": "Government"}, order=1)
    ((_, html),) = render_paragraphs(body, [first, second])
    assert html == (
        '<span title="Tripoli"><a href="/organizations/gov/" title="Government">Tripoli</a></span>'
        '<a href="/places/tripoli/" title="Tripoli" class="mention-extra" aria-label="Tripoli">'
        "</a> said"
    )
    assert re.sub(r"<[^>]+>", "", html) == body


class _Tree(HTMLParser):
    """Checks well-formedness and records, for each character, the links around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict]] = []
        self.text = ""
        self.innermost_href: list[str | None] = []
        self.hrefs_seen: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        assert not (tag == "a" and any(t == "a" for t, _ in self.open)), "<a> inside <a>"
        if tag == "a":
            self.hrefs_seen.add(attrs["href"])
        self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> does not close the last tag"
        self.open.pop()

    def handle_data(self, data):
        self.text += data
        href = next((a["href"] for t, a in reversed(self.open) if t == "a"), None)
        self.innermost_href += [href] * len(data)


spans_strategy = st.lists(
    st.tuples(
        st.integers(0, 30), st.integers(1, 12), st.sampled_from(["a", "mark"]), st.integers(0, 1)
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(spans=spans_strategy)
def test_any_nesting_renders_well_formed_with_every_link_reachable(spans):
    body = "abcdefghij klmnopqrst\nuvwxyz0123 456789ABCDEFG"
    highlights = [
        Highlight(s, min(s + n, len(body)), tag, {"href": f"/{i}/"} if tag == "a" else {}, order=o)
        for i, (s, n, tag, o) in enumerate(spans)
    ]
    tree = _Tree()
    for _index, html in render_paragraphs(body, highlights):
        tree.feed(html + "\n")
    assert not tree.open
    assert tree.text.rstrip("\n") == body
    for i, h in enumerate(highlights):
        if h.tag == "a" and h.start < h.end and "\n" not in body[h.start : h.end]:
            assert f"/{i}/" in tree.hrefs_seen  # every link can be clicked and tabbed to
    # Where a link covers a letter, clicking the letter follows the innermost such link.
    links = sorted(
        ((h.start, -h.end, h.order, i) for i, h in enumerate(highlights) if h.tag == "a"),
    )
    for position, char in enumerate(body):
        if char == "\n":
            continue
        covering = [(s, e, i) for s, e, _o, i in links if s <= position < -e]
        expected = f"/{covering[-1][2]}/" if covering else None
        assert tree.innermost_href[position] == expected, position


def test_body_renderer_puts_a_name_inside_an_arabic_word_without_breaking_it():
    body = "وقال والسراج كلاما"
    start = body.index("السراج")
    ((_, html),) = render_paragraphs(body, [Highlight(start, start + 6, "a", {"href": "/p/"})])
    # The conjunction و is glued to the link: no space or other character between them.
    assert 'و<a href="/p/">السراج</a> ' in html


def test_many_nested_names_in_one_paragraph_render_in_linear_work(monkeypatch):
    # 10,000 "Agreement of Skhirat", each a link with its inner place link, all inside one
    # claim: the edges of each highlight are read a bounded number of times.
    from tests.test_limits import CountedHighlight

    many = 10_000
    phrase = "Agreement of Skhirat"
    body = " ".join([phrase] * many)
    spans = [CountedHighlight(0, len(body), "mark", {"class": "claim"}, {"id": "claim-1"})]
    for i in range(many):
        start = i * (len(phrase) + 1)
        spans.append(CountedHighlight(start, start + len(phrase), "a", {"href": "/o/"}, order=1))
        spans.append(
            CountedHighlight(start + 13, start + len(phrase), "a", {"href": "/p/"}, order=1)
        )
    CountedHighlight.reads, CountedHighlight.budget = 0, 60 * len(spans)
    try:
        ((_, html),) = render_paragraphs(body, spans)
    finally:
        CountedHighlight.budget = 0
    one = '<a href="/o/">Agreement of </a><span><a href="/p/">Skhirat</a></span>'
    assert html.count(one) == many
    assert len(html) < (len(one) + 10) * many + 100  # no tag written more than once per edge
