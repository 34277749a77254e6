"""The archive's data: outlets, stories, articles, entities and their annotations.

What a reader may see is declared once (`ARTICLE_PUBLIC`, `SPAN_VISIBLE`): the QuerySet
methods (`Article.objects.public()`, `Mention.objects.visible()`, `visible_q`) filter by it,
so pages, feeds, search and the API agree, and the stored counts' triggers
(archive.services.counts) are written from it as SQL.

One file on purpose (until it hurts): the models are read together, and most of its length
is database constraints and their help texts.
"""

from __future__ import annotations

import hashlib
from functools import reduce
from operator import and_
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, router
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from archive.links import detail_url
from archive.text.addresses import text_fingerprint, url_key
from archive.text.normalize import normalize
from archive.text.variants import phrase_key

language_validator = RegexValidator(
    r"^[a-z]{2}$", "Use a two-letter ISO 639-1 code, e.g. en or ar."
)
# A name's language may be finer than an article's: a BCP 47 tag as Wikidata writes them
# (arz Egyptian Arabic, zh-hans, sr-el, be-tarask), in lower case.
alias_language_validator = RegexValidator(
    r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$",
    "Use a BCP 47 language tag in lower case, e.g. en, ar, arz or zh-hans.",
)

# The PostgreSQL text-search configuration (a Snowball stemmer) for each language core
# PostgreSQL ships one for (`SELECT cfgname FROM pg_ts_config`); others use 'simple'.
SEARCH_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugKeyed:
    """Rows known by their slug in fixtures (natural keys, for loaddata and dumpdata)."""

    def natural_key(self):
        return (self.slug,)


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Outlets a reader may see: those of at least one public article."""
        return self.filter(Exists(Article.objects.public().filter(source=OuterRef("pk"))))


class Source(SlugKeyed, models.Model):
    """A news outlet."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    url = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=2, blank=True, validators=[language_validator])
    publish_collected = models.BooleanField(
        "publish collected articles",
        default=False,
        db_default=False,
        help_text="Articles collected from this outlet's feeds or pages are public at once; "
        "off (the default), they are held for review.",
    )

    objects = SlugNaturalKeyManager.from_queryset(SourceQuerySet)()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Story(SlugKeyed, models.Model):
    """One real-world event: groups an article, its translations and other coverage."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["title"]

    def __str__(self):
        return self.title


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


# Newest first, undated articles last (PostgreSQL would put NULLs first in a DESC sort).
NEWEST_FIRST = (models.F("published").desc(nulls_last=True), models.F("id").desc())
# A name in fewer articles than this: its articles are found from its mentions, not by walking
# the newest articles (ArticleQuerySet.naming_entity, archive.reads.fulltext).
RARE_NAME_ARTICLES = 5_000


# Columns a list of articles never shows: the text and its normalized search copies.
LISTING_DEFERRED = ("body", "title_search", "body_search", "search_vector")


class Status(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


# What a reader may see, declared once -------------------------------------------------------
# The QuerySets (`visible_q`, `public()`, `visible()`) filter by these rules as Q objects, and
# the stored counts' triggers (archive.services.counts) are written from the same rules as
# SQL, so a public list and its stored count cannot disagree. Every condition is on a NOT NULL
# column, where SQL's `<>` means what Django's negated Q does.


class Condition(NamedTuple):
    """A row is shown when its `field` equals `value` (with `equal=False`: differs from it)."""

    field: str
    value: bool | str
    equal: bool = True


# An article is public when it is not embargoed or unlicensed.
ARTICLE_PUBLIC = (Condition("is_public", True),)
# A mention or claim is shown when it is not rejected and is placed (an orphan's words are
# gone from an updated text: its stored offsets point at other words now), on a public
# article (visible_q adds ARTICLE_PUBLIC through the span's article).
SPAN_VISIBLE = (
    Condition("status", Status.REJECTED, equal=False),
    Condition("is_orphaned", False),
)


def rule_q(rule: tuple[Condition, ...], prefix: str = "") -> Q:
    """`rule` as a Q; `prefix` reaches the rows through a relation ("article")."""
    at = f"{prefix}__" if prefix else ""
    unequal = [~Q(**{f"{at}{c.field}": c.value}) for c in rule if not c.equal]
    return reduce(and_, [*unequal, Q(**{f"{at}{c.field}": c.value for c in rule if c.equal})])


def rule_sql(rule: tuple[Condition, ...], alias: str = "") -> str:
    """`rule` as an SQL condition on the table named `alias` (none: unqualified columns)."""
    at = f"{alias}." if alias else ""
    terms = []
    for c in rule:
        if isinstance(c.value, bool):
            terms.append(f"{at}{c.field}" if c.value == c.equal else f"NOT {at}{c.field}")
        else:
            literal = "'" + str(c.value).replace("'", "''") + "'"
            terms.append(f"{at}{c.field} {'=' if c.equal else '<>'} {literal}")
    return " AND ".join(terms)


def visible_q(prefix: str = "") -> Q:
    """What public surfaces show of mentions and claims: confirmed and suggested, on public
    articles, placed (SPAN_VISIBLE and the article's ARTICLE_PUBLIC). `prefix` reaches the
    spans through a relation ("mentions" from Entity)."""
    through = tuple(c._replace(field=f"article__{c.field}") for c in ARTICLE_PUBLIC)
    return rule_q(SPAN_VISIBLE + through, prefix)


class _Probed(Exists):
    """EXISTS probed row by row as the outer rows come (newest first, stopping at a page):
    OFFSET 0 keeps PostgreSQL from turning it into a join, which it chose when it expected
    2,000 mentions of a name and found 45,000 (it joined them all, then sorted: 300 ms)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


class ArticleQuerySet(models.QuerySet):
    def public(self):
        return self.filter(rule_q(ARTICLE_PUBLIC))

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def naming(self, **mention_lookup):
        """Articles with a visible mention matching `mention_lookup` (`entity=…`,
        `entity__slug=…`): the articles that name an entity."""
        mentions = Mention.objects.visible().filter(article=OuterRef("pk"), **mention_lookup)
        return self.filter(Exists(mentions))

    def naming_entity(self, entity_id: int, *, articles: int | None = None):
        """`naming(entity_id=…)`, read the way the entity's stored count of `articles` (read
        when not given) says is quicker: a name in many articles by walking the newest and
        probing each, a rarer one from its mentions (the walk read 12,000 articles to find
        the 20 newest of a name in 1,700 of a million: 28 ms; from its mentions, 3 ms)."""
        if articles is None:
            stored = EntityCount.objects.filter(entity_id=entity_id)
            articles = stored.values_list("articles", flat=True).first() or 0
        if articles >= RARE_NAME_ARTICLES:
            mentions = Mention.objects.visible().filter(article=OuterRef("pk"), entity_id=entity_id)
            return self.filter(_Probed(mentions))
        mentions = Mention.objects.visible().filter(entity_id=entity_id)
        return self.filter(pk__in=mentions.values("article_id"))

    def listing(self, *, body: bool = False):
        """What a list of articles needs: the outlet joined, the heavy text columns left out.

        `body=True` keeps the text, for lists that quote it (search snippets, feed summaries).
        """
        deferred = LISTING_DEFERRED[1:] if body else LISTING_DEFERRED
        return self.select_related("source").defer(*deferred)


def _search_vector(config: str):
    return SearchVector("title_search", weight="A", config=config) + SearchVector(
        "body_search", weight="B", config=config
    )


class Article(SlugKeyed, models.Model):
    """A news article. The body is plain text, one paragraph per line, never HTML."""

    title = models.CharField(max_length=500)
    title_is_editorial = models.BooleanField(
        "title by the archive",
        default=False,
        db_default=False,
        help_text="The text has no title: the archive wrote this one (shown as such).",
    )
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    body = models.TextField(help_text="Plain text; paragraphs are separated by newlines.")
    language = models.CharField(
        max_length=2, validators=[language_validator], help_text="ISO 639-1 code."
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    story = models.ForeignKey(
        Story, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        help_text="The original this article translates.",
    )
    url = models.URLField(max_length=1000, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    dateline = models.CharField(max_length=200, blank=True)
    published = models.DateField(
        null=True,
        blank=True,
        help_text="Stored as the first day of the period when the precision is a month or year.",
    )
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    is_public = models.BooleanField(
        default=True,
        help_text="Off for embargoed or unlicensed articles: then only the admin shows it.",
    )
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the imported text (fixity)."
    )
    # Collected articles (archive.ingest.pages): nothing twice, whatever feed or address.
    url_key = models.CharField(
        max_length=1000,
        blank=True,
        db_default="",
        default="",
        editable=False,
        help_text="The address normalized: no tracking parameters, fragment or default port.",
    )
    fetched_sha256 = models.CharField(
        max_length=64,
        blank=True,
        db_default="",
        default="",
        help_text="SHA-256 of the fetched page (fixity of what was collected).",
    )
    text_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        db_default="",
        default="",
        editable=False,
        help_text="Digest of the normalized text: the same text re-published is one article.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # Normalized copies for full-text search (archive.text.normalize), kept in step by save().
    title_search = models.TextField(blank=True, editable=False)
    body_search = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(language=lang, then=_search_vector(config))
                for lang, config in SEARCH_CONFIGS.items()
            ),
            default=_search_vector("simple"),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["title_search", "body_search", "search_vector"])
    objects = SlugNaturalKeyManager.from_queryset(ArticleQuerySet)()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = NEWEST_FIRST
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            models.Index(*NEWEST_FIRST, name="article_newest_first_idx"),
            models.Index(fields=["language"], name="article_language_idx"),
            models.Index(fields=["url_key"], name="article_url_key_idx", condition=~Q(url_key="")),
            models.Index(
                fields=["text_fingerprint"],
                name="article_fingerprint_idx",
                condition=~Q(text_fingerprint=""),
            ),
            # The date archive's order: a year's first page without sorting its articles.
            models.Index(
                fields=["published", "published_precision", "id"],
                condition=rule_q(ARTICLE_PUBLIC),
                name="article_date_archive_idx",
            ),
            # Public lists page newest first by OFFSET: an index-only scan over these
            # (archive.reads.pagination's ids_first) skips 80,000 entries in milliseconds.
            models.Index(
                *NEWEST_FIRST, name="article_public_newest_idx", condition=rule_q(ARTICLE_PUBLIC)
            ),
            models.Index(
                "language",
                *NEWEST_FIRST,
                name="article_public_lang_newest_idx",
                condition=rule_q(ARTICLE_PUBLIC),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__regex=r"^[a-z]{2}$"), name="article_language_iso639_1"
            ),
            models.CheckConstraint(
                condition=Q(published_precision__in=DatePrecision.values),
                name="article_published_precision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("id")), name="article_not_own_translation"
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="article_sha256_hex",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return detail_url("archive:article_detail", self.slug)

    @property
    def direction(self) -> str:
        return "rtl" if self.language in {"ar", "fa", "ur", "he"} else "ltr"

    @staticmethod
    def text_sha256(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def clean(self):
        super().clean()
        limit = settings.ARCHIVE_MAX_BODY_CHARS
        if len(self.body or "") > limit:
            raise ValidationError(
                {"body": f"{len(self.body):,} characters: the limit is {limit:,}. Split the text."}
            )
        # A translation of a translation is fine; a loop back to this article is not.
        original, seen = self.translation_of, set()
        while original is not None and original.pk not in seen:
            if self.pk is not None and original.pk == self.pk:
                raise ValidationError(
                    {"translation_of": "This would make a loop: that article is already a "
                     "translation of this one, directly or through others."}
                )  # fmt: skip
            seen.add(original.pk)
            original = original.translation_of

    def save(self, *args, **kwargs):
        """Fill sha256 from the body when the body is new or changed (the admin as well as
        imports): `verify_fixity` then checks every article, however it was made. A body
        altered behind the model's back (SQL) keeps its old sha256 when other fields are
        saved, so the alteration stays visible."""
        update_fields = kwargs.get("update_fields")
        if (update_fields is None or "body" in update_fields) and self._body_is_new():
            self.sha256 = self.text_sha256(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sha256"}
        super().save(*args, **kwargs)

    def _body_is_new(self) -> bool:
        if self._state.adding:
            return True
        if "body" in self.get_deferred_fields():
            return False
        database = router.db_for_write(type(self), instance=self)  # never a replica
        rows = type(self)._base_manager.using(database)
        stored = rows.filter(pk=self.pk).values_list("body", flat=True).first()
        return stored != self.body

    def refresh_search_text(self):
        self.title_search = normalize(self.title)
        self.body_search = normalize(self.body)
        # The keys collecting finds an article by (archive.ingest.pages), derived as these
        # are whatever wrote the article (the admin, loaddata, the importer).
        self.text_fingerprint = text_fingerprint(self.body, normalized=self.body_search)
        self.url_key = url_key(self.url) if self.url else ""


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")
    PLACE = "place", _("Place")


def interface_name(language: str | None, name: str, name_ar: str) -> tuple[str, str]:
    """(name, its language) of an entity for an interface in `language`: the Arabic name in
    the Arabic interface where one is known, else the English one. The one rule, also for
    rows read with values() (Entity.name_for)."""
    if language == "ar" and name_ar:
        return name_ar, "ar"
    return name, "en"


class EntityQuerySet(models.QuerySet):
    def public(self):
        """Entities a reader may see: named in, speaking in or spoken of in something public.

        A name known only from hidden articles (or only from rejected or orphaned
        annotations) stays in the admin. Read from the stored counts (EntityCount, kept
        exact by triggers): three EXISTS over a million mentions per entity were the cost
        of every entity list.
        """
        return self.filter(Q(counts__mentions__gt=0) | Q(counts__claims__gt=0))


class Entity(SlugKeyed, models.Model):
    """A person, organization or place."""

    kind = models.CharField(max_length=12, choices=EntityKind.choices)
    name = models.CharField(max_length=300, help_text="Canonical name, in English.")
    name_ar = models.CharField(
        "name in Arabic",
        max_length=300,
        blank=True,
        help_text="Shown in the Arabic interface, with the English name beside it.",
    )
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    description = models.CharField(max_length=500, blank=True)
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q19878.")],
    )

    history = HistoricalRecords()
    objects = SlugNaturalKeyManager.from_queryset(EntityQuerySet)()

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "name"], name="entity_kind_name_idx"),
            # A–Z lists (the API's entities): the first page without sorting every name.
            models.Index(fields=["name", "id"], name="entity_name_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EntityKind.values), name="entity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="entity_wikidata_id_format",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url(f"archive:{self.kind}_detail", self.slug)

    def name_for(self, language: str | None) -> tuple[str, str]:
        """(name, its language) to show in an interface: Arabic where known, else English."""
        return interface_name(language, self.name, self.name_ar)

    def own_names(self) -> list[tuple[str, str]]:
        """[(name, language)] the entity is found by without anyone typing an alias: its name
        (English) and its Arabic name. The one rule; archive.services.entities.entity_names_sync
        keeps the entity's "own" alias rows equal to it."""
        names = [(self.name.strip(), "en"), (self.name_ar.strip(), "ar")]
        return [(name, language) for name, language in names if name]


class AliasManager(models.Manager):
    def get_by_natural_key(self, entity_slug, name, language):
        return self.get(entity__slug=entity_slug, name=name, language=language)


class AliasOrigin(models.TextChoices):
    """Where an alias row comes from; only "own" rows are written and removed by the code."""

    OWN = "own", _("the entity's own name")
    ANALYST = "analyst", _("typed by an analyst")
    LEARNED = "learned", _("accepted from a proposal")
    WIKIDATA = "wikidata", _("from Wikidata")
    COUNTRY = "country", _("from a country-name list")


class Alias(models.Model):
    """One name of an entity, in one language or spelling."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    language = models.CharField(
        max_length=35, validators=[alias_language_validator], help_text="BCP 47 tag: en, ar, arz."
    )
    normalized = models.CharField(
        max_length=300, editable=False, db_index=True, help_text="normalize(name), for matching."
    )
    variant_key = models.CharField(
        max_length=300,
        editable=False,
        db_index=True,
        default="",
        db_default="",
        help_text="phrase_key(name): one key for every spelling and script of the name "
        "(Gadhafi, Qaddafi, القذافي), for name look-ups.",
    )
    origin = models.CharField(
        max_length=12,
        choices=AliasOrigin.choices,
        default=AliasOrigin.ANALYST,
        db_default=AliasOrigin.ANALYST,
        help_text="Own rows follow the entity's name and Arabic name; the others stay as made.",
    )

    history = HistoricalRecords()
    objects = AliasManager()

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["entity", "language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "name", "language"], name="alias_unique_per_entity"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="alias_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"

    def natural_key(self):
        return (*self.entity.natural_key(), self.name, self.language)

    natural_key.dependencies = ["archive.entity"]


class SpanQuerySet(models.QuerySet):
    def visible(self):
        """The spans `visible_q` lets through."""
        return self.filter(visible_q())

    def with_articles(self):
        """Each span with its article and outlet, without the article's heavy columns."""
        return self.select_related("article", "article__source").defer(
            *(f"article__{name}" for name in LISTING_DEFERRED)
        )


class Span(models.Model):
    """An exact stretch of an article's body: `text` must equal `body[start:end]`."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="%(class)ss")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="Must equal the article body at [start:end].")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.SUGGESTED)
    is_orphaned = models.BooleanField(
        default=False,
        help_text="Set when an updated text no longer holds these words; place it again.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SpanQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def span_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name=f"{prefix}_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(end=models.F("start") + Length("text")),
                name=f"{prefix}_text_length_matches_span",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name=f"{prefix}_status_valid"
            ),
        ]

    def clean(self):
        """The span must hold its text; an orphan is exempt until someone moves it.

        An orphan's words are gone from the updated body, so its stored span cannot match:
        its other fields (a note, a status) may still be edited. Given a new span (start,
        end or text changed, as an analyst placing it again does in the admin), the span is
        checked like any other and, when it holds, the orphan is placed: `is_orphaned` is
        cleared. Unticking `is_orphaned` without moving it makes the stored span checked.
        """
        super().clean()
        if self.start is None or self.end is None or self.article_id is None:
            return
        if self.is_orphaned and not self._span_moved():
            return
        if self.start >= self.end:
            raise ValidationError({"end": "The span must end after it starts."})
        body = self.article.body
        if self.end > len(body):
            raise ValidationError({"end": f"The article body has only {len(body)} characters."})
        found = body[self.start : self.end]
        if found != self.text:
            raise ValidationError(
                {"text": f"The body at {self.start}–{self.end} reads {found!r}, not {self.text!r}."}
            )
        self.is_orphaned = False  # the words are there: placed (again)

    def _span_moved(self) -> bool:
        """Whether start, end or text differ from the stored row (True for a new row)."""
        if self.pk is None:
            return True
        rows = type(self)._base_manager.using(router.db_for_write(type(self), instance=self))
        stored = rows.filter(pk=self.pk).values_list("start", "end", "text").first()
        return stored != (self.start, self.end, self.text)


class MentionRole(models.TextChoices):
    ACTOR = "actor", _("Actor")
    SUBJECT = "subject", _("Subject")
    PLACE = "place", _("Place")
    OTHER = "other", _("Other")


class Mention(Span):
    """An entity named at an exact span of an article's body."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="mentions")
    role = models.CharField(max_length=7, choices=MentionRole.choices, default=MentionRole.OTHER)
    # A suggestion made with a name still under review: accepting the name clears the mark,
    # rejecting it rejects the suggestion.
    proposal = models.ForeignKey(
        "NameProposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
        help_text="Suggested because of this proposed name, not yet accepted.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mention")
        # "mentions" alone is a count on the entity pages (how often named).
        verbose_name_plural = pgettext_lazy("table", "mentions")
        ordering = ["article", "start"]
        indexes = [
            models.Index(fields=["entity", "article"], name="mention_entity_article_idx"),
            models.Index(fields=["article", "start"], name="mention_article_start_idx"),
            # The review queue reads only these, the suggestions waiting, by article: its
            # COUNT(*) and MIN(created) come from the index alone.
            models.Index(
                fields=["article", "created"],
                condition=Q(status="suggested"),
                name="mention_suggested_idx",
            ),
        ]
        constraints = [
            *Span.span_constraints("mention"),
            models.UniqueConstraint(
                fields=["article", "entity", "start", "end"], name="mention_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(role__in=MentionRole.values), name="mention_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.entity} @ {self.article.slug}:{self.start}-{self.end}"


class ClaimKind(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", _("Direct quote")
    PARAPHRASE = "paraphrase", _("Paraphrase")
    FIGURE = "figure", _("Figure")
    ALLEGATION = "allegation", _("Allegation")
    COMMITMENT = "commitment", _("Commitment")
    OTHER = "other", _("Other")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    CORROBORATED = "corroborated", _("Corroborated")
    DISPUTED = "disputed", _("Disputed")
    FALSE = "false", _("False")


class Claim(Span):
    """A statement in an article: who said what, about whom, when, at which words."""

    speaker = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_made",
        help_text="Leave empty when the article does not say who.",
    )
    kind = models.CharField(max_length=12, choices=ClaimKind.choices, default=ClaimKind.PARAPHRASE)
    about = models.ManyToManyField(
        Entity, through="ClaimSubject", related_name="claims_about", blank=True
    )
    date = models.DateField(null=True, blank=True, help_text="When the claim was made.")
    verification = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    note = models.TextField(blank=True)
    same_as = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The same claim as first recorded in another article of the story.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on each save; a stale edit is refused."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["article", "start"]
        indexes = [
            # A speaker's newest claims (-date, -id) read backwards, the first ten only: with
            # (speaker, date) alone the most quoted person's 436 claims were all sorted.
            models.Index(fields=["speaker", "date", "id"], name="claim_speaker_newest_idx"),
            models.Index(fields=["article", "start"], name="claim_article_start_idx"),
            # The claims list's order (-date, -id): its first page without sorting them all.
            models.Index(
                models.F("date").desc(), models.F("id").desc(), name="claim_newest_first_idx"
            ),
        ]
        constraints = [
            *Span.span_constraints("claim"),
            models.CheckConstraint(condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=Q(verification__in=Verification.values), name="claim_verification_valid"
            ),
            models.CheckConstraint(
                condition=~Q(same_as=models.F("id")), name="claim_not_same_as_self"
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) < 60 else self.text[:57] + "…"
        return f"{self.speaker or 'Unknown'}: {text}"

    # Django's get_FOO_display builds a dict of every choice, each label translated, at
    # each call; a list of claims calls both for every row. The enum finds the one label.
    def get_kind_display(self):
        return _choice_label(ClaimKind, self.kind)

    def get_verification_display(self):
        return _choice_label(Verification, self.verification)

    def get_absolute_url(self):
        return detail_url("archive:claim_detail", self.pk)


def _choice_label(choices, value):
    try:
        return str(choices(value).label)  # a str, as Django gives (JSON-LD serializes it)
    except ValueError:  # not one of the choices: shown as stored, as Django does
        return value


class ClaimSubject(models.Model):
    """An entity a claim is about. PROTECT: removing the entity must not drop the link."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="subject_links")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="claim_subject_links")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "entity"], name="claim_subject_unique")
        ]

    def __str__(self):
        return f"{self.claim_id} about {self.entity}"


# Derived fields and span checks run in pre_save receivers rather than save(), because
# loaddata saves "raw" (bypassing save()) but still sends pre_save: fixtures get them too.


@receiver(pre_save, sender=Article)
def _article_search_text(sender, instance, **kwargs):
    instance.refresh_search_text()


@receiver(pre_save, sender=Alias)
def _alias_normalized(sender, instance, **kwargs):
    instance.normalized = normalize(instance.name)
    instance.variant_key = phrase_key(instance.name)[:300]  # acronyms grow by a "=" each


@receiver(pre_save, sender=Mention)
@receiver(pre_save, sender=Claim)
def _span_matches_text(sender, instance, **kwargs):
    # An orphan's words are gone from the updated text by definition; every other span is
    # checked against the body on every save, admin, import or fixture alike.
    if not instance.is_orphaned:
        instance.clean()


class EntityMerge(models.Model):
    """A record of one entity merged into another: the merged row is gone, this stays."""

    survivor = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="merges_received")
    merged_entity_id = models.BigIntegerField(help_text="The id the merged entity had.")
    merged_name = models.CharField(max_length=300)
    merged_slug = models.CharField(max_length=200, db_index=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    mentions_moved = models.PositiveIntegerField(default=0)
    claims_moved = models.PositiveIntegerField(default=0)
    subject_links_moved = models.PositiveIntegerField(default=0)
    aliases_moved = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("entity merge")
        verbose_name_plural = _("entity merges")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.merged_name} → {self.survivor}"


class EntityRedirectManager(models.Manager):
    def target(self, slug: str, kind: str | None = None) -> Entity | None:
        """The public entity that took over `slug` when its entity was merged away
        (following later merges), or None: also when an entity holds that slug again, or
        when the one kept is not public. With `kind`, only a slug that was of that kind.
        One query; asked only on the way to a 404."""
        redirects = self.filter(
            ~Exists(Entity.objects.filter(slug=slug)),
            old_slug=slug,
            entity__in=Entity.objects.public(),
        )
        if kind is not None:
            redirects = redirects.filter(old_kind=kind)
        found = redirects.select_related("entity").first()
        return found.entity if found else None


class EntityRedirect(models.Model):
    """An old slug of a merged entity and the entity that now answers for it, so links to
    /people/<old>/ (and the API's) lead on with a 301 instead of a 404. A chain of merges
    (a into b, then b into c) points a at c: the merge service moves every row it needs."""

    old_slug = models.CharField(max_length=200, unique=True)
    old_kind = models.CharField(max_length=12, choices=EntityKind.choices)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="redirects")
    created = models.DateTimeField(auto_now_add=True)

    objects = EntityRedirectManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(old_kind__in=EntityKind.values), name="entity_redirect_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.entity.slug}"


# Stored counts -----------------------------------------------------------------------------
# Kept exact by PostgreSQL statement triggers (archive.services.counts, installed by migration
# 0007_counts) on every write to articles, mentions, claims and claim subjects, whatever wrote
# it (the ORM, QuerySet.update(), bulk_create, COPY, SQL). Pages read them instead of counting
# a million mentions per request. Only what a reader may see is counted: the triggers are
# written from SPAN_VISIBLE and ARTICLE_PUBLIC, the rules visible_q and public() filter by.


class EntityCount(models.Model):
    """What the public side shows of one entity: visible mentions, the public articles naming
    it, and visible claims it speaks or is spoken of in. All zero: on no public list."""

    # No database constraint: SQL that deletes entities (the corpus generator's --clear)
    # need not know this table; a trigger on archive_entity removes the row instead.
    entity = models.OneToOneField(
        Entity,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="counts",
        db_constraint=False,
    )
    mentions = models.IntegerField(default=0)
    articles = models.IntegerField(default=0)
    claims = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-mentions"], name="entitycount_mentions_idx")]

    def __str__(self):
        return f"{self.entity_id}: {self.mentions} mentions in {self.articles} articles"


class EntityMonthCount(models.Model):
    """Visible mentions of an entity in public articles published in one month."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="month_counts", db_constraint=False
    )
    month = models.DateField(help_text="The first day of the month.")
    mentions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "month"], name="entitymonthcount_unique")
        ]

    def __str__(self):
        return f"{self.entity_id} {self.month:%Y-%m}: {self.mentions}"


class DateCount(models.Model):
    """Public articles published on one date at one precision (a month- or year-dated
    article is stored on the first day of its period)."""

    published = models.DateField()
    precision = models.CharField(max_length=5, choices=DatePrecision.choices)
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["published", "precision"], name="datecount_unique")
        ]

    def __str__(self):
        return f"{self.published} ({self.precision}): {self.articles}"


class ClaimDateCount(models.Model):
    """Visible claims (SPAN_VISIBLE, on public articles) made on one date; the row of date
    NULL counts the undated ones. The claims list's deep pages are found through these."""

    date = models.DateField(null=True)
    claims = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # One row for the undated claims too (NULL equals NULL here): the triggers add
            # to it with ON CONFLICT (date).
            models.UniqueConstraint(
                fields=["date"], name="claimdatecount_unique", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.date or 'undated'}: {self.claims}"


class ProposalOrigin(models.TextChoices):
    DEFINITION = "definition", _("defined in a text")
    UNKNOWN = "unknown", _("a recurring unknown name")
    WIKIDATA = "wikidata", _("from Wikidata")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class NameProposal(models.Model):
    """A name the archive learned from its texts, waiting for an analyst: accepted, it
    becomes an alias; rejected, it is never proposed again. Admin only: its evidence
    quotes articles whatever their visibility."""

    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="name_proposals",
        help_text="Empty for a name no entity has yet.",
    )
    name = models.CharField(max_length=300)
    language = models.CharField(
        max_length=35, validators=[alias_language_validator], help_text="BCP 47 tag: en, ar, arz."
    )
    origin = models.CharField(max_length=12, choices=ProposalOrigin.choices)
    status = models.CharField(
        max_length=8, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    count = models.PositiveIntegerField(default=0, help_text="Occurrences seen so far.")
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text='A few places it was seen: [{"article": id, "sentence": "..."}].',
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("name proposal")
        verbose_name_plural = _("name proposals")
        ordering = ["-count", "name"]
        indexes = [
            models.Index(fields=["status", "-count"], name="nameproposal_status_count_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "name", "language"],
                name="nameproposal_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="nameproposal_status_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="nameproposal_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class Feed(models.Model):
    """An outlet's RSS or Atom feed, polled by the task engine (archive.tasks)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=1000, unique=True)
    active = models.BooleanField(default=True)
    poll_every = models.PositiveIntegerField(
        "poll every (seconds)", default=900, validators=[MinValueValidator(60)]
    )
    # Conditional GET: what the feed's server said last time.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # Health, shown in the admin.
    next_poll = models.DateTimeField(null=True, blank=True)
    last_polled = models.DateTimeField(null=True, blank=True, editable=False)
    last_success = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(
        max_length=300, blank=True, editable=False, help_text="What the last poll did, in words."
    )
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(
        default=0, editable=False, help_text="Polls failed in a row (the backoff grows with it)."
    )
    items_seen = models.PositiveIntegerField(default=0, editable=False)
    articles_made = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["source__name", "url"]

    def __str__(self):
        return self.url


class CollectStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    IMPORTED = "imported", _("Imported")
    DUPLICATE = "duplicate", _("Already in the archive")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class CollectedItem(models.Model):
    """One address seen in a feed or pasted by an analyst: fetched at most once, whatever
    the number of feeds that list it (its normalized address is unique)."""

    url_key = models.CharField(max_length=1000, unique=True)
    url = models.URLField(max_length=1000)
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="collected"
    )
    status = models.CharField(
        max_length=10, choices=CollectStatus.choices, default=CollectStatus.WAITING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    feed_entry = models.JSONField(
        default=dict, blank=True, help_text="What the feed said of it: title, date, language."
    )
    seen = models.DateTimeField(auto_now_add=True)
    done = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("collected item")
        verbose_name_plural = _("collected items")
        ordering = ["-seen"]
        indexes = [models.Index(fields=["status", "seen"], name="collecteditem_status_idx")]

    def __str__(self):
        return self.url


class LinkKind(models.TextChoices):
    COPY = "copy", _("Copy of one text")
    TRANSLATION = "translation", _("Translation")
    COVERAGE = "coverage", _("Coverage of one event")


class LinkProposal(models.Model):
    """Two articles the grouping (archive.services.grouping) found related, with a score and
    its evidence. It becomes real (`story`, `translation_of`) only when an analyst confirms
    it; a rejected pair is never proposed again. Admin only.

    For a translation, `first` is the original and `second` the translation; for the other
    kinds, `first` is the older article (by id)."""

    kind = models.CharField(max_length=11, choices=LinkKind.choices)
    first = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created = models.DateTimeField(auto_now_add=True)
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("link proposal")
        verbose_name_plural = _("link proposals")
        ordering = ["-score"]
        indexes = [models.Index(fields=["status", "kind"], name="linkproposal_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "first", "second"], name="linkproposal_unique"),
            models.CheckConstraint(condition=~Q(first=F("second")), name="linkproposal_two"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.first_id} – {self.second_id}"
