"""The body renderer (no database needed): escaped paragraphs with nested, overlapping
highlights, as archive.rendering builds them for article and side-by-side pages."""

from archive.rendering import Highlight, render_paragraphs


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


def test_body_renderer_never_nests_a_link_inside_a_link():
    body = "Government of National Accord"
    outer = Highlight(0, len(body), "a", {"href": "/o/"})
    inner = Highlight(14, 22, "a", {"href": "/n/"})
    ((_, html),) = render_paragraphs(body, [outer, inner])
    assert html.count("<a ") == 1
    assert "<span>National</span>" in html


def test_body_renderer_puts_a_name_inside_an_arabic_word_without_breaking_it():
    body = "وقال والسراج كلاما"
    start = body.index("السراج")
    ((_, html),) = render_paragraphs(body, [Highlight(start, start + 6, "a", {"href": "/p/"})])
    # The conjunction و is glued to the link: no space or other character between them.
    assert 'و<a href="/p/">السراج</a> ' in html
