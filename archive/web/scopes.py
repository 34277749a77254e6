"""Scoped generations: what each page shows, and the writes that make it stale.

A cached page (archive/web/caching.py) is keyed on the generations of the scopes it shows,
not on one generation of the whole archive, so a new article makes stale only the pages it
changes. A scope is a name:

    article:<slug>   an article's page, side by side, alignment, annotations, API record
    entity:<slug>    an entity's page, its feed, its API record
    story:<slug>     a story's page
    lists            anything listing articles: home, the article list, search, dates,
                     sitemaps, the API's article list
    entities         the entity indexes (with their counts), search's entity cards, and the
                     names the filters resolve (aliases)
    claims           the claim list and each claim's page
    stories          the story list
    global           what cannot be scoped: an entity renamed or merged, an outlet edited,
                     a table truncated, a statement of more than GLOBAL_ROWS rows, a bulk
                     load; always read, by every page

`ROUTES` says which scopes each route shows, from the address's arguments (and, for the
API's details, whether a filter is asked); a route it does not name shows every broad scope
(`BROAD`), which every write that anyone may see moves.

The writes side is `triggers_sql()`: statement-level triggers with transition tables on
every archive table queue the scopes the statement touched, whichever path wrote (the admin,
QuerySet.update(), the annotator, the importer, raw SQL). The queue is a table
(archive_generation_pending) that rows are only ever inserted into, so writers never wait
for each other there; a deferred constraint trigger moves the queued scopes' generations at
commit, in one statement, in the scopes' order. So a scope's row is locked only while its
transaction commits (no writer queues behind a long import), and no two commits can
deadlock on them. `global` is the old one-row archive_generation, which bulk loaders still
move by hand.

A generation's value comes from archive_generation_seq (never twice, even after a
rollback) and becomes visible when the data does, at commit, on the primary and replicas.
Until its commit, a transaction sees its own queued scopes: the reader adds the newest
queued row per scope when its transaction has written (never the case for a public GET,
but the case of a test's transaction), so a write shows at once inside it too.

Migration 0019_scoped_generations installed the triggers from its frozen copy
(archive/migrations/frozen/generations_0019.py); tests/test_cache_scopes.py checks that
the database runs what `triggers_sql()` writes now, and that every public route is here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping

# A statement writing more rows than this moves `global` rather than each row's scopes: a
# bulk edit empties the cache once, and its trigger does not write a row per row it wrote.
GLOBAL_ROWS = 1000

# Every scope a write anyone may see moves (but global): a page that declares nothing.
BROAD = ("lists", "entities", "claims", "stories")
LISTS = ("lists", "entities")  # a list may filter by a name, which aliases resolve
# API detail parameters that are not filters: a detail asked with any other is looked up in
# a filtered list (DRF's get_object), which may resolve a name or an outlet.
NOT_FILTERS = frozenset({"format", "expand"})


def _article(kwargs, _query) -> list[str]:
    return [f"article:{kwargs['slug']}"]


def _pair(kwargs, _query) -> list[str]:
    return [f"article:{kwargs['slug']}", f"article:{kwargs['other']}"]


def _entity(kwargs, _query) -> list[str]:
    return [f"entity:{kwargs['slug']}"]


def _filtered(detail: Callable) -> Callable:
    def scopes(kwargs, query) -> list[str]:
        found = detail(kwargs, query)
        if set(query or ()) - NOT_FILTERS:
            found += [*LISTS]
        return found

    return scopes


def _fixed(*names: str) -> Callable:
    return lambda _kwargs, _query: list(names)


ROUTES: dict[str, Callable[[Mapping, Mapping], list[str]]] = {
    "robots_txt": _fixed(),
    "sitemap_index": _fixed(*LISTS),
    "django.contrib.sitemaps.views.sitemap": _fixed(*LISTS),
    "archive:home": _fixed(*LISTS),
    "archive:article_list": _fixed(*LISTS),
    "archive:article_detail": _article,
    "archive:article_compare": _pair,
    "archive:article_text": _article,
    "archive:search": _fixed(*LISTS),
    "archive:search_feed": _fixed(*LISTS),
    "archive:claims": _fixed("claims", "entities"),
    "archive:claim_detail": _fixed("claims", "entities"),
    "archive:stories": _fixed("stories"),
    "archive:story_detail": lambda kwargs, _q: [f"story:{kwargs['slug']}"],
    "archive:dates": _fixed("lists"),
    "archive:dates_undated": _fixed("lists"),
    "archive:dates_year": _fixed("lists"),
    "archive:dates_month": _fixed("lists"),
    "archive:dates_day": _fixed("lists"),
    "archive:api_schema": _fixed(),
    "archive:api_docs": _fixed(),
    "archive:api-root": _fixed(),
    "archive:api-article-list": _fixed(*LISTS),
    "archive:api-article-detail": _filtered(_article),
    "archive:api-article-alignment": _pair,
    "archive:api-article-annotations": _article,
    "archive:api-entity-list": _fixed("entities"),
    "archive:api-entity-detail": _filtered(_entity),
    "archive:api-claim-list": _fixed("claims", "entities"),
    "archive:api-claim-detail": _fixed("claims", "entities"),
}
KINDS = (("people", "person"), ("organizations", "organization"), ("places", "place"))
for _plural, _kind in KINDS:
    ROUTES[f"archive:{_plural}"] = _fixed("entities")
    ROUTES[f"archive:{_kind}_detail"] = _entity
    ROUTES[f"archive:{_kind}_feed"] = _entity


def scopes(view_name: str, kwargs: Mapping, query: Mapping | None = None) -> tuple[str, ...]:
    """The scopes the route `view_name` shows for these address arguments and (kept) query
    parameters, sorted; `global` is not among them: it is always read."""
    declared = ROUTES.get(view_name)
    try:
        found: Iterable[str] = declared(kwargs, query or {}) if declared else BROAD
    except KeyError:  # an argument the declaration expected is missing: be safe
        found = BROAD
    return tuple(sorted(set(found)))


# The writes -------------------------------------------------------------------------------


def _rows(op: str, columns: str) -> str:
    """The rows the statement wrote and removed (new and old versions of an update)."""
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append(f"SELECT {columns} FROM new_rows")
    if op in ("DELETE", "UPDATE"):
        parts.append(f"SELECT {columns} FROM old_rows")
    return " UNION ALL ".join(parts)


def _entities(ids_sql: str) -> str:
    return f"SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN ({ids_sql})"


def _articles(where: str) -> str:
    return f"SELECT 'article:' || a.slug FROM archive_article a WHERE {where}"


def _article_scopes(op: str, public) -> str:
    """An article's own page; once the public saw or sees the row (either version): the
    lists, its story, the articles that show it (its translations and story) and their
    stories, the entities whose pages list it, the claims' pages; a change of visibility
    moves the entities' counts."""
    related = """(
      SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.story_id IN (SELECT story_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.translation_of_id IN (
          SELECT id FROM shown UNION SELECT translation_of_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.id IN (SELECT translation_of_id FROM shown))"""
    named = """SELECT m.entity_id FROM archive_mention m
        WHERE m.article_id IN (SELECT id FROM shown)
      UNION SELECT c.speaker_id FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown)
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
        JOIN archive_claim c ON c.id = cs.claim_id WHERE c.article_id IN (SELECT id FROM shown)"""
    columns = f"id, slug, story_id, translation_of_id, {public('')} AS shown"
    sql = f"""WITH r AS ({_rows(op, columns)}),
    shown AS (SELECT * FROM r WHERE shown),
    related AS {related}
    SELECT 'article:' || slug FROM r
    UNION SELECT 'lists' FROM shown
    UNION SELECT 'stories' FROM shown WHERE story_id IS NOT NULL
    UNION SELECT 'article:' || slug FROM related
    UNION SELECT 'story:' || st.slug FROM archive_story st
      WHERE st.id IN (SELECT story_id FROM shown UNION SELECT story_id FROM related)
    UNION {_entities(named)}
    UNION SELECT 'claims' WHERE EXISTS (
      SELECT 1 FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown))"""
    if op == "UPDATE":
        sql += f"""
    UNION SELECT 'entities' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE {public("n")} <> {public("o")}"""
    return sql


def _span_articles(ids_sql: str, public) -> str:
    return (
        f"SELECT a.id, a.slug, {public('a')} AS shown FROM archive_article a "
        f"WHERE a.id IN ({ids_sql})"
    )


def _mention_scopes(op: str, public) -> str:
    """The article's page; the entity's page, and those of the entities named beside it
    (their co-mentions); while the article is public, the lists and the counts."""
    return f"""WITH r AS ({_rows(op, "article_id, entity_id")}),
    arts AS ({_span_articles("SELECT article_id FROM r", public)})
    SELECT 'article:' || slug FROM arts
    UNION {
        _entities(
            "SELECT entity_id FROM r UNION SELECT m.entity_id FROM archive_mention m "
            "WHERE m.article_id IN (SELECT id FROM arts WHERE shown)"
        )
    }
    UNION SELECT unnest(ARRAY['lists', 'entities']) WHERE EXISTS (SELECT 1 FROM arts WHERE shown)"""


def _claim_scopes(op: str, public) -> str:
    """The article's page, the claims' pages, the speaker's and subjects' pages; while the
    article is public, the counts (and whether an entity is public)."""
    return f"""WITH r AS ({_rows(op, "id, article_id, speaker_id")}),
    arts AS ({_span_articles("SELECT article_id FROM r", public)})
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION {
        _entities(
            "SELECT speaker_id FROM r UNION SELECT cs.entity_id FROM archive_claimsubject cs "
            "WHERE cs.claim_id IN (SELECT id FROM r)"
        )
    }
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)"""


def _claimsubject_scopes(op: str, public) -> str:
    articles = "SELECT c.article_id FROM archive_claim c WHERE c.id IN (SELECT claim_id FROM r)"
    return f"""WITH r AS ({_rows(op, "claim_id, entity_id")}),
    arts AS ({_span_articles(articles, public)})
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION {_entities("SELECT entity_id FROM r")}
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)"""


def _entity_scopes(op: str, _public) -> str:
    """A new entity is on no public page until it is named; an edit moves its page and the
    indexes, and a new name, spelling, address or kind moves everything (every page that
    names it); a deleted one, everything."""
    if op == "INSERT":
        return "SELECT 'entity:' || slug FROM new_rows"
    if op == "DELETE":
        return "SELECT 'global'"
    shown = "(x.name, x.name_ar, x.slug, x.kind)"
    return f"""SELECT 'entity:' || slug FROM ({_rows(op, "slug")}) r
    UNION SELECT 'entities'
    UNION SELECT 'global' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE {shown.replace("x.", "n.")} IS DISTINCT FROM {shown.replace("x.", "o.")}"""


def _alias_scopes(op: str, _public) -> str:
    """The entity's page, and the indexes, search's cards and the filters' name look-ups."""
    return f"""{_entities(f"SELECT entity_id FROM ({_rows(op, 'entity_id')}) r")}
    UNION SELECT 'entities'"""


def _source_scopes(op: str, _public) -> str:
    """An outlet is on no page until one of its articles is public (which moves the lists);
    its name, address or country shows beside each of its articles: an edit moves
    everything."""
    if op == "DELETE":
        return "SELECT 'global'"
    shown = "(x.name, x.slug, x.url, x.country, x.language)"
    return f"""SELECT 'global' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE {shown.replace("x.", "n.")} IS DISTINCT FROM {shown.replace("x.", "o.")}"""


def _story_scopes(op: str, public) -> str:
    """The story's page and the story list; an edit, also its articles' pages and records
    (which name the story) and, if one is public, the lists."""
    sql = f"""WITH r AS ({_rows(op, "id, slug")})
    SELECT 'story:' || slug FROM r
    UNION SELECT 'stories'"""
    if op != "INSERT":
        sql += f"""
    UNION {_articles("a.story_id IN (SELECT id FROM r)")}
    UNION SELECT 'lists' WHERE EXISTS (
      SELECT 1 FROM archive_article a WHERE a.story_id IN (SELECT id FROM r) AND {public("a")})"""
    return sql


# table: (what makes its scopes, the operations that have a trigger)
_MAKERS = {
    "article": (_article_scopes, ("INSERT", "UPDATE", "DELETE")),
    "mention": (_mention_scopes, ("INSERT", "UPDATE", "DELETE")),
    "claim": (_claim_scopes, ("INSERT", "UPDATE", "DELETE")),
    "claimsubject": (_claimsubject_scopes, ("INSERT", "UPDATE", "DELETE")),
    "entity": (_entity_scopes, ("INSERT", "UPDATE", "DELETE")),
    "alias": (_alias_scopes, ("INSERT", "UPDATE", "DELETE")),
    "source": (_source_scopes, ("UPDATE", "DELETE")),
    "story": (_story_scopes, ("INSERT", "UPDATE", "DELETE")),
}
# Every write to these moves `global`: merges and the redirects they leave.
_GLOBAL_TABLES = ("entitymerge", "entityredirect")
_REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    "DELETE": "OLD TABLE AS old_rows",
}

# The queue, its flush at commit, and `global` for what has no transition table.
_COMMON = """
CREATE OR REPLACE FUNCTION archive_generations_queue(scopes text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  IF coalesce(cardinality(scopes), 0) = 0 THEN RETURN; END IF;
  INSERT INTO archive_generation_pending (xact, scope)
    SELECT DISTINCT txid_current(), s FROM unnest(scopes) s WHERE s <> '';
  -- One marker per transaction: its deferred trigger moves everything queued, at commit.
  IF current_setting('archive.generations_queued', true) IS DISTINCT FROM txid_current()::text
  THEN
    PERFORM set_config('archive.generations_queued', txid_current()::text, true);
    INSERT INTO archive_generation_pending (xact, scope) VALUES (txid_current(), '');
  END IF;
END $fn$;

CREATE OR REPLACE FUNCTION archive_generations_flush() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  bumped text[];
BEGIN
  -- A write after this (SET CONSTRAINTS ... IMMEDIATE fires it at a statement's end)
  -- queues a marker of its own.
  PERFORM set_config('archive.generations_queued', '', true);
  WITH done AS (
    DELETE FROM archive_generation_pending WHERE xact = NEW.xact RETURNING scope)
  SELECT array_agg(DISTINCT scope) INTO bumped FROM done WHERE scope <> '';
  IF bumped IS NULL THEN
    RETURN NULL;
  END IF;
  IF 'global' = ANY(bumped) THEN
    UPDATE archive_generation SET value = nextval('archive_generation_seq') WHERE id = 1;
  END IF;
  INSERT INTO archive_generation_scope (scope, value)
    SELECT s, nextval('archive_generation_seq') FROM unnest(bumped) s
    WHERE s <> 'global' ORDER BY s
  ON CONFLICT (scope) DO UPDATE SET value = excluded.value;
  RETURN NULL;
END $fn$;

CREATE OR REPLACE FUNCTION archive_generations_global() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM archive_generations_queue(ARRAY['global']);
  RETURN NULL;
END $fn$;
"""


def _function(table: str, op: str, scopes_sql: str) -> str:
    rows = "old_rows" if op == "DELETE" else "new_rows"
    return f"""
CREATE OR REPLACE FUNCTION archive_generations_{table}_{op.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM {rows} LIMIT {GLOBAL_ROWS + 1}) x) > {GLOBAL_ROWS} THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    {scopes_sql}
    ));
  END IF;
  RETURN NULL;
END $fn$;
"""


def _tables() -> list[str]:
    return [*_MAKERS, *_GLOBAL_TABLES]


@functools.cache
def triggers_sql() -> str:
    """The queue, its flush and every archive table's triggers, as the scopes are now."""
    from archive.models import ARTICLE_PUBLIC, rule_sql

    def public(alias: str) -> str:
        sql = rule_sql(ARTICLE_PUBLIC, alias)
        return sql if len(ARTICLE_PUBLIC) == 1 else f"({sql})"

    sql = [_COMMON]
    for table, (make, ops) in _MAKERS.items():
        for op in ops:
            name = f"archive_generations_{table}_{op.lower()}"
            sql.append(_function(table, op, make(op, public)))
            sql.append(
                f"CREATE TRIGGER {name} AFTER {op} ON archive_{table} "
                f"REFERENCING {_REFERENCING[op]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    for table in _tables():
        events = "INSERT OR UPDATE OR DELETE OR TRUNCATE" if table in _GLOBAL_TABLES else "TRUNCATE"
        sql.append(
            f"CREATE TRIGGER archive_generations_{table}_global AFTER {events} ON archive_{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();"
        )
    sql.append(
        "CREATE CONSTRAINT TRIGGER archive_generations_flush AFTER INSERT "
        "ON archive_generation_pending DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "WHEN (NEW.scope = '') EXECUTE FUNCTION archive_generations_flush();"
    )
    return "\n".join(sql)


def drop_triggers_sql() -> str:
    sql = []
    for table, (_make, ops) in _MAKERS.items():
        for op in ops:
            name = f"archive_generations_{table}_{op.lower()}"
            sql.append(f"DROP TRIGGER IF EXISTS {name} ON archive_{table};")
            sql.append(f"DROP FUNCTION IF EXISTS {name}();")
    for table in _tables():
        sql.append(f"DROP TRIGGER IF EXISTS archive_generations_{table}_global ON archive_{table};")
    sql.append("DROP TRIGGER IF EXISTS archive_generations_flush ON archive_generation_pending;")
    for name in ("global()", "flush()", "queue(text[])"):
        sql.append(f"DROP FUNCTION IF EXISTS archive_generations_{name};")
    return "\n".join(sql)
