"""The SQL migration 0021_claim_date_counts ran: archive.services.counts' TRIGGERS_SQL (the
triggers of 0007_counts, now also keeping the visible claims per date, ClaimDateCount) and
REBUILD_CLAIM_DATES_SQL as that module wrote them when the migration was made, copied here
as text.

Frozen so that a later edit of that module, or of the visibility rules it is written from
(archive.models), does not change what this old migration does on a fresh install: a change
there is installed by a migration of its own. Never edit these strings.
"""

TRIGGERS_SQL = """
CREATE OR REPLACE FUNCTION archive_counts_entity_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM archive_entitycount WHERE entity_id IN (SELECT id FROM old_rows);
  DELETE FROM archive_entitymonthcount WHERE entity_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $fn$;
CREATE TRIGGER archive_counts_entity_delete AFTER DELETE ON archive_entity
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION archive_counts_entity_delete();


CREATE OR REPLACE FUNCTION archive_counts_mention_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0),
  pairs AS (
    SELECT d.entity_id, d.article_id, d.sign AS change, a.published
    FROM d JOIN archive_article a ON a.id = d.article_id WHERE a.is_public),
  now AS (
    SELECT p.entity_id, p.change, (
      SELECT count(*) FROM archive_mention m
      WHERE m.entity_id = p.entity_id AND m.article_id = p.article_id
        AND m.status <> 'rejected' AND NOT m.is_orphaned) AS n
    FROM pairs p),
  per_entity AS (
    SELECT entity_id, sum(change) AS mentions,
           sum((n > 0)::int - ((n - change) > 0)::int) AS articles
    FROM now GROUP BY entity_id)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT d.entity_id, date_trunc('month', a.published)::date, sum(d.sign)
    FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public AND a.published IS NOT NULL
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_mention_insert AFTER INSERT ON archive_mention REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_mention_insert();

CREATE OR REPLACE FUNCTION archive_counts_mention_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0),
  pairs AS (
    SELECT d.entity_id, d.article_id, d.sign AS change, a.published
    FROM d JOIN archive_article a ON a.id = d.article_id WHERE a.is_public),
  now AS (
    SELECT p.entity_id, p.change, (
      SELECT count(*) FROM archive_mention m
      WHERE m.entity_id = p.entity_id AND m.article_id = p.article_id
        AND m.status <> 'rejected' AND NOT m.is_orphaned) AS n
    FROM pairs p),
  per_entity AS (
    SELECT entity_id, sum(change) AS mentions,
           sum((n > 0)::int - ((n - change) > 0)::int) AS articles
    FROM now GROUP BY entity_id)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT d.entity_id, date_trunc('month', a.published)::date, sum(d.sign)
    FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public AND a.published IS NOT NULL
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_mention_update AFTER UPDATE ON archive_mention REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_mention_update();

CREATE OR REPLACE FUNCTION archive_counts_mention_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0),
  pairs AS (
    SELECT d.entity_id, d.article_id, d.sign AS change, a.published
    FROM d JOIN archive_article a ON a.id = d.article_id WHERE a.is_public),
  now AS (
    SELECT p.entity_id, p.change, (
      SELECT count(*) FROM archive_mention m
      WHERE m.entity_id = p.entity_id AND m.article_id = p.article_id
        AND m.status <> 'rejected' AND NOT m.is_orphaned) AS n
    FROM pairs p),
  per_entity AS (
    SELECT entity_id, sum(change) AS mentions,
           sum((n > 0)::int - ((n - change) > 0)::int) AS articles
    FROM now GROUP BY entity_id)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT entity_id, article_id, sum(sign)::int AS sign FROM (SELECT entity_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY entity_id, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT d.entity_id, date_trunc('month', a.published)::date, sum(d.sign)
    FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public AND a.published IS NOT NULL
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_mention_delete AFTER DELETE ON archive_mention REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_mention_delete();

CREATE OR REPLACE FUNCTION archive_counts_claim_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT article_id FROM (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) n UNION SELECT article_id FROM (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0) m) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT NULL::bigint WHERE false) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT NULL::bigint WHERE false) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d0 AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0),
  d AS (SELECT d0.* FROM d0 JOIN archive_article a ON a.id = d0.article_id WHERE a.is_public),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM d WHERE speaker_id IS NOT NULL
    UNION ALL SELECT NULL::bigint AS entity_id, 0 AS sign WHERE false),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY entity_id)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_claimdatecount (date, claims)
    SELECT d.date, sum(d.sign) FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public GROUP BY 1 HAVING sum(d.sign) <> 0 ORDER BY 1
  ON CONFLICT (date)
    DO UPDATE SET claims = archive_claimdatecount.claims + excluded.claims;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claim_insert AFTER INSERT ON archive_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claim_insert();

CREATE OR REPLACE FUNCTION archive_counts_claim_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT article_id FROM (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) n UNION SELECT article_id FROM (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT date, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0) m) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT cs.entity_id FROM d JOIN archive_claimsubject cs ON cs.claim_id = d.id) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT cs.entity_id FROM d JOIN archive_claimsubject cs ON cs.claim_id = d.id) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d0 AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0),
  d AS (SELECT d0.* FROM d0 JOIN archive_article a ON a.id = d0.article_id WHERE a.is_public),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM d WHERE speaker_id IS NOT NULL
    UNION ALL SELECT cs.entity_id, d.sign FROM d JOIN archive_claimsubject cs ON cs.claim_id = d.id),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY entity_id)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, 1 AS sign FROM new_rows WHERE status <> 'rejected' AND NOT is_orphaned UNION ALL SELECT date, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_claimdatecount (date, claims)
    SELECT d.date, sum(d.sign) FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public GROUP BY 1 HAVING sum(d.sign) <> 0 ORDER BY 1
  ON CONFLICT (date)
    DO UPDATE SET claims = archive_claimdatecount.claims + excluded.claims;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claim_update AFTER UPDATE ON archive_claim REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claim_update();

CREATE OR REPLACE FUNCTION archive_counts_claim_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT article_id FROM (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) n UNION SELECT article_id FROM (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0) m) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT NULL::bigint WHERE false) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (WITH d AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0) SELECT speaker_id AS entity_id FROM d UNION SELECT NULL::bigint WHERE false) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d0 AS (SELECT id, speaker_id, article_id, sum(sign)::int AS sign FROM (SELECT id, speaker_id, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY id, speaker_id, article_id HAVING sum(sign) <> 0),
  d AS (SELECT d0.* FROM d0 JOIN archive_article a ON a.id = d0.article_id WHERE a.is_public),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM d WHERE speaker_id IS NOT NULL
    UNION ALL SELECT NULL::bigint AS entity_id, 0 AS sign WHERE false),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY entity_id)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH d AS (SELECT date, article_id, sum(sign)::int AS sign FROM (SELECT date, article_id, -1 AS sign FROM old_rows WHERE status <> 'rejected' AND NOT is_orphaned) x GROUP BY date, article_id HAVING sum(sign) <> 0)
  INSERT INTO archive_claimdatecount (date, claims)
    SELECT d.date, sum(d.sign) FROM d JOIN archive_article a ON a.id = d.article_id
    WHERE a.is_public GROUP BY 1 HAVING sum(d.sign) <> 0 ORDER BY 1
  ON CONFLICT (date)
    DO UPDATE SET claims = archive_claimdatecount.claims + excluded.claims;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claim_delete AFTER DELETE ON archive_claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claim_delete();

CREATE OR REPLACE FUNCTION archive_counts_claimsubject_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0),
  per_entity AS (
    SELECT d.entity_id, sum(d.sign) AS n FROM d
    JOIN archive_article a ON a.id = d.article_id WHERE a.is_public GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claimsubject_insert AFTER INSERT ON archive_claimsubject REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claimsubject_insert();

CREATE OR REPLACE FUNCTION archive_counts_claimsubject_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows UNION ALL SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows UNION ALL SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows UNION ALL SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, 1 AS sign FROM new_rows UNION ALL SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0),
  per_entity AS (
    SELECT d.entity_id, sum(d.sign) AS n FROM d
    JOIN archive_article a ON a.id = d.article_id WHERE a.is_public GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claimsubject_update AFTER UPDATE ON archive_claimsubject REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claimsubject_update();

CREATE OR REPLACE FUNCTION archive_counts_claimsubject_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM 1 FROM archive_article WHERE id IN (SELECT article_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d)
    ORDER BY id FOR SHARE;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (SELECT entity_id FROM (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0) d) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH d AS (SELECT x.entity_id, c.article_id, sum(x.sign)::int AS sign FROM (SELECT entity_id, claim_id, -1 AS sign FROM old_rows) x JOIN archive_claim c ON c.id = x.claim_id WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1, 2 HAVING sum(x.sign) <> 0),
  per_entity AS (
    SELECT d.entity_id, sum(d.sign) AS n FROM d
    JOIN archive_article a ON a.id = d.article_id WHERE a.is_public GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_claimsubject_delete AFTER DELETE ON archive_claimsubject REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_claimsubject_delete();

CREATE OR REPLACE FUNCTION archive_counts_article_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  
  INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, sum(sign) FROM (
      SELECT published, published_precision, 1 AS sign FROM new_rows WHERE is_public AND published IS NOT NULL
    ) x GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (published, precision)
    DO UPDATE SET articles = archive_datecount.articles + excluded.articles;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_article_insert AFTER INSERT ON archive_article REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_article_insert();

CREATE OR REPLACE FUNCTION archive_counts_article_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  
  INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, sum(sign) FROM (
      SELECT published, published_precision, 1 AS sign FROM new_rows WHERE is_public AND published IS NOT NULL UNION ALL SELECT published, published_precision, -1 AS sign FROM old_rows WHERE is_public AND published IS NOT NULL
    ) x GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (published, precision)
    DO UPDATE SET articles = archive_datecount.articles + excluded.articles;
  
    INSERT INTO archive_entitycount (entity_id, mentions, articles, claims)
      SELECT DISTINCT entity_id, 0, 0, 0 FROM (WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published)))
      SELECT m.entity_id FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE m.status <> 'rejected' AND NOT m.is_orphaned
      UNION SELECT c.speaker_id FROM archive_claim c JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
      JOIN archive_claim c ON c.id = cs.claim_id JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned) ids WHERE entity_id IS NOT NULL
      ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM archive_entitycount
      WHERE entity_id IN (SELECT entity_id FROM (WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published)))
      SELECT m.entity_id FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE m.status <> 'rejected' AND NOT m.is_orphaned
      UNION SELECT c.speaker_id FROM archive_claim c JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
      JOIN archive_claim c ON c.id = cs.claim_id JOIN ch ON ch.id = c.article_id
      WHERE c.status <> 'rejected' AND NOT c.is_orphaned) ids) ORDER BY entity_id FOR UPDATE;
    
  WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))), t AS (SELECT id, is_public::int - was_public::int AS sign FROM ch WHERE is_public <> was_public),
  m AS (
    SELECT m.entity_id, t.sign, count(*) AS n FROM archive_mention m JOIN t ON t.id = m.article_id
    WHERE m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY m.entity_id, m.article_id, t.sign),
  per_entity AS (
    SELECT entity_id, sum(sign * n) AS mentions, sum(sign) AS articles FROM m GROUP BY 1)
  UPDATE archive_entitycount c
    SET mentions = c.mentions + p.mentions, articles = c.articles + p.articles
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))), t AS (SELECT id, is_public::int - was_public::int AS sign FROM ch WHERE is_public <> was_public),
  v AS (
    SELECT c.id, c.speaker_id, t.sign FROM archive_claim c JOIN t ON t.id = c.article_id
    WHERE c.status <> 'rejected' AND NOT c.is_orphaned),
  changes AS (
    SELECT speaker_id AS entity_id, sign FROM v WHERE speaker_id IS NOT NULL
    UNION ALL
    SELECT cs.entity_id, v.sign FROM v JOIN archive_claimsubject cs ON cs.claim_id = v.id),
  per_entity AS (SELECT entity_id, sum(sign) AS n FROM changes GROUP BY 1)
  UPDATE archive_entitycount c SET claims = c.claims + p.n
    FROM per_entity p WHERE c.entity_id = p.entity_id;
  WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))), t AS (SELECT id, is_public::int - was_public::int AS sign FROM ch WHERE is_public <> was_public)
  INSERT INTO archive_claimdatecount (date, claims)
    SELECT c.date, sum(t.sign) FROM archive_claim c JOIN t ON t.id = c.article_id
    WHERE c.status <> 'rejected' AND NOT c.is_orphaned GROUP BY 1 HAVING sum(t.sign) <> 0 ORDER BY 1
  ON CONFLICT (date)
    DO UPDATE SET claims = archive_claimdatecount.claims + excluded.claims;
  WITH ch AS (
    SELECT n.id, o.is_public AS was_public, n.is_public,
           date_trunc('month', o.published)::date AS old_month,
           date_trunc('month', n.published)::date AS new_month
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.is_public <> o.is_public
       OR (n.is_public AND date_trunc('month', n.published)
           IS DISTINCT FROM date_trunc('month', o.published))),
  moves AS (
    SELECT m.entity_id, ch.old_month AS month, -count(*) AS n
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.was_public AND ch.old_month IS NOT NULL
        AND m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY 1, 2
    UNION ALL
    SELECT m.entity_id, ch.new_month, count(*)
      FROM archive_mention m JOIN ch ON ch.id = m.article_id
      WHERE ch.is_public AND ch.new_month IS NOT NULL
        AND m.status <> 'rejected' AND NOT m.is_orphaned GROUP BY 1, 2)
  INSERT INTO archive_entitymonthcount (entity_id, month, mentions)
    SELECT entity_id, month, sum(n) FROM moves GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
  ON CONFLICT (entity_id, month)
    DO UPDATE SET mentions = archive_entitymonthcount.mentions + excluded.mentions;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_article_update AFTER UPDATE ON archive_article REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_article_update();

CREATE OR REPLACE FUNCTION archive_counts_article_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('archive.counts_paused', true) = 'on' THEN RETURN NULL; END IF;
  
  INSERT INTO archive_datecount (published, precision, articles)
    SELECT published, published_precision, sum(sign) FROM (
      SELECT published, published_precision, -1 AS sign FROM old_rows WHERE is_public AND published IS NOT NULL
    ) x GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
  ON CONFLICT (published, precision)
    DO UPDATE SET articles = archive_datecount.articles + excluded.articles;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_counts_article_delete AFTER DELETE ON archive_article REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_counts_article_delete();"""

REBUILD_CLAIM_DATES_SQL = [
    """LOCK TABLE archive_claimdatecount IN SHARE ROW EXCLUSIVE MODE""",
    """DELETE FROM archive_claimdatecount""",
    """INSERT INTO archive_claimdatecount (date, claims)
    SELECT c.date, count(*) FROM archive_claim c JOIN archive_article a ON a.id = c.article_id
    WHERE c.status <> 'rejected' AND NOT c.is_orphaned AND a.is_public GROUP BY 1""",
    """ANALYZE archive_claimdatecount""",
]
