"""Analysts annotate in a real Chromium: select words, tag them, find the exact span stored."""

import pytest
from django.urls import reverse

from archive.models import Claim, Entity, Mention
from tests.conftest import SCREENSHOTS
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_seed_pair,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS

# Selects the n-th occurrence of `text` inside the annotator's text, as a user's drag would.
SELECT_JS = """([text, n]) => {
  const body = document.getElementById('annotator-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let seen = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    let i = node.data.indexOf(text);
    while (i >= 0) {
      if (seen++ === n) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + text.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        return true;
      }
      i = node.data.indexOf(text, i + 1);
    }
  }
  return false;
}"""


def login(browser, live_server, username, password="pw-analyst-1234", height=1000):
    page = browser.new_page(viewport={"width": 1280, "height": height})
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def test_analyst_tags_a_name_in_the_arabic_article_from_the_keyboard(browser, live_server):
    en, ar = make_seed_pair()
    sarraj = make_entity(
        name="Fayez al-Sarraj",
        slug="fayez-al-sarraj",
        aliases={"en": ["Fayez al-Sarraj"], "ar": ["فايز السراج"]},
    )
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[ar.pk]))
    assert page.get_attribute("#annotator-body", "dir") == "rtl"

    # The seed writes final ى, the alias ي: autocomplete still finds the entity.
    assert page.evaluate(SELECT_JS, ["فايز السراج", 0])
    page.focus("#annotator-body")
    page.keyboard.press("Enter")
    page.wait_for_selector(".annotator-popup")
    page.wait_for_selector("#ann-entity-list li")
    page.screenshot(path=str(SHOTS / "admin-arabic-tag-form.png"))
    page.keyboard.press("Enter")  # picks the first (highlighted) option
    assert page.input_value("#ann-entity") == "Fayez al-Sarraj"
    page.select_option("#ann-role", "actor")
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention.ann-confirmed")
    page.screenshot(path=str(SHOTS / "admin-arabic-tagged.png"), full_page=True)

    mention = Mention.objects.get(article=ar, entity=sarraj)
    start = ar.body.index("فايز السراج")
    assert (mention.start, mention.end) == (start, start + len("فايز السراج"))
    assert mention.text == ar.body[mention.start : mention.end]
    assert (mention.status, mention.role, mention.created_by.username) == (
        "confirmed",
        "actor",
        "ana",
    )
    # Work done once counts in every language: the English original gets a suggestion.
    proposed = Mention.objects.get(article=en, entity=sarraj)
    assert proposed.status == "suggested"
    assert proposed.text == "Fayez al-Sarraj"


def test_analyst_moves_word_by_word_with_arrow_keys_in_arabic(browser, live_server):
    en, ar = make_seed_pair()
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[ar.pk]))
    page.focus("#annotator-body")
    page.keyboard.press("ArrowLeft")  # right-to-left: left is forward; lands on word 1
    page.keyboard.press("Shift+ArrowLeft")
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected == " ".join(ar.body.split()[:2])


def test_analyst_records_a_claim_on_a_quote_in_an_english_article(browser, live_server):
    en, ar = make_seed_pair()
    williams = make_entity(
        name="Stephanie Williams", aliases={"en": ["Stephanie Williams", "Williams"]}
    )
    us = make_entity(name="United States", kind="place", aliases={"en": ["United States"]})
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[en.pk]))

    quote = "The only lasting solution"
    start = en.body.index(quote)
    end = en.body.index('"', start)
    text = en.body[start:end]
    assert page.evaluate(SELECT_JS, [text, 0])
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    page.check("#ann-mode-claim")
    page.fill("#ann-speaker", "Williams")
    page.wait_for_selector("#ann-speaker-list li")
    page.keyboard.press("Enter")
    page.select_option("#ann-claim-kind", "direct_quote")
    page.fill("#ann-subject", "United")
    page.wait_for_selector("#ann-subject-list li")
    page.keyboard.press("Enter")
    page.fill("#ann-date", "2018-06-01")
    page.screenshot(path=str(SHOTS / "admin-english-claim-form.png"))
    page.click("#ann-save")
    page.wait_for_selector(".ann-claim")
    page.screenshot(path=str(SHOTS / "admin-english-claim-saved.png"), full_page=True)

    claim = Claim.objects.get(article=en)
    assert (claim.start, claim.end, claim.text) == (start, end, text)
    assert claim.speaker == williams
    assert list(claim.about.all()) == [us]
    assert str(claim.date) == "2018-06-01"
    assert claim.kind == "direct_quote"


# Astral characters (outside the Basic Multilingual Plane) are one code point but two
# UTF-16 units: the flag is two of them, 𝐀 one. Offsets are code points everywhere.
ASTRAL_CASES = {
    "en": (
        "Breaking 🇱🇾 𝐀: Fayez al-Sarraj met Stephanie Williams in Tripoli.\nNothing else 😀.",
        "Stephanie Williams",
        "Tripoli",
    ),
    "ar": (
        "عاجل 🇱🇾 𝐀: التقى فايز السراج ستيفاني وليامز في طرابلس.\nلا شيء آخر 😀.",
        "فايز السراج",
        "طرابلس",
    ),
}

HIGHLIGHTS_JS = """() => {
  const found = {};
  for (const span of document.querySelectorAll('#annotator-body .ann-mention')) {
    for (const id of span.dataset.mentions.split(' ')) {
      found[id] = (found[id] || '') + span.textContent;
    }
  }
  return found;
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_offsets_are_code_points_after_an_emoji(browser, live_server, language):
    from tests.factories import make_article, make_mention

    body, name, place = ASTRAL_CASES[language]
    article = make_article(body=body, language=language)
    person = make_entity(name=f"Person {language}", aliases={language: [name]})
    city = make_entity(name=f"City {language}", kind="place", aliases={language: [place]})
    existing = make_mention(article, city, place)  # placed by the server, in code points
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[article.pk]))

    # A highlight the server placed covers exactly its words (not "n Tripo").
    assert page.evaluate(HIGHLIGHTS_JS) == {str(existing.pk): place}

    assert page.evaluate(SELECT_JS, [name, 0])
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    page.wait_for_selector("#ann-entity-list li")
    page.keyboard.press("Enter")
    assert page.input_value("#ann-entity") == person.name
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention.ann-kind-person")
    page.screenshot(path=str(SHOTS / f"admin-astral-{language}.png"), full_page=True)

    mention = Mention.objects.get(article=article, entity=person)
    start = body.index(name)  # Python: code points
    assert (mention.start, mention.end, mention.text) == (start, start + len(name), name)
    assert page.evaluate(HIGHLIGHTS_JS) == {str(existing.pk): place, str(mention.pk): name}
    assert page.text_content("#annotator-status") == f"Tagged “{name}” as {person.name}."


def test_confirming_a_suggestion_someone_rejected_meanwhile_is_refused(browser, live_server):
    from archive import services
    from tests.factories import make_article, make_mention

    article = make_article()
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    mention = make_mention(article, sarraj, "Fayez al-Sarraj", status="suggested")
    make_user("ana", group="Analyst")
    page = login(browser, live_server, "ana")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[article.pk]))
    page.wait_for_selector(f"#annotator-suggested li[data-id='{mention.pk}']")

    services.mention_reject(mention=mention, user=make_user("ed", group="Editor"))
    page.click(f"#annotator-suggested li[data-id='{mention.pk}'] button:text('Confirm')")
    page.wait_for_selector("#annotator-status.is-error")
    assert "reload" in page.text_content("#annotator-status").lower()
    assert Mention.objects.get(pk=mention.pk).status == "rejected"
    # The page now shows the row as it is: no longer a suggestion to act on.
    page.wait_for_selector(f"#annotator-suggested li[data-id='{mention.pk}']", state="detached")


# --- "An annotator analysts can trust": a laptop's 1280×720 window ---------------------------


def annotate(browser, live_server, article, user="ana"):
    page = login(browser, live_server, user, height=720)
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[article.pk]))
    page.wait_for_selector("#annotator-body .annotator-paragraph")
    return page


# Selects the first occurrence of `text` in the annotator's text, across highlight elements.
SELECT_ACROSS_JS = """(text) => {
  const body = document.getElementById('annotator-body');
  const nodes = [];
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let all = '';
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, all.length]);
    all += walker.currentNode.data;
  }
  const at = all.indexOf(text);
  if (at < 0) return false;
  const point = (i) => {
    for (const [node, from] of nodes) if (i <= from + node.data.length) return [node, i - from];
  };
  const range = document.createRange();
  range.setStart(...point(at));
  range.setEnd(...point(at + text.length));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return true;
}"""


def select_and_open(page, text, n=0):
    assert page.evaluate(SELECT_ACROSS_JS, text) if n == 0 else page.evaluate(SELECT_JS, [text, n])
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")


def in_window(page, selector):
    """The element is inside the 1280×720 window and not hidden under anything (nor
    scrolled away inside its popup)."""
    box = page.locator(selector).bounding_box()
    if not (box and box["y"] >= 0 and box["y"] + box["height"] <= 720 and box["x"] >= 0):
        return False
    return page.evaluate(
        """([selector, x, y]) => {
        const target = document.querySelector(selector);
        const hit = document.elementFromPoint(x, y);
        return Boolean(hit && (target === hit || target.contains(hit)));
    }""",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )


def test_the_picker_puts_the_exact_name_first_and_enter_takes_it(browser, live_server):
    en, _ = make_seed_pair()
    usa = make_entity(
        name="United States", name_ar="الولايات المتحدة", kind="place", description="Country",
        aliases={"en": ["United States", "US"], "ar": ["الولايات المتحدة"]},
    )  # fmt: skip
    make_entity(
        name="US Africa Command", kind="organization", aliases={"en": ["US Africa Command"]}
    )
    make_entity(name="Thomas Waldhauser", aliases={"en": ["Thomas Waldhauser"]})
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, en)
    select_and_open(page, "US")  # "with the US on Thursday"
    page.keyboard.press("Enter")  # at once, before the list has come
    page.wait_for_function("() => document.getElementById('ann-entity').dataset.id")
    assert page.input_value("#ann-entity") == "United States"
    page.fill("#ann-entity", "United States")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('ann-entity').dataset.id")
    assert page.input_value("#ann-entity") == "United States"
    page.fill("#ann-entity", "US")
    page.wait_for_selector("#ann-entity-list li")
    first = page.inner_text("#ann-entity-list li >> nth=0")
    for part in ("United States", "الولايات المتحدة", "Place", "Country", "0 mentions", "exact"):
        assert part in first
    assert "US Africa Command" in page.inner_text("#ann-entity-list li >> nth=1")
    page.screenshot(path=str(SHOTS / "admin-picker-exact-first.png"))
    assert in_window(page, "#ann-save")
    page.keyboard.press("Enter")
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention.ann-confirmed")
    assert Mention.objects.get(article=en).entity == usa


@pytest.mark.parametrize(
    ("language", "selected", "tagged", "snapped"),
    [
        ("en", "merican", "American", True),
        ("ar", "مريكى", "أمريكى", True),
        ("ar", "القائم", "القائم", False),  # inside والقائم: the name without its clitic
    ],
)
def test_half_a_word_is_made_whole_and_says_so(
    browser, live_server, language, selected, tagged, snapped
):
    en, ar = make_seed_pair()
    article = en if language == "en" else ar
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, article)
    select_and_open(page, selected)
    assert page.is_visible(".ann-snapped") == snapped
    assert page.input_value("#ann-entity") == tagged
    if snapped:
        assert selected in page.inner_text(".ann-snapped")
        assert page.evaluate("window.getSelection().toString()") == tagged
    page.screenshot(path=str(SHOTS / f"admin-snapped-{language}-{snapped}.png"))
    page.check("#ann-new")
    page.fill("#ann-new-name", "Word " + tagged)
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention")
    mention = Mention.objects.get(article=article)
    assert mention.text == tagged == article.body[mention.start : mention.end]


def test_crossing_spans_and_misplaced_clicks_get_a_message_beside_them(browser, live_server):
    en, _ = make_seed_pair()
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    make_mention(en, sarraj, "Fayez al-Sarraj")
    make_mention(en, sarraj, "Sarraj", occurrence=1, status="suggested")
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, en)
    select_and_open(page, "al-Sarraj and")
    page.fill("#ann-entity", "Fayez")
    page.wait_for_selector("#ann-entity-list li")
    page.keyboard.press("Enter")
    page.click("#ann-save")
    page.wait_for_selector(".annotator-popup .ann-error:has-text('cross')")
    assert in_window(page, ".annotator-popup .ann-error")
    page.screenshot(path=str(SHOTS / "admin-crossing-refused.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector(".annotator-popup", state="detached")
    assert not Mention.objects.filter(text__startswith="al-Sarraj").exists()

    # Across paragraphs, begun far above the window: the note is in view, by the selection.
    page.evaluate(
        """() => {
        const ps = document.querySelectorAll('.annotator-paragraph');
        ps[ps.length - 1].scrollIntoView({block: 'end'});
        const r = document.createRange();
        r.setStart(ps[0].firstChild, 0);
        r.setEnd(ps[ps.length - 1].firstChild, 3);
        getSelection().removeAllRanges();
        getSelection().addRange(r);
    }"""
    )
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".ann-note")
    assert "one paragraph" in page.inner_text(".ann-note")
    assert in_window(page, ".ann-note")
    page.screenshot(path=str(SHOTS / "admin-across-paragraphs.png"))

    # "Confirm selected" with nothing ticked says so next to the button.
    page.evaluate("getSelection().removeAllRanges()")
    page.click("#ann-confirm-selected")
    note = page.locator(".ann-note").bounding_box()
    button = page.locator("#ann-confirm-selected").bounding_box()
    near = min(
        abs(note["y"] - (button["y"] + button["height"])),
        abs(button["y"] - (note["y"] + note["height"])),
    )
    assert near < 40  # beside the button, above it or under the rows (the test below)
    assert "Tick" in page.inner_text(".ann-note")
    page.screenshot(path=str(SHOTS / "admin-confirm-nothing.png"))
    assert Mention.objects.filter(status="suggested").count() == 1


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_highlight_opened_from_the_keyboard_is_narrowed_retagged_and_deleted(
    browser, live_server, language
):
    en, ar = make_seed_pair()
    article = en if language == "en" else ar
    words = "Fayez al-Sarraj" if language == "en" else "فايز السراج"
    rest = words.split(" ", 1)[1]
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    user = make_user("ana", group="Analyst")
    mention = make_mention(article, sarraj, words, created_by=user)
    page = annotate(browser, live_server, article)
    page.focus(".ann[tabindex]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ann-editor")
    page.click("#ann-start-later")
    assert page.inner_text("#ann-edit-words") == f"Words: {rest}"
    page.select_option("#ann-edit-role", "actor")
    assert in_window(page, "#ann-edit-save")
    page.screenshot(path=str(SHOTS / f"admin-edit-highlight-{language}.png"))
    page.click("#ann-edit-save")
    page.wait_for_selector(".ann-editor", state="detached")
    mention.refresh_from_db()
    assert (mention.text, mention.role) == (rest, "actor")
    assert mention.text == article.body[mention.start : mention.end]
    assert mention.history.count() == 2 and mention.history.first().history_user == user

    page.click(".ann-mention")
    page.click("#ann-edit-delete")
    page.wait_for_selector(".ann-mention", state="detached")
    assert not Mention.objects.filter(pk=mention.pk).exists()


def test_suggestions_are_reviewed_in_the_text_with_the_n_key(browser, live_server):
    _, ar = make_seed_pair()
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"ar": ["فايز السراج"]})
    williams = make_entity(name="Stephanie Williams", name_ar="ستيفاني وليامز")
    first = make_mention(ar, sarraj, "فايز السراج", status="suggested")
    second = make_mention(ar, williams, "ستيفانى وليامز", status="suggested")
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, ar)
    assert page.locator(".ann-mention.ann-suggested").count() == 2
    page.focus("#annotator-body")
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.dataset.mentions") == str(first.pk)
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-accept")
    assert in_window(page, "#ann-accept")
    page.screenshot(path=str(SHOTS / "admin-suggestion-in-text-ar.png"))
    page.keyboard.press("Enter")  # the focused "Accept suggestion"
    page.wait_for_selector(".ann-mention.ann-confirmed")
    # Focus moved on to the next suggestion.
    page.wait_for_function(f"() => document.activeElement.dataset.mentions === '{second.pk}'")
    page.keyboard.press("Enter")
    page.click("#ann-reject")
    page.wait_for_selector(".ann-suggested", state="detached")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "rejected")


def test_a_skip_link_reaches_the_text_in_two_tab_presses(browser, live_server):
    en, _ = make_seed_pair()
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, en)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-to-text"
    page.screenshot(path=str(SHOTS / "admin-skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "annotator-body"


def test_a_new_entity_under_a_known_name_offers_the_known_one(browser, live_server):
    en, _ = make_seed_pair()
    gna = make_entity(
        name="Government of National Accord", kind="organization",
        description="Libya's UN-backed government", aliases={"en": ["GNA"]},
    )  # fmt: skip
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, en)
    select_and_open(page, "GNA")
    page.check("#ann-new")
    page.fill("#ann-new-name", "GNA")
    page.select_option("#ann-new-kind", "organization")
    page.click("#ann-save")
    # The server's refusal names the entity, which is offered (also found as it was typed).
    page.wait_for_function("() => document.querySelector('.ann-error').textContent")
    page.wait_for_selector(".ann-existing li")
    assert "Libya's UN-backed government" in page.inner_text(".ann-existing li")
    assert page.is_visible("#ann-new-duplicate")
    page.wait_for_timeout(100)  # two frames: the offer is scrolled into view after layout
    assert in_window(page, ".ann-existing button")
    page.screenshot(path=str(SHOTS / "admin-new-entity-known-name.png"))
    page.click(".ann-existing button")  # picked into the form: Save tags
    assert page.input_value("#ann-entity") == "Government of National Accord"
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention.ann-confirmed")
    assert Mention.objects.get(article=en).entity == gna
    assert Entity.objects.count() == 1


def test_a_claim_is_opened_in_the_text_widened_and_given_a_speaker(browser, live_server):
    en, _ = make_seed_pair()
    williams = make_entity(name="Stephanie Williams", aliases={"en": ["Stephanie Williams"]})
    user = make_user("ana", group="Analyst")
    quote = "The only lasting solution for Libya"
    claim = make_claim(en, quote, created_by=user, kind="paraphrase")
    page = annotate(browser, live_server, en)
    assert "Paraphrase, confirmed" in page.inner_text("#annotator-claims")  # words, not codes
    page.click(".ann-claim")
    page.wait_for_selector(".ann-editor")
    page.click("#ann-end-later")
    page.fill("#ann-edit-speaker", "Williams")
    page.wait_for_selector("#ann-edit-speaker-list li")
    page.keyboard.press("Enter")
    page.select_option("#ann-edit-kind", "direct_quote")
    assert in_window(page, "#ann-edit-save")
    page.screenshot(path=str(SHOTS / "admin-edit-claim-en.png"))
    page.click("#ann-edit-save")
    page.wait_for_selector(".ann-editor", state="detached")
    claim.refresh_from_db()
    assert claim.text == quote + " is"
    assert (claim.speaker, claim.kind, claim.version) == (williams, "direct_quote", 2)
    assert "Direct quote" in page.inner_text("#annotator-claims")


def test_orphans_are_placed_at_the_selection_and_deleted_with_their_tokens(browser, live_server):
    """The list of orphans writes with the token the page was given for each row (the
    server refuses a write without one)."""
    from tests.factories import make_article

    article = make_article()  # "Fayez al-Sarraj met Stephanie Williams in Tripoli."
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    user = make_user("ana", group="Analyst")
    mention = make_mention(article, sarraj, "Fayez al-Sarraj", created_by=user)
    claim = make_claim(article, "met Stephanie Williams", created_by=user)
    for row in (mention, claim):
        moved = {"start": 200, "end": 200 + len(row.text)}
        type(row).objects.filter(pk=row.pk).update(is_orphaned=True, **moved)
    page = annotate(browser, live_server, article)
    orphans = page.locator("#annotator-orphans li")
    assert orphans.count() == 2
    assert page.evaluate(SELECT_JS, ["Fayez al-Sarraj", 0])  # within its text node
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    page.keyboard.press("Escape")
    orphans.filter(has_text="Fayez").get_by_role("button", name="Place at selection").click()
    page.wait_for_selector(".ann-mention")
    assert orphans.count() == 1
    page.screenshot(path=str(SHOTS / "admin-orphan-placed.png"), full_page=True)
    mention.refresh_from_db()
    assert (mention.start, mention.end, mention.is_orphaned) == (0, 15, False)
    orphans.get_by_role("button", name="Delete").click()
    page.wait_for_selector("#annotator-orphans li", state="detached")
    assert "Deleted the claim." in page.text_content("#annotator-status")
    assert not Claim.objects.filter(pk=claim.pk).exists()


# --- Issue 23: a known name offered first, the alias box, "Tag every occurrence" -----------


def _haftar_archive():
    article = make_article(
        slug="hifter-here",
        body="Khalifa Hifter met the envoy in Benghazi.\n"
        "Later Hifter spoke to reporters, and Hifter left.",
    )
    # Another spelling of the same name, then the surname alone after it.
    elsewhere = make_article(
        slug="hifter-elsewhere", body="Khalifa Haftar was seen in Tobruk. Hifter left.\n"
    )
    haftar = make_entity(
        name="Khalifa Haftar", name_ar="خليفة حفتر", kind="person",
        description="Commander of the LNA", aliases={"en": ["Khalifa Haftar"]},
    )  # fmt: skip
    return article, elsewhere, haftar


def _tab_to(page, element_id, back=False, most=20):
    """Tab (or Shift+Tab) until the element has the focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"#{element_id} not reached by the keyboard")


def test_a_known_spelling_is_offered_the_alias_is_asked_and_every_occurrence_tagged(
    browser, live_server
):
    article, elsewhere, haftar = _haftar_archive()
    make_user("ana", group="Analyst")
    page = annotate(browser, live_server, article)
    # 1. "New entity" for Khalifa Hifter: the archive offers Khalifa Haftar first.
    assert page.evaluate(SELECT_JS, ["Khalifa Hifter", 0])
    page.focus("#annotator-body")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-entity-list li")
    assert "a spelling of this name" in page.inner_text("#ann-entity-list li >> nth=0")
    _tab_to(page, "ann-new")
    page.keyboard.press("Space")
    page.wait_for_selector("#ann-known .ann-use")
    assert "Khalifa Haftar" in page.inner_text("#ann-known")
    assert page.is_visible("#ann-new-duplicate")  # a new one stays possible, deliberately
    page.screenshot(path=str(SHOTS / "annotator-known-spelling-1280.png"))
    _tab_to(page, f"ann-use-{haftar.pk}")
    page.keyboard.press("Enter")  # "Tag as this one": picked, Save focused
    assert page.evaluate("document.activeElement.id") == "ann-save"
    assert page.input_value("#ann-entity") == "Khalifa Haftar"
    # 2. The alias box says exactly what it adds, unticked for a spelling the archive knows.
    label = "Add “Khalifa Hifter” as an English alias of Khalifa Haftar"
    assert page.inner_text("#ann-add-alias-label") == label
    assert not page.is_checked("#ann-add-alias")
    assert in_window(page, "#ann-add-alias") and in_window(page, "#ann-save")
    page.screenshot(path=str(SHOTS / "annotator-alias-box-1280.png"))
    _tab_to(page, "ann-add-alias", back=True)
    page.keyboard.press("Space")
    _tab_to(page, "ann-save")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ann-mention.ann-confirmed")
    assert Entity.objects.count() == 1
    mention = Mention.objects.get(article=article)
    assert (mention.entity, mention.text) == (haftar, "Khalifa Hifter")
    assert set(haftar.aliases.values_list("name", "language")) == {
        ("Khalifa Haftar", "en"),
        ("Khalifa Hifter", "en"),
    }
    # 3. From the mention, "Tag every occurrence": here confirmed, elsewhere suggested.
    page.focus(".ann-mention.ann-confirmed")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ann-every")
    _tab_to(page, "ann-every", back=True)
    page.screenshot(path=str(SHOTS / "annotator-every-occurrence-1280.png"))
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('annotator-status').textContent.startsWith('Tagged')"
    )
    status = page.inner_text("#annotator-status")
    assert status == "Tagged 2 more in this article; 2 suggested in 1 other article."
    assert page.locator(".ann-mention.ann-confirmed").count() == 3
    page.screenshot(path=str(SHOTS / "annotator-every-occurrence-done-1280.png"))
    assert list(
        Mention.objects.filter(article=article).order_by("start").values_list("text", "status")
    ) == [("Khalifa Hifter", "confirmed"), ("Hifter", "confirmed"), ("Hifter", "confirmed")]
    assert list(
        Mention.objects.filter(article=elsewhere).order_by("start").values_list("text", "status")
    ) == [("Khalifa Haftar", "suggested"), ("Hifter", "suggested")]


@pytest.mark.parametrize(("width", "language"), [(390, "en"), (1280, "ar"), (390, "ar")])
def test_the_new_popup_states_fit_a_phone_and_the_arabic_admin(
    browser, live_server, width, language
):
    article, _elsewhere, haftar = _haftar_archive()
    make_user("ana", group="Analyst")
    # The admin's language follows the browser's (Accept-Language).
    context = browser.new_context(viewport={"width": width, "height": 720}, locale=language)
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "ana")
    page.fill("#id_password", "pw-analyst-1234")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[article.pk]))
    assert page.get_attribute("html", "lang") == language
    page.wait_for_selector("#annotator-suggested h3")  # the annotator's module has run
    name = f"{width}-{language}"
    assert page.evaluate(SELECT_JS, ["Khalifa Hifter", 0])  # the text's first words
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    page.check("#ann-new")
    page.wait_for_selector(f"#ann-use-{haftar.pk}")
    page.screenshot(path=str(SHOTS / f"annotator-known-spelling-{name}.png"))
    page.click(f"#ann-use-{haftar.pk}")
    assert page.is_visible("#ann-add-alias")
    for selector in ("#ann-add-alias", "#ann-save"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    page.screenshot(path=str(SHOTS / f"annotator-alias-box-{name}.png"))
    page.click("#ann-save")
    page.wait_for_selector(".ann-mention.ann-confirmed")
    page.click(".ann-mention.ann-confirmed")
    page.wait_for_selector("#ann-every")
    box = page.locator("#ann-every").bounding_box()
    assert box and box["x"] + box["width"] <= width
    page.screenshot(path=str(SHOTS / f"annotator-every-occurrence-{name}.png"))
    context.close()


# --- Issue 27: the annotator in Arabic, and what a careful reader still saw ------------------


def _analyst_page(browser, live_server, width, height, language="en"):
    """A logged-in analyst's page at width×height, the admin in `language` (its cookie)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "ana")
    page.fill("#id_password", "pw-analyst-1234")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def _in_viewport(page, selector):
    """Wholly inside the window, and what the window shows at its middle (not covered)."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    if not box or box["y"] < 0 or box["x"] < 0:
        return False
    if box["y"] + box["height"] > size["height"] or box["x"] + box["width"] > size["width"]:
        return False
    return page.evaluate(
        """([selector, x, y]) => {
        const target = document.querySelector(selector);
        const hit = document.elementFromPoint(x, y);
        return Boolean(hit && (target === hit || target.contains(hit)));
    }""",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )


# The first two words of a paragraph, scrolled to `frac` of the window's height (0: its top
# edge, 1: its bottom edge), then selected; returns where they are.
SELECT_AT_JS = """(frac) => {
  const ps = document.querySelectorAll('.annotator-paragraph');
  const p = ps[Math.min(ps.length - 1, Math.floor(frac * ps.length))];
  const node = p.firstChild;
  const range = document.createRange();
  range.setStart(node, 0);
  range.setEnd(node, node.data.indexOf(' ', node.data.indexOf(' ') + 1));
  window.scrollBy(0, range.getBoundingClientRect().top - frac * (innerHeight - 30));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return range.getBoundingClientRect().top;
}"""


@pytest.mark.parametrize(
    ("width", "height", "language", "text"),
    [
        (1280, 720, "en", "en"),
        (390, 844, "en", "en"),
        (1280, 720, "ar", "ar"),
        (390, 844, "ar", "ar"),
        (390, 844, "ar", "en"),  # the Arabic admin over an English text
    ],
)
def test_the_new_entity_popup_stays_in_the_window(
    browser, live_server, width, height, language, text
):
    en, ar = make_seed_pair()
    # "Sarraj" as a new entity's name: the pop-up grows by the entity already named so.
    make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj", "Sarraj"]})
    make_user("ana", group="Analyst")
    page = _analyst_page(browser, live_server, width, height, language)
    article = ar if text == "ar" else en
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[article.pk]))
    page.wait_for_selector("#annotator-suggested h3")
    for frac in (0.0, 0.3, 0.55, 0.7, 1.0):  # the words from the top to the bottom of the window
        top = page.evaluate(SELECT_AT_JS, frac)
        assert frac * height - 60 < top < frac * height + 60
        page.dispatch_event("#annotator-body", "mouseup")
        page.wait_for_selector(".annotator-popup")
        page.check("#ann-new")
        page.fill("#ann-new-name", "Sarraj")
        page.wait_for_selector("#ann-known:not([hidden]) .ann-use")
        page.wait_for_timeout(100)  # placed again at its new size
        shot = f"annotator-new-entity-{width}-{language}-{text}-{frac}.png"
        page.screenshot(path=str(SHOTS / shot))
        popup = page.locator(".annotator-popup").bounding_box()
        assert popup["y"] >= 0 and popup["y"] + popup["height"] <= height, frac
        for selector in (
            ".annotator-popup .ann-selected",
            "#ann-new",
            "#ann-new-name",
            "#ann-save",
        ):
            assert _in_viewport(page, selector), (selector, frac)
        page.keyboard.press("Escape")
        page.wait_for_selector(".annotator-popup", state="detached")
    page.context.close()


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# The colour of the text and of what is behind it (the first ancestor with a background).
COLOURS_JS = """(selector) => {
  const target = document.querySelector(selector);
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  let node = target;
  let back = null;
  while (node && node.nodeType === 1) {
    const c = getComputedStyle(node).backgroundColor;
    const v = rgb(c);
    if (v.length < 4 || v[3] > 0) { back = v.slice(0, 3); break; }
    node = node.parentElement;
  }
  return [rgb(getComputedStyle(target).color).slice(0, 3), back || [255, 255, 255]];
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_focused_skip_link_can_be_read(browser, live_server, language):
    en, _ = make_seed_pair()
    make_user("ana", group="Analyst")
    page = _analyst_page(browser, live_server, 1280, 720, language)
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[en.pk]))
    page.wait_for_selector("#annotator-suggested h3")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-to-text"
    assert _in_viewport(page, "#skip-to-text")
    text, back = page.evaluate(COLOURS_JS, "#skip-to-text")
    lighter, darker = sorted((_luminance(text), _luminance(back)), reverse=True)
    contrast = (lighter + 0.05) / (darker + 0.05)
    assert contrast >= 4.5, (text, back, contrast)
    page.screenshot(path=str(SHOTS / f"annotator-skip-link-{language}.png"))
    page.context.close()


def _overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(("width", "height", "language"), [(1280, 720, "en"), (390, 844, "ar")])
def test_the_confirm_selected_note_leaves_the_rows_in_view(
    browser, live_server, width, height, language
):
    en, _ = make_seed_pair()
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"en": ["Fayez al-Sarraj"]})
    make_mention(en, sarraj, "Sarraj", status="suggested")
    make_mention(en, sarraj, "Sarraj", occurrence=1, status="suggested")
    make_user("ana", group="Analyst")
    page = _analyst_page(browser, live_server, width, height, language)
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[en.pk]))
    page.wait_for_selector("#annotator-suggested li")
    for place in ("center", "start", "end"):  # the button mid-window, at the top, at the bottom
        page.evaluate(
            "(block) => document.getElementById('ann-confirm-selected')"
            ".scrollIntoView({block, behavior: 'instant'})",
            place,
        )
        page.click("#ann-confirm-selected")
        page.wait_for_selector(".ann-note")
        note = page.locator(".ann-note").bounding_box()
        covered = [page.locator("#ann-confirm-selected").bounding_box()]
        covered += [row.bounding_box() for row in page.locator("#annotator-suggested li").all()]
        assert not any(_overlap(note, box) for box in covered), place
        assert _in_viewport(page, ".ann-note")
        page.screenshot(path=str(SHOTS / f"annotator-confirm-note-{width}-{place}.png"))
        page.keyboard.press("Escape")  # a key takes the note away
        page.wait_for_selector(".ann-note", state="detached")
    page.context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)])
def test_the_annotator_and_the_review_queue_in_arabic(browser, live_server, width, height):
    en, ar = make_seed_pair()
    sarraj = make_entity(name="Fayez al-Sarraj", aliases={"ar": ["فايز السراج"]})
    make_mention(ar, sarraj, "فايز السراج", status="suggested")
    make_claim(ar, "توسيع التعاون", kind="direct_quote")
    make_user("ana", group="Analyst")
    page = _analyst_page(browser, live_server, width, height, "ar")
    page.goto(live_server.url + reverse("admin:archive_article_change", args=[ar.pk]))
    page.wait_for_selector("#annotator-suggested li")
    assert page.get_attribute("html", "dir") == "rtl"
    # The annotator's own words are Arabic: headings, buttons, the template's help.
    assert page.inner_text("#annotator-suggested h3") == "الإشارات المقترحة (1)"
    assert page.inner_text("#ann-confirm-selected") == "تأكيد المحدَّد"
    assert page.inner_text("#annotator-title") == "النص والتعليقات التوضيحية"
    assert "Tab" in page.inner_text(".annotator-help")  # a key's name stays as on the key
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#annotator").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"annotator-ar-text-{width}.png"))
    # The tagging form reads right to left, its words in Arabic.
    assert page.evaluate(SELECT_JS, ["فايز السراج", 0])
    page.dispatch_event("#annotator-body", "mouseup")
    page.wait_for_selector(".annotator-popup")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.annotator-popup')).direction")
        == "rtl"
    )
    assert page.inner_text("#ann-save") == "حفظ"
    page.screenshot(path=str(SHOTS / f"annotator-ar-form-{width}.png"))
    page.check("#ann-new")
    page.wait_for_selector("#ann-new-name", state="visible")
    page.screenshot(path=str(SHOTS / f"annotator-ar-new-entity-{width}.png"))
    page.keyboard.press("Escape")
    # A suggestion opened in the text.
    page.click(".ann-mention.ann-suggested")
    page.wait_for_selector("#ann-accept")
    assert page.inner_text("#ann-accept") == "قبول الاقتراح"
    page.screenshot(path=str(SHOTS / f"annotator-ar-suggestion-{width}.png"))
    page.keyboard.press("Escape")
    # The review queue.
    page.goto(live_server.url + reverse("admin:archive_review_queue"))
    assert page.inner_text("table.review-queue thead th >> nth=0") == "المقالة"
    assert page.locator("table.review-queue tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"annotator-ar-review-queue-{width}.png"), full_page=True)
    page.context.close()
