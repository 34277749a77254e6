"""detail_url: the same address reverse() gives, without walking the URL patterns."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from archive.links import detail_url

SLUGS = [
    "gen-a0050030",
    "فايز-السراج",
    "a b",
    "100%",
    "x?y#z",
    "~:@!$&'()*+,;=",
    "Ünïcödé",
    "..",
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(
    "name", ["archive:article_detail", "archive:person_detail", "archive:place_detail"]
)
def test_a_slug_gives_the_address_reverse_gives(name, slug):
    assert detail_url(name, slug) == reverse(name, args=[slug])


def test_a_primary_key_gives_the_address_reverse_gives():
    assert detail_url("archive:claim_detail", 12) == reverse("archive:claim_detail", args=[12])
    assert detail_url("archive:claim_detail", 12) == "/claims/12/"


@pytest.mark.parametrize("slug", ["", "a/b"])
def test_what_reverse_refuses_is_refused(slug):
    with pytest.raises(NoReverseMatch):
        detail_url("archive:article_detail", slug)


def test_the_script_prefix_is_kept():
    try:
        set_script_prefix("/archive/")
        assert detail_url("archive:article_detail", "x") == "/archive/articles/x/"
    finally:
        set_script_prefix("/")
    assert detail_url("archive:article_detail", "x") == "/articles/x/"
