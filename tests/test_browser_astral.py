"""The annotator with characters outside the Basic Multilingual Plane (𝒜 U+1D49C, 𠀀 U+20000
of CJK Extension B): one code point each but two UTF-16 units in the browser. Snapping a
half-selected word to whole words, extending a selection and saving all count code points,
as the server does; no selection ends between the two halves of one."""

import re

import pytest

from archive.models import Claim, Mention
from tests.conftest import SCREENSHOTS
from tests.factories import make_article, make_entity, make_user
from tests.test_browser_admin import SELECT_JS, annotate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Envoys 𝒜lpha and Zed𝒜𝒜 met x𠀀y in 𠀀 hall.\nThen 𝒜 left 𠀀𠀀 behind."


def span_of(words: str) -> tuple[int, int]:
    """Code-point offsets of `words` in BODY as whole words (Python str indexes)."""
    found = re.search(rf"(?<!\w){re.escape(words)}(?!\w)", BODY)
    return found.start(), found.end()


def selected(page) -> tuple[str, str]:
    """The words the tagging form holds, and the offsets it shows."""
    return page.text_content(".ann-selected bdi"), page.text_content(".ann-selected small")


def open_form(page, text, n=0):
    assert page.evaluate(SELECT_JS, [text, n])
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")


# What a drag over part of the words selects (its n-th occurrence), and the whole words it
# stands for.
CASES = [
    ("Ze", 0, "Zed𝒜𝒜"),  # ends on two astral letters
    ("Zed𝒜", 0, "Zed𝒜𝒜"),  # ends between two of them
    ("x", 0, "x𠀀y"),  # one inside the word
    ("y", 1, "x𠀀y"),  # (the first y is in Envoys)
    ("lpha", 0, "𝒜lpha"),  # one at the start of the word
    ("𠀀", 0, "x𠀀y"),  # the one inside x𠀀y
    ("𠀀", 1, "𠀀"),  # a word of its own
    ("𠀀", 2, "𠀀𠀀"),  # the first of two, in the second paragraph
    ("𝒜", 3, "𝒜"),
]


def test_half_selected_words_snap_across_astral_characters_in_code_points(browser, live_server):
    article = make_article(body=BODY)
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, article)
    for text, n, words in CASES:
        open_form(page, text, n)
        start, end = span_of(words)
        assert selected(page) == (words, f" ({start}–{end})"), (text, n)
        # The page's selection is the whole words too, never half a character.
        assert page.evaluate("window.getSelection().toString()") == words, (text, n)
        page.keyboard.press("Escape")
        page.wait_for_selector(".annotator-popup", state="detached")


def test_a_snapped_selection_is_extended_and_saved_with_code_point_offsets(browser, live_server):
    article = make_article(body=BODY)
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, article)

    # Half a word, made whole: saved as a new entity's mention at the code points.
    open_form(page, "Ze")
    assert page.is_visible(".ann-snapped")
    page.check("#ann-new")
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention")
    mention = Mention.objects.get(article=article)
    assert (mention.start, mention.end) == span_of("Zed𝒜𝒜")
    assert mention.text == "Zed𝒜𝒜" == BODY[mention.start : mention.end]

    # A selection extended by the mouse to half of the next word but one: whole words again.
    assert page.evaluate(SELECT_JS, ["lpha", 0])
    page.evaluate(
        """() => {
        const body = document.getElementById('annotator-body');
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const i = walker.currentNode.data.indexOf('met x');
          if (i >= 0) {
            getSelection().extend(walker.currentNode, i + 'met x'.length);
            return;
          }
        }
    }"""
    )
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    start, end = span_of("𝒜lpha and Zed𝒜𝒜 met x𠀀y")
    assert selected(page) == ("𝒜lpha and Zed𝒜𝒜 met x𠀀y", f" ({start}–{end})")
    page.keyboard.press("Escape")

    # From the keyboard: the sixth word, x𠀀y, then Shift+→ twice, then Enter; a claim.
    page.keyboard.press("Escape")
    page.evaluate("getSelection().removeAllRanges()")
    page.focus("#annotator-body")
    for _ in range(6):  # the first press selects the first word
        page.keyboard.press("ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == "x𠀀y"
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == "x𠀀y in 𠀀"
    page.keyboard.press("Enter")
    page.wait_for_selector(".annotator-popup")
    page.check("#ann-mode-claim")
    page.click("#ann-save")
    page.wait_for_selector(".ann-claim")
    claim = Claim.objects.get(article=article)
    assert (claim.start, claim.end, claim.text) == (*span_of("x𠀀y in 𠀀"), "x𠀀y in 𠀀")

    # The highlight editor widens a span word by word across them too.
    page.click(f".ann-mention[data-mentions='{mention.pk}']")
    page.wait_for_selector(".ann-editor")
    page.click("#ann-start-earlier")
    page.click("#ann-start-earlier")
    assert page.inner_text("#ann-edit-words") == "Words: 𝒜lpha and Zed𝒜𝒜"
    page.screenshot(path=str(SCREENSHOTS / "admin-astral-widened.png"), full_page=True)
    page.click("#ann-edit-save")
    page.wait_for_selector(".ann-editor", state="detached")
    mention.refresh_from_db()
    assert (mention.start, mention.end) == span_of("𝒜lpha and Zed𝒜𝒜")
    assert mention.text == "𝒜lpha and Zed𝒜𝒜"


def test_an_existing_mention_after_astral_characters_is_drawn_on_its_words(browser, live_server):
    from tests.factories import make_mention

    article = make_article(body=BODY)
    thing = make_entity(name="Double")
    mention = make_mention(article, thing, "𠀀𠀀")
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, article)
    drawn = page.text_content(f".ann-mention[data-mentions='{mention.pk}']")
    assert drawn == "𠀀𠀀"
