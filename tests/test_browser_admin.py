"""Analysts annotate in a real Chromium: select words, tag them, find the exact span stored."""

import pytest
from django.urls import reverse

from archive.models import Claim, Mention
from tests.conftest import SCREENSHOTS
from tests.factories import make_entity, make_seed_pair, make_user

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


def login(browser, live_server, username, password="pw-analyst-1234"):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
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
