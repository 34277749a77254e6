"""Free slugs for rows made from a name (entities made in the annotator, outlets named in a
manifest): the one rule, so every table spells and numbers them alike."""

from __future__ import annotations

from django.utils.text import slugify

SUFFIX_ROOM = 20  # characters of the slug field kept free for "-2", "-3" …


def unique_slug(model, text: str, *, fallback: str) -> str:
    """A slug for `text` that no row of `model` holds yet: slugify (Unicode letters kept),
    cut to leave room for a suffix, then "-2", "-3" … until free; `fallback` when nothing
    of `text` survives slugify. Free when asked: a writer that may race another inserts in
    a savepoint and asks again on IntegrityError."""
    room = model._meta.get_field("slug").max_length - SUFFIX_ROOM
    base = slugify(text, allow_unicode=True)[:room] or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
