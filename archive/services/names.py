"""Names the archive learns from its texts, as proposals an analyst accepts or rejects.

    names_learn          definitions in articles ("Rapid Support Forces (RSF)") -> proposals
    proposal_accept      a proposal becomes an alias ("learned"); its mentions are suggested
    proposal_reject      never proposed again; the suggestions it caused are rejected
    unknown_names        names that recur in public texts and belong to no entity
    unknown_name_adopt   an unknown name made an entity, or a spelling of one

A definition pairs a long form with a short one. When one side is a name the archive knows
(any alias, own names included, exact or as a variant spelling) and the other is not, the
other is proposed as a name of the same entity. A proposed name counts as known for the next
definition, so chains go through (FSR -> Forces de soutien rapide -> RSF -> Rapid Support
Forces) whatever the order the articles come in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from archive.models import (
    Alias,
    AliasOrigin,
    Article,
    Entity,
    Mention,
    NameProposal,
    ProposalOrigin,
    ProposalStatus,
    Status,
)
from archive.reads.names import EXACT, VARIANT, resolve_name
from archive.services.suggestions import suggest_from_proposals, suggest_mentions
from archive.text.arabic import is_arabic
from archive.text.candidates import candidate_names, group_key
from archive.text.definitions import FUNCTION_WORDS, find_definitions
from archive.text.normalize import normalize
from archive.text.short_forms import acronym
from archive.text.variants import phrase_key

EVIDENCE = 5  # places kept per proposal
SENTENCE = 400  # characters kept of a sentence
CHUNK = 500


def _stream(articles: Iterable[Article], *fields: str) -> Iterator[Article]:
    if hasattr(articles, "iterator"):  # a queryset: stream it, only what is read
        return articles.select_related(None).only("id", *fields).iterator(chunk_size=CHUNK)
    return iter(articles)


class _Names:
    """Which entity a name stands for: the archive's names (resolve_name, exact or variant,
    among every entity), else the open proposals, looked up once per name."""

    def __init__(self):
        self.cache: dict[str, int | None] = {}
        self.proposed: dict[str, int] = {}  # normalized name or "key:" variant key -> entity

    def known(self, name: str) -> int | None:
        if name not in self.cache:
            found = [
                m
                for m in resolve_name(name, limit=5, fuzzy=False, among=Entity.objects.all())
                if m.how in (EXACT, VARIANT)
            ]
            # Two entities with that name: which one is meant cannot be told.
            self.cache[name] = found[0].entity.pk if len(found) == 1 else None
        return self.cache[name]

    def proposal(self, name: str) -> int | None:
        key = phrase_key(name)
        return self.proposed.get(normalize(name)) or (
            self.proposed.get("key:" + key) if key else None
        )

    def propose(self, name: str, entity_id: int) -> None:
        self.proposed.setdefault(normalize(name), entity_id)
        key = phrase_key(name)
        if key:
            self.proposed.setdefault("key:" + key, entity_id)


@dataclass
class _Seen:
    count: int = 0
    evidence: list[dict] = field(default_factory=list)


@dataclass
class LearnResult:
    definitions: int = 0
    proposed: int = 0  # proposals made
    updated: int = 0  # proposals seen again
    suggested: int = 0  # mentions suggested with proposed names


def names_learn(*, articles: Iterable[Article], recount: bool = False, suggest: bool = True):
    """Propose the names the articles define (see the module docstring); return a
    LearnResult. Counts and evidence add to what earlier runs found; `recount` (a run over
    the whole archive) sets the counts to what this run found instead. A rejected proposal
    is never made again. With `suggest`, the articles then get suggestions (marked) from the
    proposals they made or saw again; the other open ones are in every matcher already
    (build_matcher), and `learn_names` suggests with all of them."""
    result = LearnResult()
    found: list[tuple[int, str, str, str, str]] = []  # article, language, long, short, sentence
    ids: list[int] = []
    for article in _stream(articles, "body", "language"):
        if suggest:
            ids.append(article.pk)
        for d in find_definitions(article.body, article.language):
            long, short = d.long.strip(), d.short.strip()
            if long and short and normalize(long) != normalize(short):
                found.append((article.pk, article.language, long, short, d.sentence[:SENTENCE]))
    result.definitions = len(found)
    names = _Names()
    existing = {
        (p.entity_id, p.name, p.language): p
        for p in NameProposal.objects.filter(entity__isnull=False)
    }
    for (entity_id, name, _language), p in existing.items():
        if p.status == ProposalStatus.PROPOSED:
            names.propose(name, entity_id)
    seen: dict[tuple[int, str, str], _Seen] = {}
    todo = found
    while todo:  # again while a new proposal makes another definition resolvable
        left = []
        for row in todo:
            article_id, language, long, short, sentence = row
            known = {name: names.known(name) for name in (long, short)}
            if all(known.values()):
                continue  # both names of the archive: nothing to learn
            entities = {known[name] or names.proposal(name) for name in (long, short)} - {None}
            if not entities:
                left.append(row)  # perhaps once another definition is read
                continue
            if len(entities) > 1:
                continue  # the two sides name different entities
            (entity_id,) = entities
            # Each side the archive has no alias for (a proposal seen again counts again).
            for name in (long, short):
                if known[name]:
                    continue
                key = (entity_id, name, language)
                if key in existing and existing[key].status == ProposalStatus.REJECTED:
                    continue
                names.propose(name, entity_id)
                s = seen.setdefault(key, _Seen())
                s.count += 1
                if len(s.evidence) < EVIDENCE:
                    s.evidence.append({"article": article_id, "sentence": sentence})
        if len(left) == len(todo):
            break
        todo = left
    touched: list[int] = []
    with transaction.atomic():
        for (entity_id, name, language), s in seen.items():
            p = existing.get((entity_id, name, language))
            if p is None:
                # get_or_create: a concurrent run may have made it meanwhile.
                p, made = NameProposal.objects.get_or_create(
                    entity_id=entity_id,
                    name=name,
                    language=language,
                    defaults={
                        "origin": ProposalOrigin.DEFINITION,
                        "count": s.count,
                        "evidence": s.evidence,
                    },
                )
                touched.append(p.pk)
                if made:
                    result.proposed += 1
                    continue
            if p.status == ProposalStatus.REJECTED:
                continue
            p.count = s.count if recount else p.count + s.count
            places = {e.get("article") for e in p.evidence}
            p.evidence = (p.evidence + [e for e in s.evidence if e["article"] not in places])[
                :EVIDENCE
            ]
            p.save(update_fields=["count", "evidence", "updated"])
            touched.append(p.pk)
            result.updated += 1
    if suggest and ids and touched:
        # Only the proposals these articles made or saw again: the importer's matcher had
        # the other open ones already (build_matcher), so a run that proposes nothing does
        # not match its articles twice.
        result.suggested = suggest_from_proposals(
            Article.objects.filter(pk__in=ids),
            proposals=NameProposal.objects.filter(pk__in=touched, status=ProposalStatus.PROPOSED),
        )
    return result


def _containing(name: str):
    """Articles whose text may hold `name` (its normalized form, an Arabic name without
    its article, which a proclitic may have fused: للحكومة)."""
    needle = normalize(name)
    if is_arabic(name) and needle.startswith("ال") and len(needle) > 4:
        needle = needle[2:]
    return Article.objects.filter(body_search__contains=needle)


@transaction.atomic
def proposal_accept(*, proposal: NameProposal, user=None) -> int:
    """The proposed name becomes an alias of its entity (origin "learned"); its mentions
    across the archive are suggested and the ones it suggested already lose their mark.
    Return how many mentions were suggested."""
    proposal = NameProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.entity_id is None:
        raise ValueError("A proposal without an entity cannot be accepted as an alias.")
    Alias.objects.get_or_create(
        entity_id=proposal.entity_id,
        name=proposal.name,
        language=proposal.language,
        defaults={"origin": AliasOrigin.LEARNED},
    )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.save(update_fields=["status", "updated"])
    Mention.objects.filter(proposal=proposal).update(proposal=None)
    return suggest_mentions(_containing(proposal.name), user=user)


@transaction.atomic
def proposal_reject(*, proposal: NameProposal, user=None) -> int:
    """Reject the proposal (never proposed again) and the suggestions it caused; return how
    many suggestions were rejected."""
    from archive.services.annotations import mentions_review

    proposal = NameProposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = ProposalStatus.REJECTED
    proposal.save(update_fields=["status", "updated"])
    caused = list(Mention.objects.filter(proposal=proposal, status=Status.SUGGESTED))
    if caused:
        mentions_review(mentions=caused, status=Status.REJECTED, user=user)
    return len(caused)


# --- unknown names --------------------------------------------------------------------


@dataclass
class UnknownName:
    name: str  # the most frequent spelling
    language: str  # of the articles it is most often found in
    count: int
    articles: list[str]  # slugs, first few
    spellings: list[str]  # most frequent first
    article_count: int = 0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "language": self.language,
            "count": self.count,
            "article_count": self.article_count,
            "articles": self.articles,
            "spellings": self.spellings,
        }


MAX_SLUGS = 20
MAX_IDS = 200  # articles remembered per name, to tell a surname from a name of its own


@dataclass
class _Group:
    count: int = 0
    spellings: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    articles: int = 0
    slugs: list[str] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    last: int | None = None

    @property
    def complete(self) -> bool:  # every article it is in is in `ids`
        return self.articles <= MAX_IDS

    def absorb(self, other: _Group) -> None:
        self.count += other.count
        self.spellings.update(other.spellings)
        self.languages.update(other.languages)
        both = self.ids | other.ids
        if self.complete and other.complete:
            self.articles = len(both)
        else:
            self.articles = max(self.articles, other.articles, len(both))
        self.ids = set(sorted(both)[:MAX_IDS]) if len(both) > MAX_IDS else both
        self.slugs += [slug for slug in other.slugs if slug not in self.slugs]
        del self.slugs[MAX_SLUGS:]


def _known_names() -> tuple[set[str], set[str]]:
    """The normalized form and variant key of every alias and every entity's own names
    (Entity.own_names, whether or not their alias rows are there yet), streamed."""
    normalized, keys = set(), set()
    for norm, key in Alias.objects.values_list("normalized", "variant_key").iterator(
        chunk_size=5000
    ):
        normalized.add(norm)
        if key:
            keys.add(key)
    for entity in Entity.objects.only("pk", "name", "name_ar").iterator(chunk_size=5000):
        for name, _language in entity.own_names():
            normalized.add(normalize(name))
            key = phrase_key(name)
            if key:
                keys.add(key)
    return normalized, keys


def _acronyms(groups: dict[str, _Group]) -> set[tuple[str, str]]:
    """Pairs of group keys an acronym makes one name: UAE and United Arab Emirates, when
    one group only has a name of those initials (short_forms.acronym, any kind)."""
    long: dict[str, set[str]] = {}
    for key, group in groups.items():
        for spelling in group.spellings:
            initials = acronym(spelling, "organization")
            if initials:
                long.setdefault(initials, set()).add(key)
    pairs = set()
    for key, group in groups.items():
        for spelling in group.spellings:
            found = long.get(spelling) if spelling.isupper() and spelling.isalpha() else None
            if found and len(found) == 1 and key not in found:
                pairs.add((next(iter(found)), key))
    return pairs


def _find(parent: dict[str, str], key: str) -> str:
    while parent.get(key, key) != key:
        parent[key] = parent.get(parent[key], parent[key])
        key = parent[key]
    return key


def _merged(groups: dict[str, _Group], same: set[tuple[str, str]]) -> list[_Group]:
    """The groups after two merges. A definition says its two sides are one name (Southern
    Transitional Council (STC)). A one-word name seen only in articles that also hold a
    longer name ending with it is that name's surname (Grundberg after Hans Grundberg), as
    the matcher reads a surname only after the full name."""
    parent: dict[str, str] = {}
    for a, b in same:
        if a in groups and b in groups:
            ra, rb = _find(parent, a), _find(parent, b)
            if ra != rb:
                parent[rb] = ra
    roots: dict[str, _Group] = {}
    for key, group in groups.items():
        root = _find(parent, key)
        if root in roots:
            roots[root].absorb(group)
        else:
            roots[root] = group
    by_last: dict[str, list[_Group]] = {}
    for group in roots.values():
        for spelling in group.spellings:
            words = spelling.split()
            # A person's name, not an institution's (Conseil de transition du Sud).
            if len(words) > 1 and not FUNCTION_WORDS & {normalize(w) for w in words}:
                last = group_key(words[-1])
                if last and group not in by_last.setdefault(last, []):
                    by_last[last].append(group)

    def words(group: _Group) -> int:
        return max(len(s.split()) for s in group.spellings)

    kept = []
    for key, group in roots.items():
        if group.spellings and group.complete:
            longer = [
                g
                for g in by_last.get(key, [])
                if g is not group and g.complete and group.ids <= g.ids and words(g) > words(group)
            ]
            if longer:
                max(longer, key=lambda g: (g.articles, g.count)).absorb(group)
                continue
        kept.append(group)
    return kept


def unknown_names(
    *,
    language: str | None = None,
    limit: int | None = 100,
    min_count: int = 2,
    newest: int | None = None,
) -> list[UnknownName]:
    """Names that recur in the public articles (`candidate_names`) and that no entity has
    (no alias, own name or spelling of one: same normalized form or variant key), grouped
    across spellings and scripts (`group_key`), with the two sides of a definition and a
    surname with its full name, most useful first: found in the most articles, then most
    often. Articles are streamed; what is kept is one small row per distinct name. `newest`
    reads only that many of the newest articles (a page cannot wait for the whole archive)."""
    groups: dict[str, _Group] = {}
    same: set[tuple[str, str]] = set()
    articles = Article.objects.public().order_by("pk")
    if language:
        articles = articles.filter(language=language)
    if newest:
        last = articles.order_by("-pk").values_list("pk", flat=True)[:newest]
        articles = Article.objects.filter(pk__in=list(last)).order_by("pk")
    for article in _stream(articles, "slug", "body", "language"):
        for candidate in candidate_names(article.body, article.language):
            key = group_key(candidate.name)
            if not key:
                continue
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group()
            g.count += 1
            g.spellings[candidate.name] += 1
            g.languages[article.language] += 1
            if g.last != article.pk:
                g.last = article.pk
                g.articles += 1
                if len(g.ids) < MAX_IDS:
                    g.ids.add(article.pk)
                if len(g.slugs) < MAX_SLUGS:
                    g.slugs.append(article.slug)
        for d in find_definitions(article.body, article.language):
            a, b = group_key(d.long), group_key(d.short)
            if a and b and a != b:
                same.add((a, b))
    same |= _acronyms(groups)
    normalized, keys = _known_names()

    def known(spelling: str) -> bool:
        key = phrase_key(spelling)
        return normalize(spelling) in normalized or bool(key and key in keys)

    ranked = sorted(
        (g for g in _merged(groups, same) if g.count >= min_count),
        key=lambda g: (-g.articles, -g.count, g.spellings.most_common(1)[0][0]),
    )
    rows: list[UnknownName] = []
    for g in ranked:
        spellings = [s for s, _ in g.spellings.most_common()]
        if any(known(s) for s in spellings):
            continue
        rows.append(
            UnknownName(
                name=spellings[0],
                language=g.languages.most_common(1)[0][0],
                count=g.count,
                articles=g.slugs,
                spellings=spellings,
                article_count=g.articles,
            )
        )
        if limit and len(rows) >= limit:
            break
    return rows


@transaction.atomic
def unknown_name_adopt(
    *,
    name: str,
    spellings: list[str],
    kind: str = "",
    entity: Entity | None = None,
    language: str = "en",
) -> Entity:
    """Make an entity named `name` (of `kind`) with its `spellings` as aliases, or (given
    `entity`) add the spellings to that entity. A spelling in Arabic script is an Arabic
    name; the others are in `language` (undetermined, "und", when that is Arabic). Return
    the entity."""
    from archive.services.entities import check_name, entity_create

    spellings = list(dict.fromkeys(s.strip() for s in [name, *spellings] if s and s.strip()))
    if not spellings:
        raise ValidationError(_("A name is needed."))

    def language_of(spelling: str) -> str:
        if is_arabic(spelling):
            return "ar"
        return language if language != "ar" else "und"  # a Latin spelling in Arabic texts

    if entity is None:
        entity = entity_create(
            name=spellings[0], kind=kind, words=spellings[0], language=language_of(spellings[0])
        )
    for spelling in spellings:
        check_name(spelling, _("The alias %(alias)s") % {"alias": repr(spelling[:40])})
        Alias.objects.get_or_create(
            entity=entity,
            name=spelling,
            language=language_of(spelling),
            defaults={"origin": AliasOrigin.ANALYST},
        )
    return entity


__all__ = [
    "LearnResult",
    "UnknownName",
    "names_learn",
    "proposal_accept",
    "proposal_reject",
    "unknown_name_adopt",
    "unknown_names",
]
