"""Writes of mentions and claims: tag, record, review, place again, edit, delete.

Every write checks its span against the stored body and moves the row's stale-edit marker
(`edit_token`), so a page or form opened before it is refused rather than undoing it.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from archive.models import (
    SPAN_VISIBLE,
    Alias,
    AliasOrigin,
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    Mention,
    MentionRole,
    Status,
    rule_q,
)
from archive.permissions import can_delete_annotation
from archive.reads.names import EXACT, VARIANT, resolve_name
from archive.services.entities import check_name, entity_create
from archive.services.propagation import annotations_propagate
from archive.text.arabic import CLITIC_RUNS, PREFIXES, is_arabic
from archive.text.normalize import normalize
from archive.text.variants import name_tokens, phrase_key, same_name, within_name


class StaleEdit(ValidationError):
    """The row changed since the page that sent this write was loaded."""


class DuplicateEntity(ValidationError):
    """A new entity was asked for under a name some entity already carries; `entities`
    holds them, so the annotator can offer them instead."""

    def __init__(self, message: str, entities: list[Entity], words: str = ""):
        super().__init__(message)
        self.entities = entities
        self.words = words  # the words the analyst selected


# What may be glued to the front of an Arabic name and left out of a selection: والسراج,
# بالسراج, السراج inside والسراج (archive.text.arabic holds the letters).
CLITIC_PREFIXES = frozenset((*CLITIC_RUNS, *PREFIXES)) - {""}


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LNM"


def check_whole_words(body: str, start: int, end: int) -> None:
    """Refuse a span that starts or ends inside a word ("merican" in "Americans"), except
    an Arabic name selected inside its proclitics."""
    if start > 0 and _is_word_char(body[start - 1]) and _is_word_char(body[start]):
        head = start
        while head > 0 and _is_word_char(body[head - 1]):
            head -= 1
        prefix = body[head:start]
        if not (is_arabic(prefix) and prefix in CLITIC_PREFIXES):
            tail = end
            while tail < len(body) and _is_word_char(body[tail]):
                tail += 1
            raise ValidationError(
                _("“%(words)s” starts inside the word “%(word)s”: select whole words.")
                % {"words": body[start:end], "word": body[head:tail]}
            )
    if end < len(body) and _is_word_char(body[end - 1]) and _is_word_char(body[end]):
        tail = end
        while tail < len(body) and _is_word_char(body[tail]):
            tail += 1
        raise ValidationError(
            _("“%(words)s” ends inside the word “%(word)s”: select whole words.")
            % {"words": body[start:end], "word": body[start:tail].split()[-1]}
        )


def check_not_crossing(article: Article, start: int, end: int, exclude=None) -> None:
    """Refuse a span that half-overlaps a live mention or claim of the article; one inside
    another (or the same words) is fine."""
    crossing = Q(start__lt=start, end__gt=start, end__lt=end) | Q(
        start__gt=start, start__lt=end, end__gt=end
    )
    live = rule_q(SPAN_VISIBLE) & Q(article=article)
    for model in (Mention, Claim):
        rows = model.objects.filter(live & crossing)
        if isinstance(exclude, model):
            rows = rows.exclude(pk=exclude.pk)
        other = rows.order_by("start").first()
        if other is not None:
            crossed = {
                Mention: _(
                    "These words cross the mention “%(words)s”: an annotation may sit inside "
                    "another, not half over it. Select the whole of it, or words inside it."
                ),
                Claim: _(
                    "These words cross the claim “%(words)s”: an annotation may sit inside "
                    "another, not half over it. Select the whole of it, or words inside it."
                ),
            }
            raise ValidationError(crossed[model] % {"words": other.text})


def _check_new_span(article: Article, start: int, end: int, exclude=None) -> None:
    check_whole_words(article.body, start, end)
    check_not_crossing(article, start, end, exclude=exclude)


def edit_token(obj: Mention | Claim) -> str:
    """The stale-edit marker a page holds for a row: Claim.version, a mention's `updated`.

    Every write path moves it: save() (auto_now), and the bulk ones set `updated` (or bump
    `version`) themselves, since bulk_update never runs a field's pre_save.
    """
    return str(obj.version) if isinstance(obj, Claim) else obj.updated.isoformat()


def _check_span(article: Article, start: int, end: int, text: str) -> None:
    if not (0 <= start < end <= len(article.body)):
        raise ValidationError(
            _("The span %(start)s–%(end)s is outside the article's text.")
            % {"start": start, "end": end}
        )
    found = article.body[start:end]
    if found != text:
        raise ValidationError(
            _("The text at %(start)s–%(end)s reads %(found)s, not %(text)s.")
            % {"start": start, "end": end, "found": repr(found), "text": repr(text)}
        )


def _known(value: str, choices) -> str:
    """`value` if it is one of `choices` (a TextChoices), else the annotator's 400 message."""
    if value not in choices.values:
        unknown = {
            MentionRole: _("Unknown role %(value)s."),
            ClaimKind: _("Unknown claim kind %(value)s."),
            Status: _("Unknown status %(value)s."),
        }
        raise ValidationError(unknown[choices] % {"value": repr(value)})
    return value


def _lock_article(article: Article) -> None:
    """Serialize annotation writes on one article (identical double submits above all) and
    check spans against the body as it is now. FOR NO KEY UPDATE: rows that merely point at
    the article (mentions of other requests, propagation) are not blocked."""
    current = (
        Article.objects.select_for_update(no_key=True).only("body").filter(pk=article.pk).first()
    )
    if current is None:
        raise ValidationError(_("That article no longer exists."))
    article.body = current.body


@transaction.atomic
def mention_create(
    *,
    article: Article,
    entity: Entity,
    start: int,
    end: int,
    text: str,
    role: str = MentionRole.OTHER,
    user=None,
    status: str = Status.CONFIRMED,
    propagate: bool = True,
    whole_words: bool = False,
    add_alias: bool = False,
) -> Mention:
    """Tag words of the body as a mention; a confirmed one is proposed in translations.

    Idempotent: the same entity at the same span returns the mention already there (with
    `was_created` False), also when two identical requests arrive at once. `whole_words`
    (an analyst's selection): the span must hold whole words and cross no annotation.
    `add_alias` (the analyst ticked it): the words become an alias of the entity in the
    article's language (`alias_from_words`); never otherwise.
    """
    _lock_article(article)
    _check_span(article, start, end, text)
    if whole_words:
        _check_new_span(article, start, end)
    _known(role, MentionRole)
    key = {"article": article, "entity": entity, "start": start, "end": end}
    mention = Mention.objects.filter(**key).first()
    created = mention is None
    if created:
        try:
            with transaction.atomic():  # a savepoint: a writer without the lock may race us
                mention = Mention.objects.create(
                    **key, text=text, role=role, status=status, created_by=user
                )
        except IntegrityError:
            mention = Mention.objects.filter(**key).first()
            if mention is None:
                raise
            created = False
    if not created and (mention.status != status or mention.role != role):
        mention.status, mention.role = status, role
        mention.save()
    mention.was_created = created
    mention.alias_added = (
        alias_from_words(entity=entity, words=text, language=article.language)
        if add_alias
        else None
    )
    if propagate and status == Status.CONFIRMED:
        annotations_propagate(mentions=[mention], user=user)
    return mention


# How selected words stand to an entity's names (`words_as_name`): one of its names already
# (normalized alike), a spelling of one the matcher finds anyway, words of one (a surname),
# or a new name.
NAME, SPELLING, PART, NEW = "name", "spelling", "part", "new"


def words_as_name(words: str, names: list[str]) -> str:
    """How `words` stand to an entity's `names` (its aliases and own names): NAME, SPELLING,
    PART or NEW. Only a NEW name is worth an alias by default; the annotator shows the
    others unticked (a spelling or a surname is found without one)."""
    norm = normalize(words)
    if not norm:
        return NAME
    if any(normalize(n) == norm for n in names):
        return NAME
    tokens, key = name_tokens(words), phrase_key(words)
    same_script = [n for n in names if is_arabic(n) == is_arabic(words)]
    if (
        tokens
        and key
        and any(phrase_key(n) == key and same_name(tokens, name_tokens(n)) for n in same_script)
    ):
        return SPELLING
    if tokens and any(within_name(tokens, name_tokens(n)) for n in same_script):
        return PART
    return NEW


def entity_names(entity: Entity) -> list[str]:
    """Every name an entity is found by: its alias rows and its own names."""
    names = list(Alias.objects.filter(entity=entity).values_list("name", flat=True))
    return names + [name for name, _language in entity.own_names()]


def alias_from_words(*, entity: Entity, words: str, language: str) -> Alias | None:
    """The words an analyst tagged, made an alias of `entity` in `language` because they
    asked for it; None when the entity already has that name (normalized alike)."""
    words = words.strip()
    if not words or words_as_name(words, entity_names(entity)) == NAME:
        return None
    check_name(words, _("The alias %(alias)s") % {"alias": repr(words[:40])})
    alias, _created = Alias.objects.get_or_create(
        entity=entity, name=words, language=language,
        defaults={"origin": AliasOrigin.ANALYST},
    )  # fmt: skip
    return alias


@transaction.atomic
def mention_create_with_entity(
    *, article: Article, name: str, kind: str, start: int, end: int, text: str,
    role: str = MentionRole.OTHER, user=None, description: str = "", duplicate: bool = False,
    add_alias: bool = False,
) -> Mention:  # fmt: skip
    """Make a new entity (entity_create: named `name`, or the words) and tag the words as
    its mention: all or nothing, so a refused tag leaves no entity (nor an alias the matcher
    would use) behind. Sent twice, the second call returns the first's mention instead of
    making a second entity. The words become an alias beside its name only with
    `add_alias` (the analyst's tick)."""
    _lock_article(article)
    _check_span(article, start, end, text)
    existing = (
        Mention.objects.filter(
            article=article, start=start, end=end, entity__name=name.strip() or text.strip(),
            entity__kind=kind,
        )
        .select_related("entity")
        .first()
    )  # fmt: skip
    entity = existing.entity if existing is not None else None
    if entity is None:
        _check_new_span(article, start, end)
        _refuse_silent_duplicate(name.strip() or text.strip(), text, description, duplicate)
        # entity_create makes an alias of its `words`: the name itself (an own name) when the
        # analyst did not ask for the words.
        named = name.strip() or text.strip()
        words, language = (text, article.language) if add_alias else (named, "en")
        entity = entity_create(name=named, kind=kind, words=words, language=language)
        if description.strip():
            entity.description = description.strip()[:500]
            entity.save(update_fields=["description"])
    return mention_create(
        article=article, entity=entity, start=start, end=end, text=text, role=role, user=user,
        whole_words=True,
    )  # fmt: skip


def _namesakes(name: str, words: str) -> tuple[list[Entity], bool]:
    """Entities that already carry the name or the words, as a name or an alias, and then
    those that carry a spelling of the name (resolve_name, as the picker and search read
    it: Khalifa Hifter is Khalifa Haftar); and whether the first one is only a spelling."""
    keys = {normalize(name), normalize(words)} - {""}
    exact = list(
        Entity.objects.filter(
            Q(aliases__normalized__in=keys) | Q(name__iexact=name) | Q(name__iexact=words)
        )
        .distinct()
        .order_by("name")[:10]
    )
    spelled = [
        m.entity
        for m in resolve_name(name, among=Entity.objects.all(), fuzzy=False, limit=10)
        if m.how in (EXACT, VARIANT) and m.entity.pk not in {e.pk for e in exact}
    ]
    return (exact + spelled)[:10], not exact and bool(spelled)


def _refuse_silent_duplicate(name: str, words: str, description: str, duplicate: bool) -> None:
    """A name (or the words) that an entity already carries as a name or an alias, or a
    spelling of such a name, is that entity, unless the analyst says it is another one
    (`duplicate`) and tells them apart by a description no namesake has."""
    namesakes, spelling = _namesakes(name, words)
    if not namesakes:
        return
    if not duplicate:
        already = (
            _("“%(name)s” is a spelling of %(entity)s, already an entity.")
            if spelling
            else _("“%(name)s” is already an entity: %(entity)s.")
        ) % {"name": name, "entity": namesakes[0].name}
        what_now = _(
            "Tag the words as it, or confirm that this is a different one and describe the "
            "difference."
        )
        raise DuplicateEntity(f"{already} {what_now}", namesakes, words)
    told = description.strip().casefold()
    if not told:
        raise ValidationError(
            _("A second entity with the same name needs a description that tells it apart.")
        )
    if told in {e.description.strip().casefold() for e in namesakes}:
        raise ValidationError(
            _("That description is the same as the existing entity's: say how this one differs.")
        )


@transaction.atomic
def mentions_review(
    *, mentions: list[Mention], status: str, user=None, tokens: dict[int, str] | None = None
) -> int:
    """Confirm or reject mentions; confirmed ones are proposed in the translations.

    The rows are locked and read again, so a concurrent form save cannot interleave, and the
    stale-edit marker moves (bulk_update skips auto_now). `tokens` ({id: edit_token} as the
    sender saw them): if any row changed since, nothing is written (StaleEdit).
    """
    if status not in (Status.CONFIRMED, Status.REJECTED):
        raise ValidationError(_("Cannot set status %(status)s.") % {"status": repr(status)})
    current = {
        m.pk: m
        for m in Mention.objects.select_for_update(of=("self",))
        .select_related("article", "entity")
        .filter(pk__in=[m.pk for m in mentions])
    }
    stale = [
        pk
        for pk, token in (tokens or {}).items()
        if pk in current and edit_token(current[pk]) != token
    ]
    if stale:
        raise StaleEdit(
            ngettext(
                "%(n)s of these mentions changed since the page was loaded. Nothing was "
                "saved: reload the page to see them as they are now.",
                "%(n)s of these mentions changed since the page was loaded. Nothing was "
                "saved: reload the page to see them as they are now.",
                len(stale),
            )
            % {"n": len(stale)}
        )
    changed = list({m.pk: current[m.pk] for m in mentions if m.pk in current}.values())
    changed = [m for m in changed if m.status != status]
    now = timezone.now()
    for m in changed:
        m.status, m.updated = status, now
    if changed:
        bulk_update_with_history(changed, Mention, ["status", "updated"], default_user=user)
    for m in mentions:  # the caller's objects show what is stored now
        if m.pk in current:
            m.status, m.updated = current[m.pk].status, current[m.pk].updated
    if status == Status.CONFIRMED and changed:
        annotations_propagate(mentions=changed, user=user)
    return len(changed)


def mention_confirm(*, mention: Mention, user=None) -> Mention:
    mentions_review(mentions=[mention], status=Status.CONFIRMED, user=user)
    return mention


def mention_reject(*, mention: Mention, user=None) -> Mention:
    mentions_review(mentions=[mention], status=Status.REJECTED, user=user)
    return mention


# --- claims and orphans -----------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    article: Article,
    start: int,
    end: int,
    text: str,
    speaker: Entity | None = None,
    kind: str = ClaimKind.PARAPHRASE,
    subjects: list[Entity] = (),
    date=None,
    note: str = "",
    user=None,
    status: str = Status.CONFIRMED,
    same_as: Claim | None = None,
    propagate: bool = True,
    whole_words: bool = False,
) -> Claim:
    """Record a claim at words of the body; a confirmed one is proposed in translations.
    `whole_words` (an analyst's selection): whole words, crossing no annotation."""
    _check_span(article, start, end, text)
    if whole_words:
        _lock_article(article)
        _check_new_span(article, start, end)
    _known(kind, ClaimKind)
    claim = Claim.objects.create(
        article=article,
        start=start,
        end=end,
        text=text,
        speaker=speaker,
        kind=kind,
        date=date,
        note=note,
        status=status,
        same_as=same_as,
        created_by=user,
    )
    for entity in dict.fromkeys(subjects):
        ClaimSubject.objects.create(claim=claim, entity=entity)
    if propagate and status == Status.CONFIRMED:
        annotations_propagate(claims=[claim], user=user)
    return claim


@transaction.atomic
def annotation_place(
    *, annotation: Mention | Claim, start: int, end: int, text: str, user=None,
    token: str | None = None,
):  # fmt: skip
    """Anchor an orphaned (or misplaced) annotation at new words of its article's body.
    `token`: the stale-edit marker the sender holds; a row changed since is refused
    (StaleEdit). The row is read again, locked, so nothing changed meanwhile is undone."""
    _lock_article(annotation.article)  # the article first, as the text replacement does
    annotation = _locked_current(annotation, token)
    _check_span(annotation.article, start, end, text)
    _check_new_span(annotation.article, start, end, exclude=annotation)
    taken = _("That entity is already tagged at “%(words)s”: delete this copy instead.")
    if isinstance(annotation, Mention):
        twin = Mention.objects.filter(
            article_id=annotation.article_id, entity_id=annotation.entity_id, start=start, end=end
        ).exclude(pk=annotation.pk)
        if twin.exists():
            raise ValidationError(taken % {"words": text})
    annotation.start, annotation.end, annotation.text = start, end, text
    annotation.is_orphaned = False
    if isinstance(annotation, Claim):
        annotation.version += 1
    try:
        with transaction.atomic():  # a savepoint: the same words may be tagged meanwhile
            annotation.save()
    except IntegrityError:
        raise ValidationError(taken % {"words": text}) from None
    return annotation


# --- edits from the admin's forms ---------------------------------------------------------


def _as_edited_by(annotation: Mention | Claim, user) -> None:
    if user is not None:
        annotation._history_user = user


@transaction.atomic
def annotation_create(*, annotation: Mention | Claim, user=None) -> Mention | Claim:
    """Save an annotation made whole in a form (the admin's add page) as made by `user`;
    a confirmed mention is proposed in the translations."""
    annotation.created_by = user
    _as_edited_by(annotation, user)
    annotation.save()
    if isinstance(annotation, Mention) and annotation.status == Status.CONFIRMED:
        annotations_propagate(mentions=[annotation], user=user)
    return annotation


@transaction.atomic
def annotation_update(*, annotation: Mention | Claim, user=None) -> Mention | Claim:
    """Save an annotation edited in a form (the admin's change page). A claim's version
    moves (a mention's `updated` moves on save); a mention confirmed by this edit is
    proposed in the translations. The stored row is read locked: what it held before."""
    stored = type(annotation).objects.select_for_update().filter(pk=annotation.pk).first()
    if stored is None:
        raise ValidationError(_("This row was deleted since you opened it."))
    if isinstance(annotation, Claim):
        annotation.version = stored.version + 1
    _as_edited_by(annotation, user)
    annotation.save()
    newly_confirmed = annotation.status == Status.CONFIRMED and stored.status != Status.CONFIRMED
    if isinstance(annotation, Mention) and newly_confirmed:
        annotations_propagate(mentions=[annotation], user=user)
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Mention | Claim, user, token: str | None = None) -> None:
    """Delete a mention or claim, if `user` may (archive.permissions); a claim that others
    report as the same claim (same_as) stays, with a ValidationError saying why. `token`:
    the stale-edit marker the sender holds; a row changed since is refused (StaleEdit)
    rather than deleted unseen. The admin's delete pages and actions hold none."""
    if not can_delete_annotation(user, annotation):
        raise PermissionDenied
    if token is not None:
        annotation = _locked_current(annotation, token)
    _as_edited_by(annotation, user)
    try:
        annotation.delete()  # PROTECT is checked before anything is deleted
    except ProtectedError as error:
        n = len(error.protected_objects)
        if isinstance(annotation, Mention):
            message = ngettext(
                "This mention cannot be deleted: %(n)s mention(s) in other articles are "
                "recorded as the same mention. Delete those first.",
                "This mention cannot be deleted: %(n)s mention(s) in other articles are "
                "recorded as the same mention. Delete those first.",
                n,
            )
        else:
            message = ngettext(
                "This claim cannot be deleted: %(n)s claim(s) in other articles are "
                "recorded as the same claim. Delete those first.",
                "This claim cannot be deleted: %(n)s claim(s) in other articles are "
                "recorded as the same claim. Delete those first.",
                n,
            )
        raise ValidationError(message % {"n": n}) from None


# --- edits from the annotator: change an annotation in place ------------------------------

_UNCHANGED = object()


def _locked_current(annotation: Mention | Claim, token: str | None):
    """The row as stored now, locked; StaleEdit if `token` (when given) is not its token."""
    stored = (
        type(annotation)
        .objects.select_for_update(of=("self",))
        .select_related("article")
        .filter(pk=annotation.pk)
        .first()
    )
    if stored is None:
        if isinstance(annotation, Mention):
            raise ValidationError(_("This mention was deleted meanwhile."))
        raise ValidationError(_("This claim was deleted meanwhile."))
    if token is not None and edit_token(stored) != token:
        if isinstance(annotation, Mention):
            raise StaleEdit(
                _(
                    "This mention changed since the page was loaded. Nothing was saved: it now "
                    "shows as it is."
                )
            )
        raise StaleEdit(
            _(
                "This claim changed since the page was loaded. Nothing was saved: it now shows "
                "as it is."
            )
        )
    return stored


def _respan(stored: Mention | Claim, span) -> None:
    if span is None:
        return
    start, end, text = span
    if (start, end) == (stored.start, stored.end):
        return
    _lock_article(stored.article)
    _check_span(stored.article, start, end, text)
    _check_new_span(stored.article, start, end, exclude=stored)
    stored.start, stored.end, stored.text = start, end, text


@transaction.atomic
def mention_update(
    *, mention: Mention, user=None, token: str | None = None, entity: Entity | None = None,
    role: str | None = None, status: str | None = None, span: tuple | None = None,
) -> Mention:  # fmt: skip
    """Change a mention from the annotator: its entity, role, status or words (whole words,
    crossing nothing). `token` is the stale-edit marker the page holds: a row changed since
    is refused (StaleEdit). One save, so one history row; a mention confirmed by it is
    proposed in the translations."""
    if span is not None:
        # The article before the row, as a text replacement locks them: never the other way.
        _lock_article(mention.article)
    stored = _locked_current(mention, token)
    was = stored.status
    if role is not None:
        stored.role = _known(role, MentionRole)
    if status is not None:
        stored.status = _known(status, Status)
    if entity is not None:
        stored.entity = entity
    _respan(stored, span)
    twin = Mention.objects.filter(
        article_id=stored.article_id, entity_id=stored.entity_id, start=stored.start,
        end=stored.end,
    ).exclude(pk=stored.pk)  # fmt: skip
    if twin.exists():
        raise ValidationError(
            _("%(entity)s is already tagged at “%(words)s”.")
            % {"entity": stored.entity.name, "words": stored.text}
        )
    _as_edited_by(stored, user)
    stored.save()
    if stored.status == Status.CONFIRMED and was != Status.CONFIRMED:
        annotations_propagate(mentions=[stored], user=user)
    return stored


@transaction.atomic
def claim_update(
    *, claim: Claim, user=None, token: str | None = None, speaker=_UNCHANGED,
    kind: str | None = None, status: str | None = None, span: tuple | None = None,
) -> Claim:  # fmt: skip
    """Change a claim from the annotator: speaker (None: unknown), kind, status or words.
    Its version moves; a stale `token` is refused as for mentions."""
    if span is not None:
        _lock_article(claim.article)  # the article first, as for mentions
    stored = _locked_current(claim, token)
    if speaker is not _UNCHANGED:
        stored.speaker = speaker
    if kind is not None:
        stored.kind = _known(kind, ClaimKind)
    if status is not None:
        stored.status = _known(status, Status)
    _respan(stored, span)
    stored.version += 1
    _as_edited_by(stored, user)
    stored.save()
    return stored
