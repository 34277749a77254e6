"""Entities: made on the spot from words of an article, merged when one has two rows, and
their own names kept as alias rows (so the matcher, search and filters find them)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from archive.models import (
    Alias,
    AliasOrigin,
    Claim,
    ClaimSubject,
    Entity,
    EntityKind,
    EntityMerge,
    EntityRedirect,
    Mention,
)
from archive.services.slugs import unique_slug
from archive.text.countries import territory_names, territory_of
from archive.text.normalize import normalize

NAME_MAX = 300  # Entity.name, Alias.name and Alias.normalized
SLUG_ATTEMPTS = 20


def check_name(name: str, what: str = "") -> str:
    """A name fit for Entity.name and Alias.name/normalized, or a ValidationError. `what`
    names it in the message, translated ("The entity's name"); "A name" by default."""
    what = what or _("A name")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("%(what)s is too long: at most %(max)s characters.") % {"what": what, "max": NAME_MAX}
        )
    if len(normalize(name)) > NAME_MAX:
        raise ValidationError(
            _(
                "%(what)s is too long once normalized for matching (some characters, such as "
                "ligatures, expand): at most %(max)s characters."
            )
            % {"what": what, "max": NAME_MAX}
        )
    return name


def entity_names_sync(*, entity: Entity) -> None:
    """Make the entity's "own" alias rows equal Entity.own_names(), and its "country" rows
    equal country_names(entity): add the missing ones, delete those of a name changed or
    cleared. Rows of any other origin are never touched; one with the same name and language
    already stands for the name (no twin is added; an own name stands for a country one).
    Call it after every write that creates or edits an entity."""
    own_wanted = _fit(entity.own_names())
    wanted = {
        AliasOrigin.OWN: own_wanted,
        AliasOrigin.COUNTRY: _fit(country_names(entity)) - own_wanted,
    }
    rows: dict[str, dict] = {origin: {} for origin in wanted}
    others = set()
    for alias in Alias.objects.filter(entity_id=entity.pk):
        if alias.origin in rows:
            rows[alias.origin][alias.name, alias.language] = alias
        else:
            others.add((alias.name, alias.language))
    for origin, have in rows.items():
        for key, alias in have.items():
            if key not in wanted[origin]:
                alias.delete()
    for origin, names in wanted.items():
        for name, language in sorted(names - others - rows[origin].keys()):
            try:
                with transaction.atomic():  # a savepoint: a concurrent sync may have made it
                    Alias.objects.create(entity=entity, name=name, language=language, origin=origin)
            except IntegrityError:
                continue


def _fit(names) -> set[tuple[str, str]]:
    # A name that cannot be an alias row stays out.
    return {(name, language) for name, language in names if len(normalize(name)) <= NAME_MAX}


def country_names(entity: Entity) -> list[tuple[str, str]]:
    """[(name, language)]: for a place whose name or Arabic name is a country's or territory's
    (CLDR, archive.text.countries), that territory's names in ARCHIVE_NAME_LANGUAGES."""
    if entity.kind != EntityKind.PLACE:
        return []
    code = territory_of(name for name, _language in entity.own_names())
    if code is None:
        return []
    return territory_names(code, settings.ARCHIVE_NAME_LANGUAGES)


def entity_create(*, name: str, kind: str, words: str, language: str) -> Entity:
    """A new entity for `words` of an article in `language`, with a unique slug.

    Its name is `name`, or the words themselves when no name is given. Its aliases: the
    words, in the article's language, and its own name (entity_names_sync: the annotator's
    form takes canonical names in English).
    """
    name = name.strip() or words.strip()
    if not name:
        raise ValidationError(_("A new entity needs a name."))
    if kind not in EntityKind.values:
        raise ValidationError(_("Unknown entity kind %(kind)s.") % {"kind": repr(kind)})
    check_name(name, _("The entity's name"))
    aliases = [(words.strip(), language)]
    if name != words:
        aliases.append((name, "en"))
    for alias_name, _language in aliases:
        check_name(alias_name, _("The alias %(alias)s") % {"alias": repr(alias_name[:40])})
    for _attempt in range(SLUG_ATTEMPTS):
        entity = Entity(name=name, kind=kind, slug=unique_slug(Entity, name, fallback="entity"))
        entity.full_clean()
        try:
            with transaction.atomic():  # a savepoint: another request may take the slug
                entity.save()
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError(_("Could not find a free slug for the new entity; try again."))
    words = aliases[0]
    if words[0] and words not in entity.own_names():
        Alias.objects.get_or_create(entity=entity, name=words[0], language=words[1])
    entity_names_sync(entity=entity)
    return entity


@transaction.atomic
def entity_merge(*, survivor: Entity, merged: Entity, user=None) -> EntityMerge:
    """Move every mention, claim, subject link and alias of `merged` to `survivor`, then
    delete `merged`. One transaction; recorded as an EntityMerge row and in both entities'
    history. The merged slug (and any slug that led to `merged`) now leads to `survivor`."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("An entity cannot be merged into itself."))
    # Lock both rows so two merges of the same entities cannot interleave.
    locked = {
        e.pk: e for e in Entity.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
    }
    if len(locked) != 2:
        raise ValidationError(
            _("One of these entities no longer exists (merged or deleted meanwhile).")
        )
    survivor, merged = locked[survivor.pk], locked[merged.pk]

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
        if alias.origin == AliasOrigin.OWN:  # the merged names stay names of the survivor
            alias.origin = AliasOrigin.ANALYST
        alias.save()
        have.add((alias.name, alias.language))
        aliases_moved += 1
    for name, language in merged.own_names():
        if (name, language) not in have:
            Alias.objects.create(entity=survivor, name=name, language=language)
            have.add((name, language))

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
    # Old addresses lead on: the merged slug, and those that led to it (a chain a→b→c).
    EntityRedirect.objects.filter(entity=merged).update(entity=survivor)
    EntityRedirect.objects.update_or_create(
        old_slug=merged.slug, defaults={"entity": survivor, "old_kind": merged.kind}
    )
    # history_change_reason holds 100 characters.
    for entity, reason in [
        (survivor, f"Merged {merged.name} ({merged.slug}) into this entity"),
        (merged, f"Merged into {survivor.name} ({survivor.slug})"),
    ]:
        entity._change_reason = reason[:100]
        if user is not None and user.is_authenticated:
            entity._history_user = user
    survivor.save()
    merged.delete()
    entity_names_sync(entity=survivor)
    return record
