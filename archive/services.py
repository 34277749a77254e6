"""Writes that touch several rows or models: annotation, review, propagation, entity merge.

Each is a keyword-only, typed function named <thing>_<action>. Callers (the admin, its
JSON endpoints, commands) hold no business rules of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from archive.alignment import align_articles
from archive.models import (
    Alias,
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    EntityKind,
    EntityMerge,
    Mention,
    MentionRole,
    Status,
)
from archive.text.align import paragraph_spans
from archive.text.matcher import AliasEntry, Matcher
from archive.text.normalize import normalize

# --- paragraphs and alignment -------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int  # offset of the paragraph's first character in the body
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def body_paragraphs(body: str) -> list[Paragraph]:
    """The body's paragraphs with their offsets: the split the alignment uses
    (archive.text.align.paragraph_spans), so paragraph indexes agree with it."""
    return [
        Paragraph(index, start, body[start:end])
        for index, (start, end) in enumerate(paragraph_spans(body))
    ]


def _aligned(left: Article, right: Article) -> list[tuple[list[int], list[int]]]:
    """Paragraph pairs (left indexes, right indexes) of two articles."""
    # Entity anchors help only where both sides are annotated; an entity tagged on one
    # side alone (exactly the case propagation is for) would pull the pairing apart.
    sides = [
        list(Mention.objects.visible().filter(article=a).only("start", "entity_id"))
        for a in (left, right)
    ]
    shared = {m.entity_id for m in sides[0]} & {m.entity_id for m in sides[1]}
    left_m, right_m = ([m for m in side if m.entity_id in shared] for side in sides)
    pairs = align_articles(left, right, left_mentions=left_m, right_mentions=right_m)
    return [(list(p.left), list(p.right)) for p in pairs]


def article_translations(article: Article) -> list[Article]:
    """The article's original and every other translation of that original (not itself)."""
    root_id = article.translation_of_id or article.pk
    return list(
        Article.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id)).exclude(pk=article.pk)
    )


# --- mentions -----------------------------------------------------------------------------

NAME_MAX = 300  # Entity.name, Alias.name and Alias.normalized


class StaleEdit(ValidationError):
    """The row changed since the page that sent this write was loaded."""


def edit_token(obj: Mention | Claim) -> str:
    """The stale-edit marker a page holds for a row: Claim.version, a mention's `updated`.

    Every write path moves it: save() (auto_now), and the bulk ones set `updated` (or bump
    `version`) themselves, since bulk_update never runs a field's pre_save.
    """
    return str(obj.version) if isinstance(obj, Claim) else obj.updated.isoformat()


def _check_span(article: Article, start: int, end: int, text: str) -> None:
    if not (0 <= start < end <= len(article.body)):
        raise ValidationError(f"The span {start}–{end} is outside the article's text.")
    found = article.body[start:end]
    if found != text:
        raise ValidationError(f"The text at {start}–{end} reads {found!r}, not {text!r}.")


def _lock_article(article: Article) -> None:
    """Serialize annotation writes on one article (identical double submits above all) and
    check spans against the body as it is now. FOR NO KEY UPDATE: rows that merely point at
    the article (mentions of other requests, propagation) are not blocked."""
    current = (
        Article.objects.select_for_update(no_key=True).only("body").filter(pk=article.pk).first()
    )
    if current is None:
        raise ValidationError("That article no longer exists.")
    article.body = current.body


def check_name(name: str, what: str = "A name") -> str:
    """A name fit for Entity.name and Alias.name/normalized, or a ValidationError."""
    if len(name) > NAME_MAX:
        raise ValidationError(f"{what} is too long: at most {NAME_MAX} characters.")
    if len(normalize(name)) > NAME_MAX:
        raise ValidationError(
            f"{what} is too long once normalized for matching (some characters, such as "
            f"ligatures, expand): at most {NAME_MAX} characters."
        )
    return name


def entity_create(*, name: str, kind: str, aliases: list[tuple[str, str]]) -> Entity:
    """A new entity with a unique slug and its aliases [(name, language)]."""
    name = name.strip()
    if not name:
        raise ValidationError("A new entity needs a name.")
    if kind not in EntityKind.values:
        raise ValidationError(f"Unknown entity kind {kind!r}.")
    check_name(name, "The entity's name")
    aliases = [(a.strip(), lang) for a, lang in aliases]
    for alias_name, _language in aliases:
        check_name(alias_name, f"The alias {alias_name[:40]!r}")
    base = slugify(name, allow_unicode=True)[:180] or "entity"
    slug, n = base, 1
    for _attempt in range(20):
        while Entity.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        entity = Entity(name=name, kind=kind, slug=slug)
        entity.full_clean()
        try:
            with transaction.atomic():  # a savepoint: another request may take the slug
                entity.save()
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError("Could not find a free slug for the new entity; try again.")
    for alias_name, language in dict.fromkeys(aliases):
        if alias_name:
            Alias.objects.get_or_create(entity=entity, name=alias_name, language=language)
    return entity


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
) -> Mention:
    """Tag words of the body as a mention; a confirmed one is proposed in translations.

    Idempotent: the same entity at the same span returns the mention already there (with
    `was_created` False), also when two identical requests arrive at once.
    """
    _lock_article(article)
    _check_span(article, start, end, text)
    if role not in MentionRole.values:
        raise ValidationError(f"Unknown role {role!r}.")
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
    if propagate and status == Status.CONFIRMED:
        annotations_propagate(mentions=[mention], user=user)
    return mention


@transaction.atomic
def mention_create_with_entity(
    *,
    article: Article,
    name: str,
    kind: str,
    aliases: list[tuple[str, str]],
    start: int,
    end: int,
    text: str,
    role: str = MentionRole.OTHER,
    user=None,
) -> Mention:
    """Make a new entity and tag the words as its mention: all or nothing, so a refused tag
    leaves no entity (nor an alias the matcher would use) behind. Sent twice, the second
    call returns the first's mention instead of making a second entity."""
    _lock_article(article)
    _check_span(article, start, end, text)
    existing = (
        Mention.objects.filter(
            article=article, start=start, end=end, entity__name=name.strip(), entity__kind=kind
        )
        .select_related("entity")
        .first()
    )
    if existing is not None:
        return mention_create(
            article=article, entity=existing.entity, start=start, end=end, text=text,
            role=role, user=user,
        )  # fmt: skip
    entity = entity_create(name=name, kind=kind, aliases=aliases)
    return mention_create(
        article=article, entity=entity, start=start, end=end, text=text, role=role, user=user
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
        raise ValidationError(f"Cannot set status {status!r}.")
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
            f"{len(stale)} of these mentions changed since the page was loaded. Nothing was "
            "saved: reload the page to see them as they are now."
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


# --- claims -------------------------------------------------------------------------------


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
) -> Claim:
    """Record a claim at words of the body; a confirmed one is proposed in translations."""
    _check_span(article, start, end, text)
    if kind not in ClaimKind.values:
        raise ValidationError(f"Unknown claim kind {kind!r}.")
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


# --- propagation to translations ----------------------------------------------------------

_QUOTE_RE = re.compile(r'"[^"\n]+"|“[^”\n]+”|«[^»\n]+»|„[^“\n]+“|‘[^’\n]+’')


def _quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quote marks excluded."""
    return [(m.start() + 1, m.end() - 1) for m in _QUOTE_RE.finditer(text)]


def _propagate_mention(mention: Mention, target: Article, user) -> int:
    direct, near = _neighbour_paragraphs(source=mention.article, target=target, start=mention.start)
    if not direct and not near:
        return 0
    entity = mention.entity
    entries = [
        AliasEntry(entity.pk, alias.name, entity.kind)
        for alias in entity.aliases.all()
        if alias.language == target.language
    ]
    if not entries:
        return 0
    existing = list(
        Mention.objects.filter(article=target, entity=entity).values_list(
            "entity_id", "start", "end"
        )
    )
    matcher = Matcher(entries)
    # The aligned paragraph first; its neighbours only when the name is not there, since
    # translations merge and split paragraphs and alignment without shared anchors can slip.
    found = [(p, m) for p in direct for m in matcher.find(p.text)]
    if not found:
        found = [(p, m) for p in near for m in matcher.find(p.text)]
    made = 0
    for paragraph, match in found:
        start, end = paragraph.start + match.start, paragraph.start + match.end
        if any(e == entity.pk and s < end and start < t for e, s, t in existing):
            continue  # already tagged here (in whatever status: a rejection stands)
        Mention.objects.create(
            article=target,
            entity=entity,
            start=start,
            end=end,
            text=target.body[start:end],
            role=mention.role,
            status=Status.SUGGESTED,
            created_by=user,
        )
        existing.append((entity.pk, start, end))
        made += 1
    return made


def _neighbour_paragraphs(*, source: Article, target: Article, start: int):
    """Target paragraphs aligned with the source paragraph holding `start` (direct), and
    those next to them or aligned with its two neighbours (near): translations merge and
    split paragraphs, so the counterpart words may sit next door."""
    src = next((p for p in body_paragraphs(source.body) if p.start <= start < p.end), None)
    if src is None:
        return [], []
    tgt = body_paragraphs(target.body)
    direct_ids: set[int] = set()
    near_ids: set[int] = set()
    for left, right in _aligned(source, target):
        if src.index in left:
            direct_ids.update(right)
        elif any(abs(i - src.index) == 1 for i in left):
            near_ids.update(right)
    near_ids.update(j + d for j in direct_ids for d in (-1, 1))
    near_ids -= direct_ids
    return (
        [tgt[i] for i in sorted(direct_ids) if 0 <= i < len(tgt)],
        [tgt[i] for i in sorted(near_ids) if 0 <= i < len(tgt)],
    )


def _propagate_claim(claim: Claim, target: Article, user) -> int:
    direct, near = _neighbour_paragraphs(source=claim.article, target=target, start=claim.start)
    if not direct and not near:
        return 0
    origin = claim.same_as or claim
    if Claim.objects.filter(article=target).filter(Q(same_as=origin) | Q(pk=origin.pk)).exists():
        return 0
    source_paragraph = next(
        p for p in body_paragraphs(claim.article.body) if p.start <= claim.start < p.end
    )
    inside_quote = any(
        s - 1 <= claim.start - source_paragraph.start
        and claim.end - source_paragraph.start <= e + 1
        for s, e in _quotes(source_paragraph.text)
    )
    if not inside_quote:
        return 0  # only quoted words have a counterpart we can find without guessing
    # Where the speaker is named in the translation (any alias in its language).
    speaker_at: list[tuple[int, int]] = []
    if claim.speaker_id:
        entries = [
            AliasEntry(claim.speaker_id, a.name, claim.speaker.kind)
            for a in claim.speaker.aliases.all()
            if a.language == target.language
        ]
        if entries:
            speaker_at = [(m.start, m.end) for m in Matcher(entries).find(target.body)]
    candidates = []
    for weight, paragraphs in ((1, direct), (0, near)):
        for p in paragraphs:
            named = any(p.start <= s < p.end for s, _ in speaker_at)
            for s, e in _quotes(p.text):
                candidates.append((weight + 2 * named, p.start + s, p.start + e))
    if not candidates:
        return 0
    best = max(score for score, _, _ in candidates)
    chosen = [(s, e) for score, s, e in candidates if score == best]
    if len(chosen) != 1:
        return 0  # ambiguous: propose nothing rather than the wrong words
    start, end = chosen[0]
    made = Claim.objects.create(
        article=target,
        start=start,
        end=end,
        text=target.body[start:end],
        speaker=claim.speaker,
        kind=claim.kind,
        date=claim.date,
        status=Status.SUGGESTED,
        same_as=origin,
        created_by=user,
    )
    bulk_create_with_history(
        [ClaimSubject(claim=made, entity_id=link.entity_id) for link in claim.subject_links.all()],
        ClaimSubject,
        default_user=user,
    )
    return 1


@transaction.atomic
def annotations_propagate(
    *, mentions: list[Mention] = (), claims: list[Claim] = (), user=None
) -> int:
    """Propose confirmed annotations, as suggestions, at the matching words of translations.

    A mention is proposed where the entity's aliases in the translation's language occur in
    the aligned paragraph; a claim where the aligned paragraph quotes the counterpart.
    Returns how many suggestions were made.
    """
    made = 0
    translations: dict[int, list[Article]] = {}
    for item in [*mentions, *claims]:
        if item.article_id not in translations:
            translations[item.article_id] = article_translations(item.article)
    for mention in mentions:
        for target in translations[mention.article_id]:
            made += _propagate_mention(mention, target, user)
    for claim in claims:
        for target in translations[claim.article_id]:
            made += _propagate_claim(claim, target, user)
    return made


# --- orphans ------------------------------------------------------------------------------


@transaction.atomic
def annotation_place(*, annotation: Mention | Claim, start: int, end: int, text: str, user=None):
    """Anchor an orphaned (or misplaced) annotation at new words of its article's body."""
    _lock_article(annotation.article)
    _check_span(annotation.article, start, end, text)
    taken = "That entity is already tagged at “{}”: delete this copy instead."
    if isinstance(annotation, Mention):
        twin = Mention.objects.filter(
            article_id=annotation.article_id, entity_id=annotation.entity_id, start=start, end=end
        ).exclude(pk=annotation.pk)
        if twin.exists():
            raise ValidationError(taken.format(text))
    annotation.start, annotation.end, annotation.text = start, end, text
    annotation.is_orphaned = False
    if isinstance(annotation, Claim):
        annotation.version += 1
    try:
        with transaction.atomic():  # a savepoint: the same words may be tagged meanwhile
            annotation.save()
    except IntegrityError:
        raise ValidationError(taken.format(text)) from None
    return annotation


# --- entity merge -------------------------------------------------------------------------


@transaction.atomic
def entity_merge(*, survivor: Entity, merged: Entity, user=None) -> EntityMerge:
    """Move every mention, claim, subject link and alias of `merged` to `survivor`, then
    delete `merged`. One transaction; recorded as an EntityMerge row."""
    if survivor.pk == merged.pk:
        raise ValidationError("An entity cannot be merged into itself.")
    # Lock both rows so two merges of the same entities cannot interleave.
    list(Entity.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]))

    survivor_spans = set(
        Mention.objects.filter(entity=survivor).values_list("article_id", "start", "end")
    )
    mentions = list(Mention.objects.filter(entity=merged))
    duplicates = [m for m in mentions if (m.article_id, m.start, m.end) in survivor_spans]
    moving = [m for m in mentions if (m.article_id, m.start, m.end) not in survivor_spans]
    now = timezone.now()
    for m in moving:
        m.entity, m.updated = survivor, now  # bulk_update skips auto_now: move the marker
    bulk_update_with_history(moving, Mention, ["entity", "updated"], default_user=user)
    for m in duplicates:  # the survivor already holds these very words
        m.delete()

    claims = list(Claim.objects.filter(speaker=merged))
    for c in claims:
        c.speaker = survivor
        c.version += 1
    bulk_update_with_history(claims, Claim, ["speaker", "version"], default_user=user)

    already = set(ClaimSubject.objects.filter(entity=survivor).values_list("claim_id", flat=True))
    links = list(ClaimSubject.objects.filter(entity=merged))
    moving_links = [link for link in links if link.claim_id not in already]
    for link in moving_links:
        link.entity = survivor
    bulk_update_with_history(moving_links, ClaimSubject, ["entity"], default_user=user)
    for link in links:
        if link.claim_id in already:
            link.delete()

    have = set(Alias.objects.filter(entity=survivor).values_list("name", "language"))
    aliases_moved = 0
    for alias in Alias.objects.filter(entity=merged):
        if (alias.name, alias.language) in have:
            continue
        alias.entity = survivor
        alias.save()
        have.add((alias.name, alias.language))
        aliases_moved += 1
    if (merged.name, "en") not in have:
        Alias.objects.create(entity=survivor, name=merged.name, language="en")

    record = EntityMerge.objects.create(
        survivor=survivor,
        merged_entity_id=merged.pk,
        merged_name=merged.name,
        merged_slug=merged.slug,
        merged_by=user if user is not None and user.is_authenticated else None,
        mentions_moved=len(moving),
        claims_moved=len(claims),
        subject_links_moved=len(moving_links),
        aliases_moved=aliases_moved,
    )
    # Earlier merges into the merged entity now point at the survivor too.
    EntityMerge.objects.filter(survivor=merged).update(survivor=survivor)
    merged.delete()
    return record


# --- article text -------------------------------------------------------------------------

# Spans being moved are first set this far aside (beyond any body: ARCHIVE_MAX_BODY_CHARS
# is far smaller, and start + ASIDE still fits PostgreSQL's integer), so that a mention
# taking the place another mention of its entity is leaving never meets it there: the
# unique (article, entity, start, end) constraint is checked row by row, not per statement.
_ASIDE = 2**30


@dataclass
class TextReplaced:
    """What article_text_replace did: the spans it moved and those it could not place."""

    article: Article
    changed: bool  # False: the body was the stored one (other fields were still saved)
    moved: list[Mention | Claim]
    orphaned: list[Mention | Claim]  # mentions first, then claims, each by position


def _replan(spans, old_body: str, body: str, taken: set | None) -> list[tuple]:
    """(span, (start, end, text) or None) for each span not already orphaned. `taken`
    (mentions only) holds the (entity, start, end) keys in use: a second mention of an
    entity found on words the first already took is orphaned, not doubled."""
    from archive.importing import reanchor  # the matching itself, pure text

    plan = []
    for span in spans:
        if span.is_orphaned:
            continue  # its old position means nothing in either text
        found = reanchor(old_body, body, span.start, span.end, span.text)
        if found is not None and taken is not None:
            key = (span.entity_id, found[0], found[1])
            if key in taken:
                found = None
            else:
                taken.add(key)
        plan.append((span, found))
    return plan


@transaction.atomic
def article_text_replace(
    *, article: Article, body: str, user=None, reason: str = "text replaced"
) -> TextReplaced:
    """Replace an article's body and move every mention and claim onto the same words.

    The one implementation behind the admin's article form and `import_articles --update`.
    `article` is saved as the caller left it (other changed fields included) with `body` as
    its text; sha256 and the search text follow the body (Article.save, pre_save). The old
    text stays in the article's history (recorded first if the article has none, as rows
    loaded from fixtures do). Each annotation is found again by its words and the words
    around them (archive.importing.reanchor: exact text chosen by context, else a fuzzy
    match); one that cannot be placed keeps its words, is flagged `is_orphaned`, and is
    shown nowhere public until an analyst places it again. History rows carry `user` and
    `reason`. One transaction, holding the article row against concurrent annotation.
    """
    from django.db.models import F

    stored = Article.objects.select_for_update(no_key=True).filter(pk=article.pk).first()
    if stored is None:
        raise ValidationError("That article no longer exists.")
    old_body = stored.body
    if not Article.history.filter(id=article.pk).exists():
        # Loaded from fixtures (raw saves make no history): record the old text first.
        Article.history.bulk_history_create([stored], update=False)
    article.body = body
    article._change_reason = reason
    if user is not None:
        article._history_user = user
    article.save()
    if old_body == article.body:
        return TextReplaced(article=article, changed=False, moved=[], orphaned=[])
    body = article.body

    mentions = list(
        Mention.objects.select_for_update().filter(article=article).order_by("start", "pk")
    )
    claims = list(Claim.objects.select_for_update().filter(article=article).order_by("start", "pk"))
    taken = {(m.entity_id, m.start, m.end) for m in mentions if m.is_orphaned}
    mention_plan = _replan(mentions, old_body, body, taken)
    claim_plan = _replan(claims, old_body, body, None)

    # An orphan keeps the position its words had; should a placed mention of its entity
    # now hold exactly that span, it slides to the next free start (it is a duplicate).
    final: dict[int, tuple] = {}
    for span, found in mention_plan:
        if found is None:
            start = span.start
            while (span.entity_id, start, start + len(span.text)) in taken:
                start += 1
            taken.add((span.entity_id, start, start + len(span.text)))
            found = (start, start + len(span.text), span.text)
        final[span.pk] = found
    moving = [m.pk for m, _ in mention_plan if final[m.pk][:2] != (m.start, m.end)]
    if moving:
        Mention.objects.filter(pk__in=moving).update(
            start=F("start") + _ASIDE, end=F("end") + _ASIDE
        )

    result = TextReplaced(article=article, changed=True, moved=[], orphaned=[])
    for plan in (mention_plan, claim_plan):
        for span, found in plan:
            orphaned = found is None
            if isinstance(span, Mention):
                found = final[span.pk]
            elif orphaned:
                found = (span.start, span.end, span.text)
            if not orphaned and found == (span.start, span.end, span.text):
                continue  # the same words at the same place: nothing to record
            span.article = article  # the new body, for the span check on save
            span.start, span.end, span.text = found
            span.is_orphaned = orphaned
            if isinstance(span, Claim):
                span.version += 1  # an edit form opened before this is now stale
            span._change_reason = (
                "orphaned: its words are not in the new text"
                if orphaned
                else "re-anchored on the new text"
            )
            if user is not None:
                span._history_user = user
            span.save()
            (result.orphaned if orphaned else result.moved).append(span)
    return result
