"""Small builders for test data: each returns a saved row with sensible defaults."""

from __future__ import annotations

import itertools

from archive.models import Alias, Article, Claim, Entity, Mention, Source, Story

_seq = itertools.count(1)


def make_source(**kwargs) -> Source:
    n = next(_seq)
    kwargs.setdefault("name", f"Outlet {n}")
    kwargs.setdefault("slug", f"outlet-{n}")
    return Source.objects.create(**kwargs)


def make_story(**kwargs) -> Story:
    n = next(_seq)
    kwargs.setdefault("title", f"Story {n}")
    kwargs.setdefault("slug", f"story-{n}")
    return Story.objects.create(**kwargs)


def make_article(**kwargs) -> Article:
    n = next(_seq)
    kwargs.setdefault("title", f"Article {n}")
    kwargs.setdefault("slug", f"article-{n}")
    kwargs.setdefault("body", "Fayez al-Sarraj met Stephanie Williams in Tripoli.\nNothing else.")
    kwargs.setdefault("language", "en")
    return Article.objects.create(**kwargs)


def make_entity(*, aliases: dict[str, list[str]] | None = None, **kwargs) -> Entity:
    """aliases: {"en": ["Fayez al-Sarraj", "Sarraj"], "ar": ["فايز السراج"]}."""
    n = next(_seq)
    kwargs.setdefault("name", f"Entity {n}")
    kwargs.setdefault("slug", f"entity-{n}")
    kwargs.setdefault("kind", "person")
    entity = Entity.objects.create(**kwargs)
    for language, names in (aliases or {}).items():
        for name in names:
            Alias.objects.create(entity=entity, name=name, language=language)
    return entity


def make_mention(article: Article, entity: Entity, text: str, *, occurrence: int = 0, **kwargs):
    """Tag the `occurrence`-th appearance of `text` in the article's body."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(text, start + 1)
    kwargs.setdefault("status", "confirmed")
    return Mention.objects.create(
        article=article, entity=entity, start=start, end=start + len(text), text=text, **kwargs
    )


def make_claim(article: Article, text: str, *, about=(), **kwargs) -> Claim:
    start = article.body.index(text)
    kwargs.setdefault("status", "confirmed")
    claim = Claim.objects.create(
        article=article, start=start, end=start + len(text), text=text, **kwargs
    )
    for entity in about:
        claim.about.add(entity)
    return claim


def make_user(username: str, *, group: str | None = None, password: str = "pw-analyst-1234", **kw):
    """A staff user, in the named auth group (Analyst, Editor) when given."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password=password, is_staff=True, **kw)
    if group:
        if not Group.objects.filter(name=group).exists():
            # A transactional test flushed the tables: make the groups as the migration does.
            import importlib

            from django.apps import apps

            importlib.import_module("archive.migrations.0003_groups").forwards(apps, None)
            importlib.import_module("archive.migrations.0016_name_proposals").grant(apps, None)
            importlib.import_module("archive.migrations.0020_collecting_permissions").grant(
                apps, None
            )
        user.groups.add(Group.objects.get(name=group))
    return user


def make_seed_pair() -> tuple[Article, Article]:
    """The AFP story from the seeds: 000 in English (first line = title), 001 its Arabic."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    seeds = here.parent / "seeds"
    english = (seeds / "000_64fcb1f528434c7a.txt").read_text(encoding="utf-8").strip()
    title, body = english.split("\n", 1)
    arabic = (seeds / "001_3b84c644b5a918eb.txt").read_text(encoding="utf-8").strip()
    en = make_article(title=title, body=body, language="en")
    ar = make_article(
        title=arabic.split("\n", 1)[0][:80], body=arabic, language="ar", translation_of=en
    )
    return en, ar


EN_PAIR_BODY = (
    "The UN-backed Government of National Accord called for wider cooperation.\n"
    "Fayez al-Sarraj met Stephanie Williams in Tripoli.\n"
    'Sarraj said "we want security" after the talks.\n'
    "The deal, signed in 2020, is worth $635 million, officials said."
)
AR_PAIR_BODY = (
    "دعت حكومة الوفاق الوطنى المدعومة من الأمم المتحدة إلى توسيع التعاون.\n"
    "والتقى فايز السراج ستيفانى وليامز فى طرابلس.\n"
    'وقال والسراج "نريد الأمن" بعد انتهاء المحادثات.\n'
    "وقال مسؤولون إن الصفقة التي وقعت عام ٢٠٢٠ كبيرة.\n"
    "وأضاف البيان أن الجانبين اتفقا على مواصلة الاجتماعات في الأشهر المقبلة."
)


def make_translation_pair(**kwargs):
    """An English article and its Arabic translation, with Sarraj tagged on both sides
    (والسراج: the name inside a longer Arabic word), a quoted claim on each side linked by
    same_as, and a figure ($635 million) only in English. Returns a dict of the rows."""
    source = make_source(name=kwargs.pop("source_name", None) or f"Agence {next(_seq)}")
    story = make_story()
    sarraj = make_entity(
        name="Fayez al-Sarraj",
        slug=kwargs.pop("sarraj_slug", f"fayez-al-sarraj-{next(_seq)}"),
        kind="person",
        description="Head of the Government of National Accord.",
        wikidata_id="Q6437981",
        aliases={"en": ["Fayez al-Sarraj", "Sarraj"], "ar": ["فايز السراج", "السراج"]},
    )
    tripoli = make_entity(
        name="Tripoli",
        slug=f"tripoli-{next(_seq)}",
        kind="place",
        aliases={"en": ["Tripoli"], "ar": ["طرابلس"]},
    )
    en = make_article(
        title="Libya's GNA calls for wider US cooperation",
        body=EN_PAIR_BODY,
        language="en",
        source=source,
        story=story,
        published="2020-01-04",
        **kwargs,
    )
    ar = make_article(
        title="حكومة الوفاق تدعو إلى توسيع التعاون",
        body=AR_PAIR_BODY,
        language="ar",
        source=source,
        story=story,
        translation_of=en,
        published="2020-01-04",
    )
    mentions = [
        make_mention(en, sarraj, "Fayez al-Sarraj"),
        make_mention(en, sarraj, "Sarraj", occurrence=1, status="suggested"),
        make_mention(en, tripoli, "Tripoli"),
        make_mention(ar, sarraj, "فايز السراج"),
        make_mention(ar, sarraj, "السراج", occurrence=1),
        make_mention(ar, tripoli, "طرابلس"),
    ]
    en_claim = make_claim(
        en, '"we want security"', speaker=sarraj, kind="direct_quote", date="2020-01-04"
    )
    ar_claim = make_claim(
        ar, '"نريد الأمن"', speaker=sarraj, kind="direct_quote", date="2020-01-04", same_as=en_claim
    )
    return {
        "source": source,
        "story": story,
        "sarraj": sarraj,
        "tripoli": tripoli,
        "en": en,
        "ar": ar,
        "mentions": mentions,
        "en_claim": en_claim,
        "ar_claim": ar_claim,
    }
