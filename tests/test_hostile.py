"""Hostile input never gives a 500: every public route, odd parameters, odd unicode."""

import pytest

from tests.factories import make_article, make_claim, make_entity, make_mention

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "",
    " ",
    "'",
    '"',
    '"unterminated',
    "a & | ! ( ) : * <> -",
    "!!!",
    "-",
    "OR",
    "\x00",
    "nul\x00inside",
    "\U0001f600",
    "ـــ",  # tatweel only: normalizes to nothing
    "ً",  # a lone diacritic
    "x" * 5000,
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "2020-13-45",
    "0000-00-00",
    "99999-01-01",
    "<script>alert(1)</script>",
    "%",
    "%%",
    "\\",
    "../../etc/passwd",
    "‮rtl-override",
]

PARAMETERS = [
    "q",
    "page",
    "language",
    "source",
    "entity",
    "date_from",
    "date_to",
    "kind",
    "speaker",
    "about",
    "status",
    "verification",
    "subject",
    "expand",
    "format",
    "ordering",
    "page_size",
    "cursor",
]


@pytest.fixture
def data():
    speaker = make_entity(name="Stephanie Williams", slug="stephanie-williams")
    place = make_entity(
        name="Tripoli", slug="tripoli", kind="place", aliases={"en": ["Tripoli"], "ar": ["طرابلس"]}
    )
    left = make_article(slug="left", body="Stephanie Williams spoke in Tripoli.\nSecond.")
    right = make_article(
        slug="right", language="ar", body="تحدثت وليامز في طرابلس.", translation_of=left
    )
    make_mention(left, place, "Tripoli")
    make_mention(right, place, "طرابلس")
    claim = make_claim(left, "spoke in Tripoli", speaker=speaker, about=[place])
    return {"claim": claim}


def routes(data):
    return [
        "/",
        "/articles/",
        "/articles/left/",
        "/articles/left/compare/right/",
        "/people/",
        "/people/stephanie-williams/",
        "/organizations/",
        "/places/",
        "/places/tripoli/",
        "/dates/",
        "/dates/2020/",
        "/search/",
        "/claims/",
        f"/claims/{data['claim'].pk}/",
        "/api/articles/",
        "/api/articles/left/",
        "/api/articles/left/alignment/right/",
        "/api/articles/left/annotations/",
        "/api/entities/",
        "/api/claims/",
        "/api/schema/",
    ]


def test_no_route_answers_500_to_hostile_parameters(client, data):
    failures = []

    def check(route, params):
        response = client.get(route, params)
        if response.status_code >= 500:
            shown = {k: v[:20] for k, v in params.items()}
            failures.append(f"{route} {shown!r}: {response.status_code}")

    for route in routes(data):
        for value in HOSTILE_VALUES:
            check(route, dict.fromkeys(PARAMETERS, value))  # every parameter at once
            check(route, {"q": value})
        for name in PARAMETERS:  # each parameter alone, with the values most likely to hurt
            for value in ("'", "9" * 40, "2020-13-45", "x" * 5000, "-1"):
                check(route, {name: value})
    assert not failures, "\n".join(failures[:30])


def test_nul_characters_are_refused_with_400_everywhere(client, data):
    for route in routes(data):
        assert client.get(route, {"q": "a\x00b"}).status_code == 400, route
    assert client.get("/articles/%00/").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/articles/no-such-article/",
        "/articles/left/compare/no-such-article/",
        "/people/no-such-person/",
        "/places/stephanie-williams/",  # a person is not a place
        "/claims/999999999/",
        "/claims/99999999999999999999999/",
        "/dates/2020/13/",
        "/dates/2021/02/30/",
        "/dates/0/",
        "/dates/99999/",
        "/api/articles/no-such-article/",
        "/api/articles/left/alignment/no-such-article/",
        "/people/%F0%9F%98%80/",
    ],
)
def test_unknown_things_are_404_not_500(client, data, path):
    assert client.get(path).status_code == 404
