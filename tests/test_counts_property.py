"""Random sequences of writes, through every path that writes, keep the stored counts exact.

Each example builds a small archive (public, hidden, undated and month-dated articles, a
translation, mentions and claims of every status), then makes a random sequence of writes
the way the archive makes them: the services the admin and the annotator call (tag, review,
edit, place, delete, merge, replace a text), the importer, the ORM (save, QuerySet.update,
bulk_create, delete), raw SQL, and a bulk load with the counts paused. After every write
each stored count (EntityCount, EntityMonthCount, DateCount, ClaimDateCount) must equal what
the visibility QuerySets count (tests.test_counts.counted), and at the end a rebuild must
find them again.
A write the archive refuses (a ValidationError, a protected row, a duplicate) is rolled back
to its savepoint, as its request would be.
"""

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from archive import services
from archive.ingest.importing import import_manifests
from archive.models import Alias, Article, Claim, ClaimSubject, Entity, Mention, Status
from archive.services.annotations import claim_update, mention_update
from archive.services.counts import counts_paused, rebuild_counts
from tests.factories import (
    make_article,
    make_claim,
    make_entity,
    make_mention,
    make_translation_pair,
)
from tests.test_counts import counted, stored

pytestmark = pytest.mark.django_db

BODIES = [
    'Karim Mansour met Leila Haddad in Tripoli.\n"We will talk again," said Omar Nasser.\n'
    "Karim Mansour left.",
    'Leila Haddad and Omar Nasser spoke.\n"The talks failed," said Karim Mansour.\n'
    "Leila Haddad agreed with Mansour.",
    'Omar Nasser arrived.\nNobody else came.\n"Nothing was signed," Leila Haddad said.',
]
# (published, precision): a day, a month and a year, two days of one month, none.
DATES = [
    (datetime.date(2020, 6, 3), "day"),
    (datetime.date(2020, 6, 20), "day"),
    (datetime.date(2020, 6, 1), "month"),
    (datetime.date(2021, 1, 1), "year"),
    (datetime.date(2019, 12, 31), "day"),
    (None, "day"),
]
# Renamings that take an entity's words out of a text (its mentions are orphaned).
RENAMED = {"Karim Mansour": "Karim Mansur", "Leila Haddad": "Layla Hadad", "Sarraj": "Serraj"}
# Claim dates: two claims of a day, another day, none.
CLAIM_DATES = [datetime.date(2020, 6, 2), datetime.date(2020, 5, 30), None]
REFUSED = (ValidationError, ProtectedError, IntegrityError, PermissionDenied)


def build_archive() -> User:
    """A small archive with something of every kind that counts or does not."""
    karim = make_entity(name="Karim Mansour", aliases={"en": ["Karim Mansour", "Mansour"]})
    leila = make_entity(name="Leila Haddad", aliases={"en": ["Leila Haddad"]})
    omar = make_entity(name="Omar Nasser", kind="organization", aliases={"en": ["Omar Nasser"]})
    make_translation_pair()  # English and Arabic, aliases in both, claims linked by same_as
    (day, _), (other_day, _), (month, _), (year, _) = DATES[:4]
    public = make_article(body=BODIES[0], published=day)
    hidden = make_article(body=BODIES[1], published=other_day, is_public=False)
    undated = make_article(body=BODIES[2])
    by_month = make_article(body=BODIES[1], published=month, published_precision="month")
    make_article(body=BODIES[2], published=year, published_precision="year")
    make_mention(public, karim, "Karim Mansour")
    make_mention(public, karim, "Karim Mansour", occurrence=1, status="suggested")
    make_mention(public, leila, "Leila Haddad", status="rejected")
    make_mention(hidden, omar, "Omar Nasser")
    make_mention(undated, leila, "Leila Haddad")
    make_mention(by_month, karim, "Mansour", is_orphaned=True)
    make_mention(by_month, omar, "Omar Nasser", status="suggested")
    make_claim(
        public, "We will talk again", speaker=omar, about=[karim, leila], date=CLAIM_DATES[0]
    )
    make_claim(hidden, "The talks failed", speaker=karim, about=[omar], date=CLAIM_DATES[0])
    make_claim(by_month, "The talks failed", about=[leila], status="suggested", date=CLAIM_DATES[1])
    make_claim(undated, "Nothing was signed", speaker=leila, status="rejected")
    # No password: hashing one cost most of an example.
    return User.objects.create(username="counter", is_staff=True, is_superuser=True)


class Writer:
    """Makes one write of a kind, its details drawn from `data` and the archive as it is."""

    def __init__(self, data, user):
        self.data, self.user = data, user
        self.imports = 0

    # -- drawing -------------------------------------------------------------------------

    def _draw(self, strategy):
        return self.data.draw(strategy)

    def _pick(self, items):
        items = list(items)
        return self._draw(st.sampled_from(items)) if items else None

    def _some(self, items):
        items = list(items)
        chosen = st.lists(st.sampled_from(range(len(items))), unique=True, max_size=4)
        return [items[i] for i in self._draw(chosen)] if items else []

    def _articles(self):
        return list(Article.objects.order_by("pk"))

    def _entities(self):
        return list(Entity.objects.order_by("pk"))

    def _spans(self):
        return [
            *Mention.objects.select_related("article").order_by("pk"),
            *Claim.objects.select_related("article").order_by("pk"),
        ]

    def _names_in(self, article):
        """A mention's fields for every alias of every entity found in the article's text."""
        return [
            {"article": article, "entity": alias.entity, "start": m.start(), "end": m.end(),
             "text": alias.name}
            for alias in Alias.objects.select_related("entity").order_by("pk")
            for m in re.finditer(re.escape(alias.name), article.body)
        ]  # fmt: skip

    def _named_words(self):
        """Words of some article that name an entity, as a new mention's fields, or None."""
        if fields := self._pick(self._names_in(self._pick(self._articles()))):
            return {**fields, "status": self._pick(Status.values)}
        return None

    def _quotes_in(self, article):
        return [(m.start(1), m.end(1), m[1]) for m in re.finditer(r'"([^"\n]+)"', article.body)]

    def _new_text(self, body):
        lines = body.split("\n")
        how = self._draw(st.sampled_from(["drop", "prepend", "rename", "reverse", "other"]))
        if how == "drop" and len(lines) > 1:
            del lines[self._draw(st.integers(0, len(lines) - 1))]
        elif how == "prepend":
            lines.insert(0, "A new first paragraph.")
        elif how == "rename":
            old = self._pick(RENAMED)
            return body.replace(old, RENAMED[old])
        elif how == "reverse":
            lines.reverse()
        else:
            return self._pick(BODIES)
        return "\n".join(lines)

    # -- the annotator's services ----------------------------------------------------------

    def tag(self):
        if fields := self._named_words():
            services.mention_create(**fields, user=self.user)

    def tag_as_new_entity(self):
        article = self._pick(self._articles())
        if word := self._pick(re.finditer(r"[^\W\d_]{4,}", article.body)):
            services.mention_create_with_entity(
                article=article,
                name="",
                kind="place",
                start=word.start(),
                end=word.end(),
                text=word[0],
                user=self.user,
            )

    def record_claim(self):
        article = self._pick(self._articles())
        if quote := self._pick(self._quotes_in(article)):
            start, end, text = quote
            services.claim_create(
                article=article,
                start=start,
                end=end,
                text=text,
                speaker=self._pick([None, *self._entities()]),
                subjects=self._some(self._entities()),
                date=self._pick(CLAIM_DATES),
                status=self._pick(Status.values),
                user=self.user,
            )

    def review(self):
        mentions = self._some(Mention.objects.order_by("pk"))
        status = self._pick([Status.CONFIRMED, Status.REJECTED])
        services.mentions_review(mentions=mentions, status=status, user=self.user)

    def edit_in_place(self):
        span = self._pick(self._spans())
        if span is None:
            return
        status = self._pick([None, *Status.values])
        if isinstance(span, Mention):
            entity = self._pick([None, *self._entities()])
            mention_update(mention=span, user=self.user, status=status, entity=entity)
        else:
            speaker = self._pick([None, *self._entities()])
            claim_update(claim=span, user=self.user, status=status, speaker=speaker)

    def place_orphan(self):
        orphan = self._pick(s for s in self._spans() if s.is_orphaned)
        if orphan is None:
            return
        found = [
            (m.start(), m.end()) for m in re.finditer(re.escape(orphan.text), orphan.article.body)
        ]
        if spot := self._pick(found):
            services.annotation_place(
                annotation=orphan, start=spot[0], end=spot[1], text=orphan.text, user=self.user
            )

    # -- the admin's forms and actions -------------------------------------------------------

    def add_in_form(self):
        if fields := self._named_words():
            services.annotation_create(annotation=Mention(**fields), user=self.user)

    def change_in_form(self):
        span = self._pick(self._spans())
        if span is None:
            return
        span.status = self._pick(Status.values)
        span.is_orphaned = self._draw(st.booleans())  # unticked: checked against the text
        services.annotation_update(annotation=span, user=self.user)

    def delete_annotation(self):
        if span := self._pick(self._spans()):
            services.annotation_delete(annotation=span, user=self.user)

    def change_subjects(self):
        claim, entity = self._pick(Claim.objects.order_by("pk")), self._pick(self._entities())
        if claim is None or entity is None:
            return
        if claim.about.filter(pk=entity.pk).exists():
            claim.about.remove(entity)
        else:
            claim.about.add(entity)

    def publish_or_hide(self):
        article = self._pick(self._articles())
        article.is_public = not article.is_public
        article.save()

    def redate(self):
        article = self._pick(self._articles())
        article.published, article.published_precision = self._pick(DATES)
        article.save()

    def replace_text(self):
        article = self._pick(self._articles())
        services.article_text_replace(
            article=article, body=self._new_text(article.body), user=self.user
        )

    def merge(self):
        entities = self._entities()
        if len(entities) > 1:
            survivor = self._pick(entities)
            merged = self._pick(e for e in entities if e.pk != survivor.pk)
            services.entity_merge(survivor=survivor, merged=merged, user=self.user)

    # -- the importer --------------------------------------------------------------------------

    def import_texts(self):
        """A new text (public or hidden, dated or not), or an imported one changed (--update)."""
        imported = [a for a in self._articles() if a.slug.startswith("imported-")]
        update = bool(imported) and self._draw(st.booleans())
        if update:
            article = self._pick(imported)
            slug, body = article.slug, self._new_text(article.body)
        else:
            self.imports += 1
            slug, body = f"imported-{self.imports}", self._pick(BODIES)
        entry = {"file": "text.txt", "language": "en", "slug": slug}
        if published := self._pick(["2020-06-07", "2020-06", "2021", None]):
            entry["published"] = published
        entry["public"] = self._draw(st.booleans())
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "text.txt").write_text(f"Title {slug}\n{body}\n", encoding="utf-8")
            lines = ["[[article]]"]
            lines += [
                f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
                for key, value in entry.items()
            ]
            (Path(folder) / "manifest.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
            result = import_manifests([folder], update=update)
        assert result.ok, result.problems

    # -- the ORM and SQL, as scripts write -----------------------------------------------------

    def update_rows(self):
        mentions = Mention.objects.filter(pk__in=[m.pk for m in self._some(Mention.objects.all())])
        claims = Claim.objects.filter(pk__in=[c.pk for c in self._some(Claim.objects.all())])
        articles = Article.objects.filter(pk__in=[a.pk for a in self._some(self._articles())])
        links = ClaimSubject.objects.filter(
            pk__in=[s.pk for s in self._some(ClaimSubject.objects.all())]
        )
        which = self._draw(st.integers(0, 9))
        if which == 0:
            mentions.update(status=self._pick(Status.values))
        elif which == 1:
            mentions.update(is_orphaned=self._draw(st.booleans()))
        elif which == 2 and (entity := self._pick(self._entities())):
            mentions.update(entity=entity)  # what a merge did before its service
        elif which == 3:
            claims.update(status=self._pick(Status.values))
        elif which == 4:
            claims.update(is_orphaned=self._draw(st.booleans()))
        elif which == 5:
            claims.update(speaker=self._pick([None, *self._entities()]))
        elif which == 6:
            articles.update(is_public=self._draw(st.booleans()))
        elif which == 7:
            published, precision = self._pick(DATES)
            articles.update(published=published, published_precision=precision)
        elif which == 8:
            claims.update(date=self._pick(CLAIM_DATES))  # redated, or undated
        elif entity := self._pick(self._entities()):
            links.update(entity=entity)

    def create_in_bulk(self):
        article = self._pick(self._articles())
        Mention.objects.bulk_create(
            [
                Mention(**fields, status=self._pick(Status.values))
                for fields in self._some(self._names_in(article))
            ]
        )
        if quote := self._pick(self._quotes_in(article)):
            start, end, text = quote
            (claim,) = Claim.objects.bulk_create(
                [
                    Claim(
                        article=article,
                        start=start,
                        end=end,
                        text=text,
                        speaker=self._pick([None, *self._entities()]),
                        date=self._pick(CLAIM_DATES),
                    )
                ]
            )
            ClaimSubject.objects.bulk_create(
                [ClaimSubject(claim=claim, entity=e) for e in self._some(self._entities())]
            )

    def delete_rows(self):
        which = self._draw(st.integers(0, 4))
        if which == 0:
            Mention.objects.filter(
                pk__in=[m.pk for m in self._some(Mention.objects.all())]
            ).delete()
        elif which == 1:
            ClaimSubject.objects.filter(
                pk__in=[s.pk for s in self._some(ClaimSubject.objects.all())]
            ).delete()
        elif which == 2:
            Claim.objects.filter(pk__in=[c.pk for c in self._some(Claim.objects.all())]).delete()
        elif which == 3 and len(articles := self._articles()) > 2:  # keep some to write to
            article = self._pick(articles)
            Mention.objects.filter(article=article).delete()
            Claim.objects.filter(article=article).delete()
            article.delete()
        elif entity := self._pick(self._entities()):
            entity.delete()  # refused while it is named anywhere

    def load_paused(self):
        """A bulk loader's way: the triggers paused for its transaction, one rebuild at the end."""
        with counts_paused():
            self.update_rows()
            self.create_in_bulk()

    def raw_sql(self):
        mentions = [m.pk for m in self._some(Mention.objects.all())]
        claims = [c.pk for c in self._some(Claim.objects.all())]
        article = self._pick(self._articles())
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE archive_mention SET status = %s WHERE id = ANY(%s)",
                [self._pick(Status.values), mentions],
            )
            cursor.execute(
                "UPDATE archive_claim SET is_orphaned = NOT is_orphaned, date = %s "
                "WHERE id = ANY(%s)",
                [self._pick(CLAIM_DATES), claims],
            )
            cursor.execute(
                "UPDATE archive_article SET is_public = NOT is_public WHERE id = %s", [article.pk]
            )


# Every public method of Writer is a kind of write the draw may choose.
WRITES = [name for name, value in vars(Writer).items() if callable(value) and name[0] != "_"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_every_write_keeps_the_stored_counts_equal_to_the_visible_rows(data):
    with transaction.atomic():
        writer = Writer(data, build_archive())
        assert stored() == counted()
        for name in data.draw(st.lists(st.sampled_from(WRITES), min_size=1, max_size=10)):
            try:
                with transaction.atomic():
                    getattr(writer, name)()
            except REFUSED as refused:
                outcome = f"{name}: refused ({type(refused).__name__})"
            else:
                outcome = f"{name}: written"
            note(outcome)
            event(outcome)  # --hypothesis-show-statistics: how often each write went through
            assert stored() == counted(), f"after {name}"
        kept = stored()
        rebuild_counts()
        assert stored() == kept
        transaction.set_rollback(True)
