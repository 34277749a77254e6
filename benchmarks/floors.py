"""Hand-written floors for the benchmark (benchmarks/bench.py): no Django at all.

Each floor fetches the same rows as one page or API endpoint (the same page of articles,
the same entity and its counts, the same search results ranked with ts_rank over the same
tsquery…) with plain SQL through one psycopg 3 connection, and writes them out as HTML or
JSON with string formatting. A floor is what the request would cost with nothing but the
database and a few string operations: the page's time divided by it says what Django,
the ORM, templates and serializers add. Floors skip presentation details (the side by
side's alignment, the chart's axes, every link of a template) but never a query's rows.

Every function takes the psycopg connection first, then keyword arguments chosen by the
harness from the generated data, and returns the body (a str).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from html import escape

from rapidfuzz.fuzz import ratio

# Plain text functions (no Django): what a floor must do to a spelling as the archive does.
from archive.text.arabic import is_arabic
from archive.text.variants import name_tokens, same_name, within_name

PAGE = 20  # pages and API lists
ENTITY_PAGE = 100  # entity indexes
ADMIN_PAGE = 50  # admin changelists (LargeTableAdmin.list_per_page)
ESTIMATE_THRESHOLD = 10_000  # archive.reads.pagination.EstimatedCountPaginator.threshold

# Visible annotations (archive.models.visible_q), with `a` the article.
VIS_M = "m.status <> 'rejected' AND NOT m.is_orphaned AND a.is_public"
VIS_C = "c.status <> 'rejected' AND NOT c.is_orphaned AND a.is_public"
NEWEST = "a.published DESC NULLS LAST, a.id DESC"
# Public entities and their counts: the stored counts (archive.services.counts), as the
# pages read them.
PUBLIC_ENTITY = """EXISTS (SELECT 1 FROM archive_entitycount ec
  WHERE ec.entity_id = e.id AND (ec.mentions > 0 OR ec.claims > 0))"""
SPELLINGS_SAMPLE = 500  # archive.reads.selectors
CO_MENTIONED_SAMPLE = 100
PLURAL = {"person": "people", "organization": "organizations", "place": "places"}

_cache: dict[str, tuple[float, object]] = {}


def _cached(key: str, ttl: float, make):
    """The home page caches its ranking for five minutes; so does its floor."""
    hit = _cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    value = make()
    _cache[key] = (time.monotonic() + ttl, value)
    return value


def clear_cache():
    _cache.clear()


def _rows(conn, sql, params=None):
    return conn.execute(sql, params).fetchall()


def _one(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()


def _estimate(conn, table: str, exact_sql: str, params=None) -> int:
    """Like EstimatedCountPaginator: the planner's figure for a big table, else COUNT."""
    guess = _one(conn, "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
    if guess and guess[0] > ESTIMATE_THRESHOLD:
        return int(guess[0])
    return _one(conn, exact_sql, params)[0]


def _planned(conn, sql: str, params) -> int:
    """Rows PostgreSQL expects `sql` to return (EXPLAIN, no execution)."""
    plan = _one(conn, "EXPLAIN (FORMAT JSON) " + sql, params)[0]
    return int(plan[0]["Plan"]["Plan Rows"])


SEEK_SQL = """
SELECT published, upto - (SELECT sum(articles) FROM archive_datecount d
                          WHERE d.published = running.published)
FROM (SELECT published, sum(articles) OVER (ORDER BY published DESC) AS upto
      FROM archive_datecount WHERE articles > 0) AS running
WHERE upto > %s ORDER BY published DESC LIMIT 1
"""


def _seek(conn, where: str, params: list, offset: int) -> tuple[str, list, int]:
    """The whole public list's deep page starts at the date the stored per-date counts
    name (archive.reads.selectors.public_ids_at), as the page's does: (where, params,
    offset) from that date on."""
    found = _one(conn, SEEK_SQL, [offset])
    if found:
        day, before = found
        return where + " AND a.published <= %s", [*params, day], offset - before
    dated = _one(conn, "SELECT coalesce(sum(articles), 0) FROM archive_datecount")[0]
    return where + " AND a.published IS NULL", params, offset - dated


def _date(d) -> str:
    return d.isoformat() if d else ""


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><main>{body}</main></body></html>"
    )


ART_COLS = "a.id, a.slug, a.title, a.language, a.published, a.published_precision, s.name, s.slug"
ART_FROM = "archive_article a LEFT JOIN archive_source s ON s.id = a.source_id"


def _article_items(rows) -> str:
    return "".join(
        f'<li><a href="/articles/{escape(r[1])}/" lang="{r[3]}">{escape(r[2])}</a> '
        f"<span>{escape(r[6] or '')}</span> <time>{_date(r[4])}</time></li>"
        for r in rows
    )


def _public_sources(conn) -> str:
    rows = _rows(
        conn,
        "SELECT s.name, s.slug FROM archive_source s WHERE EXISTS (SELECT 1 FROM "
        "archive_article a WHERE a.source_id = s.id AND a.is_public) ORDER BY s.name",
    )
    return "".join(f'<option value="{escape(r[1])}">{escape(r[0])}</option>' for r in rows)


# Pages ----------------------------------------------------------------------------------


def home(conn) -> str:
    latest = _rows(conn, f"SELECT {ART_COLS} FROM {ART_FROM} WHERE a.is_public "
                         f"ORDER BY {NEWEST} LIMIT 10")  # fmt: skip

    entities = _rows(
        conn,
        "SELECT e.slug, e.name, e.kind, ec.mentions FROM archive_entity e "
        "JOIN archive_entitycount ec ON ec.entity_id = e.id WHERE ec.mentions > 0 "
        "ORDER BY ec.mentions DESC, e.name LIMIT 12",
    )
    named = "".join(
        f'<li><a href="/{PLURAL[k]}/{escape(s)}/">{escape(n)}</a> {c}</li>'
        for s, n, k, c in entities
    )
    return _page("Archive", f"<ol>{_article_items(latest)}</ol><ol>{named}</ol>")


def article_list(
    conn, *, page: int = 1, language: str | None = None, entity: str | None = None
) -> str:
    where, params = "a.is_public", []
    if language:
        where += " AND a.language = %s"
        params.append(language)
    if entity:
        where += (
            " AND EXISTS (SELECT 1 FROM archive_mention m JOIN archive_entity e "
            "ON e.id = m.entity_id WHERE m.article_id = a.id AND e.slug = %s "
            "AND m.status <> 'rejected' AND NOT m.is_orphaned)"
        )
        params.append(entity)
    if entity:
        count = _one(conn, f"SELECT count(*) FROM archive_article a WHERE {where}", params)[0]
    elif language:  # the planner's figure for one of a column's common values, as the page
        count = _planned(conn, f"SELECT 1 FROM archive_article a WHERE {where}", params)
        if count <= ESTIMATE_THRESHOLD:
            count = _one(conn, f"SELECT count(*) FROM archive_article a WHERE {where}", params)[0]
    else:
        count = _estimate(
            conn, "archive_article", "SELECT count(*) FROM archive_article WHERE is_public"
        )
    offset = (page - 1) * PAGE
    if page > 1 and not (language or entity):
        where, params, offset = _seek(conn, where, params, offset)
    rows = _rows(
        conn,
        f"SELECT {ART_COLS} FROM {ART_FROM} WHERE {where} ORDER BY {NEWEST} LIMIT %s OFFSET %s",
        [*params, PAGE, offset],
    )
    return _page(
        "Articles",
        f"<form><select>{_public_sources(conn)}</select></form><p>{count} articles</p>"
        f"<ol>{_article_items(rows)}</ol>",
    )


def _highlight(body: str, spans: list[tuple[int, int, str]]) -> str:
    """Escaped body with each (start, end, href) wrapped in a link; one <p> per line."""
    out, pos = [], 0
    for start, end, href in sorted(spans):
        if start < pos:
            continue
        out.append(escape(body[pos:start]))
        out.append(f'<a class="m" href="{href}">{escape(body[start:end])}</a>')
        pos = end
    out.append(escape(body[pos:]))
    return "".join(
        f'<p id="p{i}">{p}</p>' for i, p in enumerate("".join(out).split("\n"), 1) if p.strip()
    )


def _article_row(conn, slug):
    return _one(
        conn,
        "SELECT a.id, a.title, a.body, a.language, a.published, a.published_precision, "
        "a.byline, a.dateline, a.url, a.story_id, a.translation_of_id, s.name, s.slug, "
        "st.title, st.slug, t.slug, t.title, ts.name "
        "FROM archive_article a LEFT JOIN archive_source s ON s.id = a.source_id "
        "LEFT JOIN archive_story st ON st.id = a.story_id "
        "LEFT JOIN archive_article t ON t.id = a.translation_of_id "
        "LEFT JOIN archive_source ts ON ts.id = t.source_id "
        "WHERE a.slug = %s AND a.is_public",
        [slug],
    )


def _mentions(conn, article_ids):
    return _rows(
        conn,
        'SELECT m.article_id, m.start, m."end", m.status, e.slug, e.name, e.kind, m.text, '
        "m.role FROM archive_mention m JOIN archive_entity e ON e.id = m.entity_id "
        "JOIN archive_article a ON a.id = m.article_id "
        f"WHERE m.article_id = ANY(%s) AND {VIS_M} ORDER BY m.article_id, m.start",
        [list(article_ids)],
    )


def _claims(conn, article_ids):
    return _rows(
        conn,
        'SELECT c.article_id, c.id, c.start, c."end", c.text, c.kind, c.date, e.name, e.slug, '
        "e.kind, c.verification, c.status FROM archive_claim c "
        "LEFT JOIN archive_entity e ON e.id = c.speaker_id "
        "JOIN archive_article a ON a.id = c.article_id "
        f"WHERE c.article_id = ANY(%s) AND {VIS_C} ORDER BY c.article_id, c.start",
        [list(article_ids)],
    )


def article_detail(conn, *, slug: str) -> str:
    a = _article_row(conn, slug)
    aid, story, original = a[0], a[9], a[10]
    mentions = _mentions(conn, [aid])
    claims = _claims(conn, [aid])
    related = _rows(
        conn,
        f"SELECT {ART_COLS}, a.translation_of_id FROM {ART_FROM} WHERE a.is_public "
        "AND a.id <> %(id)s AND (a.translation_of_id = %(id)s OR a.id = %(orig)s "
        "OR a.translation_of_id = %(orig)s OR a.story_id = %(story)s) "
        "ORDER BY a.published, a.language, a.id LIMIT 50",
        {"id": aid, "orig": original, "story": story},
    )
    spans = [(m[1], m[2], f"/{PLURAL[m[6]]}/{m[4]}/") for m in mentions]
    named: dict[str, list] = {}
    for m in mentions:
        named.setdefault(m[4], [m[5], m[6], 0])[2] += 1
    named_html = "".join(
        f'<li><a href="/{PLURAL[k]}/{escape(s)}/">{escape(n)}</a> {c}</li>'
        for s, (n, k, c) in sorted(named.items(), key=lambda i: (-i[1][2], i[1][0]))
    )
    claims_html = "".join(
        f'<li id="claim-{c[1]}"><a href="/claims/{c[1]}/">{escape(c[4])}</a> '
        f"{escape(c[7] or '')} {c[5]} {_date(c[6])}</li>"
        for c in claims
    )
    return _page(
        a[1],
        f'<article lang="{a[3]}"><h1>{escape(a[1])}</h1><p>{escape(a[11] or "")} '
        f"{_date(a[4])} {escape(a[6])} {escape(a[7])} {escape(a[13] or '')}</p>"
        f"{_highlight(a[2], spans)}</article><ol>{claims_html}</ol><ul>{named_html}</ul>"
        f"<ul>{_article_items(related)}</ul>",
    )


def compare(conn, *, left: str, right: str) -> str:
    rows = _rows(
        conn,
        f"SELECT {ART_COLS}, a.body FROM {ART_FROM} WHERE a.slug = ANY(%s) AND a.is_public",
        [[left, right]],
    )
    by_slug = {r[1]: r for r in rows}
    lrow, rrow = by_slug[left], by_slug[right]
    mentions = _mentions(conn, [lrow[0], rrow[0]])
    claims = _claims(conn, [lrow[0], rrow[0]])
    sides = []
    for r in (lrow, rrow):
        spans = [(m[1], m[2], f"/{PLURAL[m[6]]}/{m[4]}/") for m in mentions if m[0] == r[0]]
        spans += [(c[2], c[3], f"/claims/{c[1]}/") for c in claims if c[0] == r[0]]
        sides.append(_highlight(r[8], spans).split("</p>"))
    cells = "".join(
        f"<tr><td>{lp}</p></td><td>{rp}</p></td></tr>"
        for lp, rp in zip(sides[0], sides[1], strict=False)
    )
    return _page(f"{lrow[2]} / {rrow[2]}", f"<table>{cells}</table>")


def entity_index(conn, *, kind: str, page: int = 1) -> str:
    letters = _rows(
        conn,
        "SELECT upper(left(e.name, 1)) AS l, count(*) FROM archive_entity e "
        f"WHERE e.kind = %s AND {PUBLIC_ENTITY} GROUP BY 1 ORDER BY 1",
        [kind],
    )
    count = sum(n for _, n in letters)
    entities = _rows(
        conn,
        "SELECT e.id, e.name, e.slug, e.description, ec.mentions FROM archive_entity e "
        "JOIN archive_entitycount ec ON ec.entity_id = e.id "
        "WHERE e.kind = %s AND (ec.mentions > 0 OR ec.claims > 0) "
        "ORDER BY e.name, e.id LIMIT %s OFFSET %s",
        [kind, ENTITY_PAGE, (page - 1) * ENTITY_PAGE],
    )
    items = "".join(
        f'<li><a href="/{PLURAL[kind]}/{escape(e[2])}/">{escape(e[1])}</a> '
        f"{escape(e[3])} {e[4]}</li>"
        for e in entities
    )
    nav = "".join(f'<a href="?letter={escape(ch or "")}">{escape(ch or "")} {n}</a>'
                  for ch, n in letters)  # fmt: skip
    return _page(PLURAL[kind], f"<nav>{nav}</nav><p>{count}</p><ul>{items}</ul>")


def _public_entity(conn, kind, slug):
    return _one(
        conn,
        "SELECT e.id, e.name, e.slug, e.kind, e.description, e.wikidata_id "
        f"FROM archive_entity e WHERE e.slug = %s AND e.kind = %s AND {PUBLIC_ENTITY}",
        [slug, kind],
    )


NAMING = (
    "EXISTS (SELECT 1 FROM archive_mention m WHERE m.article_id = a.id AND m.entity_id = %s "
    "AND m.status <> 'rejected' AND NOT m.is_orphaned)"
)


def _claim_items(rows) -> str:
    return "".join(
        f'<li><a href="/claims/{r[0]}/">{escape(r[1])}</a> {_date(r[2])} {r[3]} '
        f'<a href="/articles/{escape(r[4])}/">{escape(r[5])}</a> {escape(r[6] or "")}</li>'
        for r in rows
    )


def entity_detail(conn, *, kind: str, slug: str) -> str:
    e = _public_entity(conn, kind, slug)
    eid = e[0]
    aliases = _rows(
        conn,
        "SELECT name, language FROM archive_alias WHERE entity_id = %s ORDER BY language, name",
        [eid],
    )
    where = f"a.is_public AND {NAMING}"
    count = _one(conn, "SELECT articles FROM archive_entitycount WHERE entity_id = %s", [eid])[0]
    articles = _rows(
        conn,
        f"SELECT {ART_COLS} FROM {ART_FROM} WHERE {where} ORDER BY {NEWEST} LIMIT %s",
        [eid, PAGE],
    )
    spellings = _rows(
        conn,
        "SELECT text, name, count(*) AS n FROM (SELECT m.text, s.name FROM archive_mention m "
        "JOIN archive_article a ON a.id = m.article_id "
        "LEFT JOIN archive_source s ON s.id = a.source_id "
        f"WHERE m.entity_id = %s AND {VIS_M} ORDER BY m.entity_id DESC, m.article_id DESC "
        "LIMIT %s) x GROUP BY 1, 2 ORDER BY n DESC LIMIT 200",
        [eid, SPELLINGS_SAMPLE],
    )
    claim_sql = (
        "SELECT c.id, c.text, c.date, c.kind, a.slug, a.title, sp.name FROM archive_claim c "
        "JOIN archive_article a ON a.id = c.article_id "
        "LEFT JOIN archive_entity sp ON sp.id = c.speaker_id {join} "
        f"WHERE {{cond}} AND {VIS_C} ORDER BY c.date DESC, c.id DESC LIMIT 20"
    )
    made = _rows(conn, claim_sql.format(join="", cond="c.speaker_id = %s"), [eid])
    about = _rows(
        conn,
        claim_sql.format(
            join="JOIN archive_claimsubject cs ON cs.claim_id = c.id", cond="cs.entity_id = %s"
        ),
        [eid],
    )
    co = _rows(
        conn,
        "SELECT e.slug, e.name, e.kind, count(DISTINCT m.article_id) AS n "
        "FROM archive_mention m JOIN archive_article a ON a.id = m.article_id "
        "JOIN archive_entity e ON e.id = m.entity_id "
        f"WHERE {VIS_M} AND m.entity_id <> %s AND m.article_id IN ("
        "  SELECT article_id FROM (SELECT DISTINCT m.entity_id, m.article_id "
        "  FROM archive_mention m JOIN archive_article a "
        f"  ON a.id = m.article_id WHERE m.entity_id = %s AND {VIS_M} "
        "  ORDER BY m.entity_id DESC, m.article_id DESC LIMIT %s) newest) "
        "GROUP BY e.slug, e.name, e.kind ORDER BY n DESC, e.name LIMIT 12",
        [eid, eid, CO_MENTIONED_SAMPLE],
    )
    months = _rows(
        conn,
        "SELECT month, mentions FROM archive_entitymonthcount "
        "WHERE entity_id = %s AND mentions > 0 ORDER BY month",
        [eid],
    )
    top = max((n for _, n in months), default=1)
    bars = "".join(
        f'<rect x="{i * 3}" y="{100 - 100 * n // top}" width="2" height="{100 * n // top}">'
        f"<title>{m:%Y-%m} {n}</title></rect>"
        for i, (m, n) in enumerate(months)
    )
    spell = {}
    for text, source, n in spellings:
        entry = spell.setdefault(text, [0, []])
        entry[0] += n
        if source and source not in entry[1]:
            entry[1].append(source)
    return _page(
        e[1],
        f"<h1>{escape(e[1])}</h1><p>{escape(e[4])}</p><ul>"
        + "".join(f'<li lang="{lang}">{escape(n)}</li>' for n, lang in aliases)
        + "</ul><ul>"
        + "".join(
            f"<li>{escape(t)} {n} {escape(', '.join(s))}</li>"
            for t, (n, s) in sorted(spell.items(), key=lambda i: -i[1][0])
        )
        + f"</ul><svg>{bars}</svg><p>{count}</p><ol>{_article_items(articles)}</ol>"
        f"<ol>{_claim_items(made)}</ol><ol>{_claim_items(about)}</ol><ul>"
        + "".join(f'<li><a href="/{PLURAL[k]}/{s}/">{escape(n)}</a> {c}</li>' for s, n, k, c in co)
        + "</ul>",
    )


def entity_feed(conn, *, kind: str, slug: str) -> str:
    e = _public_entity(conn, kind, slug)
    rows = _rows(
        conn,
        f"SELECT {ART_COLS}, a.body, a.byline, a.updated FROM {ART_FROM} "
        f"WHERE a.is_public AND {NAMING} ORDER BY {NEWEST} LIMIT 50",
        [e[0]],
    )
    entries = "".join(
        f'<entry><title>{escape(r[2])}</title><link href="/articles/{escape(r[1])}/"/>'
        f"<id>/articles/{escape(r[1])}/</id><updated>{r[10].isoformat()}</updated>"
        f"<author><name>{escape(r[9] or r[6] or '')}</name></author>"
        f"<summary>{escape(r[8].strip().split(chr(10), 1)[0][:400])}</summary>"
        f'<category term="{r[3]}"/></entry>'
        for r in rows
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(e[1])}</title><subtitle>{escape(e[4])}</subtitle>{entries}</feed>"
    )


def dates_index(conn) -> str:
    rows = _rows(
        conn,
        "SELECT extract(year FROM published)::int, extract(month FROM published)::int, "
        "precision = 'year', sum(articles) FROM archive_datecount "
        "WHERE articles > 0 GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2",
    )
    years: dict[int, dict] = {}
    for y, m, year_only, n in rows:
        entry = years.setdefault(y, {"n": 0, "months": [0] * 13, "undated": 0})
        entry["n"] += n
        if year_only:
            entry["undated"] += n
        else:
            entry["months"][m] += n
    body = "".join(
        f'<h2><a href="/dates/{y}/">{y}</a> {v["n"]}</h2><ol>'
        + "".join(
            f'<li><a href="/dates/{y}/{m:02d}/">{v["months"][m]}</a></li>' for m in range(1, 13)
        )  # fmt: skip
        + f"</ol><p>{v['undated']}</p>"
        for y, v in years.items()
    )
    return _page("Dates", body)


def date_archive(conn, *, year: int, month: int | None = None, day: int | None = None) -> str:
    if day is not None:
        where, params = (
            "a.is_public AND a.published = %s AND a.published_precision = 'day'",
            [dt.date(year, month, day)],
        )
        count = _one(
            conn,
            "SELECT coalesce(sum(articles), 0) FROM archive_datecount "
            "WHERE published = %s AND precision = 'day'",
            params,
        )[0]
        cells = ""
    else:
        if month is None:
            first, last, unit = dt.date(year, 1, 1), dt.date(year, 12, 31), "month"
            where = "a.is_public AND a.published BETWEEN %s AND %s"
        else:
            first = dt.date(year, month, 1)
            last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
            unit = "day"
            where = (
                "a.is_public AND a.published BETWEEN %s AND %s AND a.published_precision <> 'year'"
            )
        params = [first, last]
        groups = _rows(
            conn,
            f"SELECT extract({unit} FROM published)::int, precision, sum(articles) "
            "FROM archive_datecount WHERE articles > 0 AND published BETWEEN %s AND %s "
            + ("AND precision <> 'year' " if month is not None else "")
            + "GROUP BY 1, 2",
            params,
        )
        count = sum(n for _, _, n in groups)
        below = {}
        for u, precision, n in groups:
            if (unit == "month" and precision != "year") or (unit == "day" and precision == "day"):
                below[u] = below.get(u, 0) + n
        cells = "".join(f"<li>{u} {n}</li>" for u, n in sorted(below.items()))
    rows = _rows(
        conn,
        f"SELECT {ART_COLS} FROM {ART_FROM} WHERE {where} "
        "ORDER BY a.published, a.published_precision, a.id LIMIT %s",
        [*params, PAGE],
    )
    return _page(str(year), f"<ol>{cells}</ol><p>{count}</p><ol>{_article_items(rows)}</ol>")


CLAIM_COLS = (
    "c.id, c.text, c.date, c.kind, a.slug, a.title, sp.name, sp.slug, sp.kind, c.verification, "
    'c.status, c.start, c."end", c.same_as_id, s.name, a.published'
)
CLAIM_FROM = (
    "archive_claim c JOIN archive_article a ON a.id = c.article_id "
    "LEFT JOIN archive_source s ON s.id = a.source_id "
    "LEFT JOIN archive_entity sp ON sp.id = c.speaker_id"
)


def _claim_count(conn) -> int:
    return _estimate(
        conn,
        "archive_claim",
        f"SELECT count(*) FROM archive_claim c JOIN archive_article a ON a.id = c.article_id "
        f"WHERE {VIS_C}",
    )


# archive.reads.selectors._CLAIM_SEEK_SQL: the undated claims' count, and the date the
# page starts on with how many dated claims come before it.
CLAIM_SEEK_SQL = """
SELECT u.n, r.date, r.before
FROM (SELECT coalesce(sum(claims), 0)::int AS n FROM archive_claimdatecount
      WHERE date IS NULL) AS u
LEFT JOIN LATERAL (
  SELECT date, upto - claims AS before
  FROM (SELECT date, claims, sum(claims) OVER (ORDER BY date DESC) AS upto
        FROM archive_claimdatecount WHERE claims > 0 AND date IS NOT NULL) AS running
  WHERE upto > %s - u.n ORDER BY date DESC LIMIT 1) AS r ON true
"""


def _latest_claims(conn, page: int = 1) -> list[tuple]:
    """A page of visible claims, newest first, undated first (the claims list and
    /api/claims/); a deep one found through the stored claims per date, as the page does."""
    order = "ORDER BY c.date DESC, c.id DESC LIMIT %s OFFSET %s"
    offset = (page - 1) * PAGE
    if page == 1:
        return _rows(conn, f"SELECT {CLAIM_COLS} FROM {CLAIM_FROM} WHERE {VIS_C} {order}",
                     [PAGE, 0])  # fmt: skip
    undated, day, before = _one(conn, CLAIM_SEEK_SQL, [offset])
    if offset < undated or day is None:
        where, at = f"{VIS_C} AND c.date IS NULL", offset
    else:
        where, at = f"{VIS_C} AND c.date <= %s", offset - undated - before
    params = [day] if "%s" in where else []
    return _rows(conn, f"SELECT {CLAIM_COLS} FROM {CLAIM_FROM} WHERE {where} {order}",
                 [*params, PAGE, at])  # fmt: skip


def claims_list(conn, *, page: int = 1) -> str:
    count = _claim_count(conn)
    rows = _latest_claims(conn, page)
    return _page("Claims", f"<p>{count}</p><ol>{_claim_items(rows)}</ol>")


def claim_detail(conn, *, pk: int) -> str:
    c = _one(conn, f"SELECT {CLAIM_COLS} FROM {CLAIM_FROM} WHERE c.id = %s AND {VIS_C}", [pk])
    root = c[13] or c[0]
    reports = _rows(
        conn,
        f"SELECT {CLAIM_COLS} FROM {CLAIM_FROM} WHERE (c.id = %s OR c.same_as_id = %s) "
        f"AND {VIS_C} ORDER BY a.published, c.id",
        [root, root],
    )
    about = _rows(
        conn,
        "SELECT e.name, e.slug, e.kind FROM archive_entity e JOIN archive_claimsubject cs "
        "ON cs.entity_id = e.id WHERE cs.claim_id = %s ORDER BY e.name",
        [pk],
    )
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Claim",
            "text": c[1],
            "author": {"@type": "Person", "name": c[6]} if c[6] else None,
            "dateCreated": _date(c[2]),
            "about": [{"name": n, "url": f"/{PLURAL[k]}/{s}/"} for n, s, k in about],
            "appearance": [f"/articles/{r[4]}/" for r in reports],
        },
        ensure_ascii=False,
    ).replace("<", "\\u003c")
    return _page(
        "Claim",
        f"<blockquote>{escape(c[1])}</blockquote><p>{escape(c[6] or '')} {_date(c[2])}</p>"
        f"<ol>{_claim_items(reports)}</ol>"
        f'<script type="application/ld+json">{json_ld}</script>',
    )


# API -------------------------------------------------------------------------------------

API_COLS = (
    "a.id, a.slug, a.title, a.language, a.published, a.published_precision, s.slug, st.slug, "
    "t.slug, a.url"
)
API_FROM = (
    "archive_article a LEFT JOIN archive_source s ON s.id = a.source_id "
    "LEFT JOIN archive_story st ON st.id = a.story_id "
    "LEFT JOIN archive_article t ON t.id = a.translation_of_id"
)


def _iso(published, precision) -> str | None:
    if published is None:
        return None
    return {"year": f"{published:%Y}", "month": f"{published:%Y-%m}"}.get(
        precision, published.isoformat()
    )


def _api_item(r) -> dict:
    return {
        "slug": r[1],
        "title": r[2],
        "language": r[3],
        "published": _iso(r[4], r[5]),
        "source": r[6],
        "story": r[7],
        "translation_of": r[8],
        "url": r[9],
    }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def api_articles(conn, *, page: int = 1) -> str:
    count = _estimate(
        conn, "archive_article", "SELECT count(*) FROM archive_article WHERE is_public"
    )
    where, params, offset = "a.is_public", [], (page - 1) * PAGE
    if page > 1:
        where, params, offset = _seek(conn, where, params, offset)
    rows = _rows(
        conn,
        f"SELECT {API_COLS} FROM {API_FROM} WHERE {where} ORDER BY {NEWEST} LIMIT %s OFFSET %s",
        [*params, PAGE, offset],
    )
    return _dumps(
        {
            "count": count,
            "next": f"/api/articles/?page={page + 1}",
            "previous": None,
            "results": [_api_item(r) for r in rows],
        }
    )


def _entity_ref(slug, name, kind) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, "name": name, "kind": kind, "url": f"/{PLURAL[kind]}/{slug}/"}


def _about(conn, claim_ids) -> dict[int, list]:
    about: dict[int, list] = {}
    for cid, slug, name, kind in _rows(
        conn,
        "SELECT cs.claim_id, e.slug, e.name, e.kind FROM archive_claimsubject cs "
        "JOIN archive_entity e ON e.id = cs.entity_id WHERE cs.claim_id = ANY(%s)",
        [list(claim_ids)],
    ):
        about.setdefault(cid, []).append(_entity_ref(slug, name, kind))
    return about


def api_article(conn, *, slug: str) -> str:
    a = _one(
        conn,
        f"SELECT {API_COLS}, a.body, a.byline, a.dateline, a.translation_of_id "
        f"FROM {API_FROM} WHERE a.slug = %s AND a.is_public",
        [slug],
    )
    aid, original = a[0], a[13]
    mentions = _mentions(conn, [aid])
    claims = _claims(conn, [aid])
    about = _about(conn, [c[1] for c in claims])
    translations = _rows(
        conn,
        f"SELECT {API_COLS} FROM {API_FROM} WHERE a.is_public AND a.id <> %(id)s AND "
        "(a.translation_of_id = %(id)s OR a.id = %(orig)s OR a.translation_of_id = %(orig)s) "
        "ORDER BY a.language, a.id",
        {"id": aid, "orig": original},
    )
    body = a[10]
    item = _api_item(a)
    item.update(
        published_precision=a[5],
        byline=a[11],
        dateline=a[12],
        body=body,
        paragraphs=[p for p in body.split("\n") if p.strip()],
        mentions=[
            {
                "entity": _entity_ref(m[4], m[5], m[6]),
                "start": m[1],
                "end": m[2],
                "text": m[7],
                "role": m[8],
                "status": m[3],
            }
            for m in mentions
        ],  # fmt: skip
        claims=[
            {
                "id": c[1],
                "url": f"/claims/{c[1]}/",
                "article": slug,
                "speaker": _entity_ref(c[8], c[7], c[9]),
                "about": about.get(c[1], []),
                "start": c[2],
                "end": c[3],
                "text": c[4],
                "kind": c[5],
                "date": c[6],
                "verification": c[10],
                "status": c[11],
            }
            for c in claims
        ],  # fmt: skip
        translations=[_api_item(r) for r in translations],
    )
    return _dumps(item)


def api_annotations(conn, *, slug: str) -> str:
    a = _one(conn, "SELECT id, body FROM archive_article WHERE slug = %s AND is_public", [slug])
    aid, body = a
    source = f"/api/articles/{slug}/"

    def target(start, end):
        return {
            "source": source,
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": body[start:end],
                 "prefix": body[max(0, start - 32):start], "suffix": body[end:end + 32]},
            ],
        }  # fmt: skip

    items = [
        {"id": f"{source}annotations/mention-{i}", "type": "Annotation",
         "motivation": "identifying", "target": target(m[1], m[2]),
         "body": {"id": f"/{PLURAL[m[6]]}/{m[4]}/", "name": m[5]}}
        for i, m in enumerate(_mentions(conn, [aid]))
    ]  # fmt: skip
    claims = _claims(conn, [aid])
    about = _about(conn, [c[1] for c in claims])
    items += [
        {"id": f"/claims/{c[1]}/", "type": "Annotation", "motivation": "describing",
         "target": target(c[2], c[3]),
         "body": {"speaker": c[7], "kind": c[5], "about": about.get(c[1], [])}}
        for c in claims
    ]  # fmt: skip
    return _dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "AnnotationCollection",
            "total": len(items),
            "first": {"type": "AnnotationPage", "items": items},
        }
    )


def api_alignment(conn, *, left: str, right: str) -> str:
    rows = dict(
        _rows(
            conn,
            "SELECT slug, body FROM archive_article WHERE slug = ANY(%s) AND is_public",
            [[left, right]],
        )
    )
    lp = [p for p in rows[left].split("\n") if p.strip()]
    rp = [p for p in rows[right].split("\n") if p.strip()]
    pairs = [
        {
            "left": [{"index": i, "text": lp[i]}] if i < len(lp) else [],
            "right": [{"index": i, "text": rp[i]}] if i < len(rp) else [],
        }
        for i in range(max(len(lp), len(rp)))
    ]
    return _dumps({"left": left, "right": right, "pairs": pairs})


def api_entities(conn, *, needle: str) -> str:
    where = (
        f"{PUBLIC_ENTITY} AND EXISTS (SELECT 1 FROM archive_alias al WHERE al.entity_id = e.id "
        "AND al.normalized LIKE '%%' || %s || '%%')"
    )
    count = _one(conn, f"SELECT count(*) FROM archive_entity e WHERE {where}", [needle])[0]
    rows = _rows(
        conn,
        "SELECT e.id, e.slug, e.name, e.kind, e.description, e.wikidata_id "
        f"FROM archive_entity e WHERE {where} ORDER BY e.name, e.id LIMIT %s",
        [needle, PAGE],
    )
    aliases: dict[int, list] = {}
    for eid, name, lang in _rows(
        conn,
        "SELECT entity_id, name, language FROM archive_alias WHERE entity_id = ANY(%s) "
        "ORDER BY entity_id, language, name",
        [[r[0] for r in rows]],
    ):
        aliases.setdefault(eid, []).append({"name": name, "language": lang})
    return _dumps(
        {
            "count": count,
            "next": None,
            "previous": None,
            "results": [
                {
                    "slug": r[1],
                    "name": r[2],
                    "kind": r[3],
                    "description": r[4],
                    "wikidata_id": r[5],
                    "url": f"/{PLURAL[r[3]]}/{r[1]}/",
                    "aliases": aliases.get(r[0], []),
                }
                for r in rows
            ],  # fmt: skip
        }
    )


def api_claims(conn, *, page: int = 1) -> str:
    count = _claim_count(conn)
    rows = _latest_claims(conn, page)
    about = _about(conn, [r[0] for r in rows])
    return _dumps(
        {
            "count": count,
            "next": "/api/claims/?page=2",
            "previous": None,
            "results": [
                {
                    "id": r[0],
                    "url": f"/claims/{r[0]}/",
                    "article": r[4],
                    "speaker": _entity_ref(r[7], r[6], r[8]),
                    "about": about.get(r[0], []),
                    "start": r[11],
                    "end": r[12],
                    "text": r[1],
                    "kind": r[3],
                    "date": r[2],
                    "verification": r[9],
                    "status": r[10],
                    "same_as": r[13],
                }
                for r in rows
            ],  # fmt: skip
        }
    )


# Search ----------------------------------------------------------------------------------

# The same tsquery as archive.reads.fulltext.text_query: the normalized query in websearch syntax,
# read in each configuration (english, arabic, simple), each distinct form once (one
# written twice would weigh twice in ts_rank), OR-ed. Read first, in a query of its own,
# as the search does: the planner then sees a literal.
FORMS = """SELECT string_agg('( ' || f || ' )', ' | ' ORDER BY f COLLATE "C")
  FROM (SELECT DISTINCT websearch_to_tsquery(c::regconfig, %s)::text AS f
        FROM unnest(ARRAY['english', 'arabic', 'simple']) AS c) forms WHERE f <> ''"""
TSQUERY = "%(tsquery)s::tsquery"


def _search_entities(conn, phrases: list[str], tries: list[dict] = ()) -> list[tuple]:
    """Entities named by a phrase of the query (longest alias wins), then, for each of
    `tries` (a word or the whole query that named nobody), the closest entity whose alias
    shares its spelling key: in the query's script as a close spelling, in the other by the
    key alone unless the entity's names in the query's script are all unlike it. At most
    three (archive.reads.fulltext.find_entities)."""
    if not phrases:
        return []
    rows = _rows(
        conn,
        "SELECT e.id, e.slug, e.name, e.kind, al.name, al.normalized FROM archive_alias al "
        f"JOIN archive_entity e ON e.id = al.entity_id WHERE al.normalized = ANY(%s) "
        f"AND {PUBLIC_ENTITY}",
        [phrases[:500]],
    )
    best: dict[int, tuple] = {}
    for r in rows:
        if r[0] not in best or len(r[5]) > len(best[r[0]][5]):
            best[r[0]] = r
    found = sorted(best.values(), key=lambda r: (-len(r[5]), r[2]))[:5]
    covered = {r[5] for r in found}

    def named_already(text: str) -> bool:  # a word inside a name found already
        return " " not in text and any(text in c.split() for c in covered)

    tries = [t for t in tries if not named_already(t["text"])]
    if len(found) >= 3 or not tries:
        return found
    rows = _rows(
        conn,
        "SELECT e.id, e.slug, e.name, e.kind, al.name, al.normalized, al.variant_key, "
        "ARRAY(SELECT o.name FROM archive_alias o WHERE o.entity_id = e.id) "
        "FROM archive_alias al JOIN archive_entity e ON e.id = al.entity_id "
        f"WHERE al.variant_key = ANY(%s) AND {PUBLIC_ENTITY}",
        [[t["key"] for t in tries]],
    )
    for t in tries:
        if len(found) >= 3:
            break
        if named_already(t["text"]):
            continue
        words, arabic = t["words"], is_arabic(t["text"])
        fits, failed, across = [], set(), []
        for r in rows:
            if r[6] != t["key"] or r[0] in best:
                continue
            if is_arabic(r[4]) != arabic:
                across.append(r)
            elif same_name(words, name_tokens(r[4])):
                fits.append((0, -ratio(" ".join(words), " ".join(name_tokens(r[4]))), r))
            else:
                failed.add(r[0])  # not let back in by its name in the other script
        for r in across:
            mine = [name_tokens(n) for n in r[7] if is_arabic(n) == arabic]
            if r[0] not in failed and (not mine or any(within_name(words, n) for n in mine)):
                fits.append((1, 0, r))
        if fits:
            r = min(fits, key=lambda f: (f[0], f[1], len(f[2][4]), f[2][2]))[2]
            best[r[0]] = r
            found.append(r)
            covered.add(t["text"])
    return found


def _search_where(tsquery, entity_ids, language, source, names=()):
    """`names`: (entity id, tsquery of its names) of the entities searched for that the
    matcher has tagged in fewer articles than a page of candidates: found by those names in
    the text too, except where a mention of that entity was rejected (as the search)."""
    where = ["a.is_public"]
    params: dict = {"tsquery": tsquery, "ents": entity_ids}
    if language:
        where.append("a.language = %(language)s")
        params["language"] = language
    if source:
        where.append("s.slug = %(source)s")
        params["source"] = source
    naming = (
        "EXISTS (SELECT 1 FROM archive_mention m WHERE m.article_id = a.id "
        "AND m.entity_id = ANY(%(ents)s) AND m.status <> 'rejected' AND NOT m.is_orphaned)"
    )
    in_text = ""
    for i, (entity_id, names_tsquery) in enumerate(n for n in names if n[0] in entity_ids):
        params[f"names{i}"], params[f"ent{i}"] = names_tsquery, entity_id
        in_text += (
            f" OR (a.search_vector @@ %(names{i})s::tsquery AND NOT EXISTS (SELECT 1 FROM "
            f"archive_mention r WHERE r.article_id = a.id AND r.entity_id = %(ent{i})s "
            "AND r.status = 'rejected'))"
        )
    by_mention = f" OR {naming}" if entity_ids else ""
    match = f"(a.search_vector @@ {TSQUERY}{by_mention}{in_text})"
    where.append(match)
    rank = f"COALESCE(ts_rank(a.search_vector, {TSQUERY}), 0)"
    if entity_ids:
        rank += f" + CASE WHEN {naming} THEN 0.5 ELSE 0 END"
    return " AND ".join(where), params, rank


def _snippet(body: str, words: list[str], width: int = 220) -> str:
    low = body.lower()
    hits = [i for i in (low.find(w.lower()) for w in words if w) if i >= 0]
    if not hits:
        return escape(body[:width])
    start = max(0, min(hits) - width // 3)
    text = escape(body[start : start + width])
    for w in words:
        if w:
            text = text.replace(escape(w), f"<mark>{escape(w)}</mark>")
    return text.replace("\n", " ¶ ")


def search(
    conn,
    *,
    q: str,
    phrases: list[str],
    words: list[str],
    tries: list[dict] = (),
    names: list[tuple[int, str]] = (),
    language: str | None = None,
    source: str | None = None,
    page: int = 1,
    api: bool = False,
) -> str:
    """`q` is the normalized query (archive.text.normalize), `phrases` what find_entities
    looks up and `tries` the spellings it looks up by their key (computed by the harness:
    pure Python), `names` each rarely tagged entity's names as a tsquery (the harness
    reads them with the app's own names_queries), `words` what the snippet marks."""
    entities = _search_entities(conn, phrases, tries)
    entity_ids = [e[0] for e in entities]
    tsquery = _one(conn, FORMS, [q])[0] or ""
    where, params, rank = _search_where(tsquery, entity_ids, language, source, names)
    base = f"FROM {ART_FROM} WHERE {where}"
    if api:
        count = _one(conn, f"SELECT count(*) {base}", params)[0]
    else:
        groups = _rows(conn, f"SELECT a.language, s.slug, s.name, count(*) {base} GROUP BY 1, 2, 3",
                       params)  # fmt: skip
        count = sum(g[3] for g in groups)
    cols = API_COLS if api else f"{ART_COLS}, a.body"
    frm = API_FROM if api else ART_FROM
    rows = _rows(
        conn,
        f"SELECT {cols}, {rank} AS rank FROM {frm} WHERE {where} "
        f"ORDER BY rank DESC, {NEWEST} LIMIT %(limit)s OFFSET %(offset)s",
        {**params, "limit": PAGE, "offset": (page - 1) * PAGE},
    )
    if api:
        return _dumps({"count": count, "next": None, "previous": None,
                       "results": [_api_item(r) for r in rows]})  # fmt: skip
    names = []
    if entity_ids:
        names = [
            r[0]
            for r in _rows(
                conn, "SELECT name FROM archive_alias WHERE entity_id = ANY(%s)", [entity_ids]
            )
        ]
    languages: dict[str, int] = {}
    sources: dict[tuple, int] = {}
    for lang, slug, name, n in groups:
        languages[lang] = languages.get(lang, 0) + n
        if slug:
            sources[(slug, name)] = sources.get((slug, name), 0) + n
    facets = "".join(f"<li>{lang} {n}</li>" for lang, n in sorted(languages.items())) + "".join(
        f'<li><a href="?source={escape(s)}">{escape(nm)}</a> {n}</li>'
        for (s, nm), n in sorted(sources.items(), key=lambda i: -i[1])[:20]
    )
    cards = "".join(
        f'<p><a href="/{PLURAL[e[3]]}/{escape(e[1])}/">{escape(e[2])}</a> ({escape(e[4])})</p>'
        for e in entities
    )
    results = "".join(
        f'<li><a href="/articles/{escape(r[1])}/">{escape(r[2])}</a> {escape(r[6] or "")} '
        f"{_date(r[4])}<p>{_snippet(r[8], [*words, *names])}</p></li>"
        for r in rows
    )
    return _page(
        "Search",
        f"<form><select>{_public_sources(conn)}</select></form>{cards}<p>{count}</p>"
        f"<ul>{facets}</ul><ol>{results}</ol>",
    )


# Admin changelists -------------------------------------------------------------------------


def _admin_table(rows) -> str:
    """The first page of a changelist's rows, every column but the id."""
    return "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r[1:]) + "</tr>"
        for r in rows[:ADMIN_PAGE]
    )


def _filter_items(choices) -> str:
    """A changelist filter's choices, (id, name) pairs."""
    return "".join(f"<li>{escape(name)}</li>" for _, name in choices)


def admin_articles(conn) -> str:
    rows = _rows(
        conn,
        "SELECT a.id, a.title, a.language, s.name, a.published, a.is_public, "
        "(SELECT count(*) FROM archive_mention m WHERE m.article_id = a.id "
        " AND m.status = 'suggested'), "
        "(SELECT count(*) FROM archive_mention m WHERE m.article_id = a.id "
        " AND m.status = 'confirmed'), "
        "(SELECT count(*) FROM archive_claim c WHERE c.article_id = a.id), "
        "(SELECT count(*) FROM archive_mention m WHERE m.article_id = a.id AND m.is_orphaned) "
        "+ (SELECT count(*) FROM archive_claim c WHERE c.article_id = a.id AND c.is_orphaned) "
        f"FROM {ART_FROM} ORDER BY {NEWEST} LIMIT %s",
        [ADMIN_PAGE + 1],
    )
    sources = _rows(conn, "SELECT id, name FROM archive_source ORDER BY name")
    years = _rows(
        conn,
        "SELECT DISTINCT date_trunc('year', published) FROM archive_article "
        "WHERE published IS NOT NULL ORDER BY 1",
    )
    return _page(
        "Articles",
        f"<ul>{_filter_items(sources)}</ul><p>{len(years)}</p><table>{_admin_table(rows)}</table>",
    )


def admin_mentions(conn) -> str:
    rows = _rows(
        conn,
        "SELECT m.id, m.text, e.name, a.id, a.title, m.role, m.status, m.is_orphaned "
        "FROM archive_mention m JOIN archive_entity e ON e.id = m.entity_id "
        "JOIN archive_article a ON a.id = m.article_id "
        f"ORDER BY {NEWEST}, m.start, m.id DESC LIMIT %s",
        [ADMIN_PAGE + 1],
    )
    table = "".join(
        f'<tr><td>{escape(r[1])}</td><td>{escape(r[2])}</td><td><a href="/admin/archive/'
        f'article/{r[3]}/change/">{escape(r[4][:60])}</a></td><td>{r[5]}</td><td>{r[6]}</td>'
        f"<td>{r[7]}</td></tr>"
        for r in rows[:ADMIN_PAGE]
    )
    return _page("Mentions", f"<table>{table}</table>")


def admin_claims(conn) -> str:
    rows = _rows(
        conn,
        "SELECT c.id, c.text, c.kind, sp.name, a.id, a.title, c.date, c.status, c.verification "
        "FROM archive_claim c JOIN archive_article a ON a.id = c.article_id "
        "LEFT JOIN archive_entity sp ON sp.id = c.speaker_id "
        f"ORDER BY {NEWEST}, c.start, c.id DESC LIMIT %s",
        [ADMIN_PAGE + 1],
    )
    speakers = _rows(
        conn,
        "SELECT e.id, e.name FROM archive_claim c JOIN archive_entity e ON e.id = c.speaker_id "
        "GROUP BY e.id, e.name ORDER BY count(*) DESC, e.name LIMIT 30",
    )
    return _page("Claims", f"<ul>{_filter_items(speakers)}</ul><table>{_admin_table(rows)}</table>")


def admin_entities(conn, *, needle: str) -> str:
    like = f"%{needle}%"
    rows = _rows(
        conn,
        "SELECT e.id, e.name, e.kind, e.wikidata_id, e.slug FROM archive_entity e "
        "WHERE e.name ILIKE %(like)s OR e.slug ILIKE %(like)s OR EXISTS (SELECT 1 FROM "
        "archive_alias al WHERE al.entity_id = e.id AND al.name ILIKE %(like)s) "
        "ORDER BY e.name, e.id DESC LIMIT %(limit)s",
        {"like": like, "limit": ADMIN_PAGE + 1},
    )
    return _page("Entities", f"<table>{_admin_table(rows)}</table>")
