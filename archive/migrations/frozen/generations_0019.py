"""The SQL migration 0019_scoped_generations ran: archive.web.scopes' triggers_sql() and
drop_triggers_sql() as they were then, frozen. A later change of the scopes a write moves is
installed by a migration of its own, with its own copy (tests/test_cache_scopes.py checks
that the database runs what archive.web.scopes writes now)."""

# ruff: noqa: E501, W291, W293
TRIGGERS_SQL = """
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


CREATE OR REPLACE FUNCTION archive_generations_article_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug, story_id, translation_of_id, is_public AS shown FROM new_rows),
    shown AS (SELECT * FROM r WHERE shown),
    related AS (
      SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.story_id IN (SELECT story_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.translation_of_id IN (
          SELECT id FROM shown UNION SELECT translation_of_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.id IN (SELECT translation_of_id FROM shown))
    SELECT 'article:' || slug FROM r
    UNION SELECT 'lists' FROM shown
    UNION SELECT 'stories' FROM shown WHERE story_id IS NOT NULL
    UNION SELECT 'article:' || slug FROM related
    UNION SELECT 'story:' || st.slug FROM archive_story st
      WHERE st.id IN (SELECT story_id FROM shown UNION SELECT story_id FROM related)
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT m.entity_id FROM archive_mention m
        WHERE m.article_id IN (SELECT id FROM shown)
      UNION SELECT c.speaker_id FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown)
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
        JOIN archive_claim c ON c.id = cs.claim_id WHERE c.article_id IN (SELECT id FROM shown))
    UNION SELECT 'claims' WHERE EXISTS (
      SELECT 1 FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown))
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_article_insert AFTER INSERT ON archive_article REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_article_insert();

CREATE OR REPLACE FUNCTION archive_generations_article_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug, story_id, translation_of_id, is_public AS shown FROM new_rows UNION ALL SELECT id, slug, story_id, translation_of_id, is_public AS shown FROM old_rows),
    shown AS (SELECT * FROM r WHERE shown),
    related AS (
      SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.story_id IN (SELECT story_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.translation_of_id IN (
          SELECT id FROM shown UNION SELECT translation_of_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.id IN (SELECT translation_of_id FROM shown))
    SELECT 'article:' || slug FROM r
    UNION SELECT 'lists' FROM shown
    UNION SELECT 'stories' FROM shown WHERE story_id IS NOT NULL
    UNION SELECT 'article:' || slug FROM related
    UNION SELECT 'story:' || st.slug FROM archive_story st
      WHERE st.id IN (SELECT story_id FROM shown UNION SELECT story_id FROM related)
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT m.entity_id FROM archive_mention m
        WHERE m.article_id IN (SELECT id FROM shown)
      UNION SELECT c.speaker_id FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown)
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
        JOIN archive_claim c ON c.id = cs.claim_id WHERE c.article_id IN (SELECT id FROM shown))
    UNION SELECT 'claims' WHERE EXISTS (
      SELECT 1 FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown))
    UNION SELECT 'entities' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.is_public <> o.is_public
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_article_update AFTER UPDATE ON archive_article REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_article_update();

CREATE OR REPLACE FUNCTION archive_generations_article_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug, story_id, translation_of_id, is_public AS shown FROM old_rows),
    shown AS (SELECT * FROM r WHERE shown),
    related AS (
      SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.story_id IN (SELECT story_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.translation_of_id IN (
          SELECT id FROM shown UNION SELECT translation_of_id FROM shown)
      UNION SELECT a.id, a.slug, a.story_id FROM archive_article a
        WHERE a.id IN (SELECT translation_of_id FROM shown))
    SELECT 'article:' || slug FROM r
    UNION SELECT 'lists' FROM shown
    UNION SELECT 'stories' FROM shown WHERE story_id IS NOT NULL
    UNION SELECT 'article:' || slug FROM related
    UNION SELECT 'story:' || st.slug FROM archive_story st
      WHERE st.id IN (SELECT story_id FROM shown UNION SELECT story_id FROM related)
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT m.entity_id FROM archive_mention m
        WHERE m.article_id IN (SELECT id FROM shown)
      UNION SELECT c.speaker_id FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown)
      UNION SELECT cs.entity_id FROM archive_claimsubject cs
        JOIN archive_claim c ON c.id = cs.claim_id WHERE c.article_id IN (SELECT id FROM shown))
    UNION SELECT 'claims' WHERE EXISTS (
      SELECT 1 FROM archive_claim c WHERE c.article_id IN (SELECT id FROM shown))
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_article_delete AFTER DELETE ON archive_article REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_article_delete();

CREATE OR REPLACE FUNCTION archive_generations_mention_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT article_id, entity_id FROM new_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r UNION SELECT m.entity_id FROM archive_mention m WHERE m.article_id IN (SELECT id FROM arts WHERE shown))
    UNION SELECT unnest(ARRAY['lists', 'entities']) WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_mention_insert AFTER INSERT ON archive_mention REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_mention_insert();

CREATE OR REPLACE FUNCTION archive_generations_mention_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT article_id, entity_id FROM new_rows UNION ALL SELECT article_id, entity_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r UNION SELECT m.entity_id FROM archive_mention m WHERE m.article_id IN (SELECT id FROM arts WHERE shown))
    UNION SELECT unnest(ARRAY['lists', 'entities']) WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_mention_update AFTER UPDATE ON archive_mention REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_mention_update();

CREATE OR REPLACE FUNCTION archive_generations_mention_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT article_id, entity_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r UNION SELECT m.entity_id FROM archive_mention m WHERE m.article_id IN (SELECT id FROM arts WHERE shown))
    UNION SELECT unnest(ARRAY['lists', 'entities']) WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_mention_delete AFTER DELETE ON archive_mention REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_mention_delete();

CREATE OR REPLACE FUNCTION archive_generations_claim_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, article_id, speaker_id FROM new_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT speaker_id FROM r UNION SELECT cs.entity_id FROM archive_claimsubject cs WHERE cs.claim_id IN (SELECT id FROM r))
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claim_insert AFTER INSERT ON archive_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claim_insert();

CREATE OR REPLACE FUNCTION archive_generations_claim_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, article_id, speaker_id FROM new_rows UNION ALL SELECT id, article_id, speaker_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT speaker_id FROM r UNION SELECT cs.entity_id FROM archive_claimsubject cs WHERE cs.claim_id IN (SELECT id FROM r))
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claim_update AFTER UPDATE ON archive_claim REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claim_update();

CREATE OR REPLACE FUNCTION archive_generations_claim_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, article_id, speaker_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT article_id FROM r))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT speaker_id FROM r UNION SELECT cs.entity_id FROM archive_claimsubject cs WHERE cs.claim_id IN (SELECT id FROM r))
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claim_delete AFTER DELETE ON archive_claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claim_delete();

CREATE OR REPLACE FUNCTION archive_generations_claimsubject_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT claim_id, entity_id FROM new_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT c.article_id FROM archive_claim c WHERE c.id IN (SELECT claim_id FROM r)))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r)
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claimsubject_insert AFTER INSERT ON archive_claimsubject REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claimsubject_insert();

CREATE OR REPLACE FUNCTION archive_generations_claimsubject_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT claim_id, entity_id FROM new_rows UNION ALL SELECT claim_id, entity_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT c.article_id FROM archive_claim c WHERE c.id IN (SELECT claim_id FROM r)))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r)
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claimsubject_update AFTER UPDATE ON archive_claimsubject REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claimsubject_update();

CREATE OR REPLACE FUNCTION archive_generations_claimsubject_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT claim_id, entity_id FROM old_rows),
    arts AS (SELECT a.id, a.slug, a.is_public AS shown FROM archive_article a WHERE a.id IN (SELECT c.article_id FROM archive_claim c WHERE c.id IN (SELECT claim_id FROM r)))
    SELECT 'article:' || slug FROM arts
    UNION SELECT 'claims'
    UNION SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM r)
    UNION SELECT 'entities' WHERE EXISTS (SELECT 1 FROM arts WHERE shown)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_claimsubject_delete AFTER DELETE ON archive_claimsubject REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_claimsubject_delete();

CREATE OR REPLACE FUNCTION archive_generations_entity_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'entity:' || slug FROM new_rows
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_entity_insert AFTER INSERT ON archive_entity REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_entity_insert();

CREATE OR REPLACE FUNCTION archive_generations_entity_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'entity:' || slug FROM (SELECT slug FROM new_rows UNION ALL SELECT slug FROM old_rows) r
    UNION SELECT 'entities'
    UNION SELECT 'global' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.name, n.name_ar, n.slug, n.kind) IS DISTINCT FROM (o.name, o.name_ar, o.slug, o.kind)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_entity_update AFTER UPDATE ON archive_entity REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_entity_update();

CREATE OR REPLACE FUNCTION archive_generations_entity_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'global'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_entity_delete AFTER DELETE ON archive_entity REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_entity_delete();

CREATE OR REPLACE FUNCTION archive_generations_alias_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM (SELECT entity_id FROM new_rows) r)
    UNION SELECT 'entities'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_alias_insert AFTER INSERT ON archive_alias REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_alias_insert();

CREATE OR REPLACE FUNCTION archive_generations_alias_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM (SELECT entity_id FROM new_rows UNION ALL SELECT entity_id FROM old_rows) r)
    UNION SELECT 'entities'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_alias_update AFTER UPDATE ON archive_alias REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_alias_update();

CREATE OR REPLACE FUNCTION archive_generations_alias_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'entity:' || e.slug FROM archive_entity e WHERE e.id IN (SELECT entity_id FROM (SELECT entity_id FROM old_rows) r)
    UNION SELECT 'entities'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_alias_delete AFTER DELETE ON archive_alias REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_alias_delete();

CREATE OR REPLACE FUNCTION archive_generations_source_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'global' FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.name, n.slug, n.url, n.country, n.language) IS DISTINCT FROM (o.name, o.slug, o.url, o.country, o.language)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_source_update AFTER UPDATE ON archive_source REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_source_update();

CREATE OR REPLACE FUNCTION archive_generations_source_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    SELECT 'global'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_source_delete AFTER DELETE ON archive_source REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_source_delete();

CREATE OR REPLACE FUNCTION archive_generations_story_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug FROM new_rows)
    SELECT 'story:' || slug FROM r
    UNION SELECT 'stories'
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_story_insert AFTER INSERT ON archive_story REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_story_insert();

CREATE OR REPLACE FUNCTION archive_generations_story_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug FROM new_rows UNION ALL SELECT id, slug FROM old_rows)
    SELECT 'story:' || slug FROM r
    UNION SELECT 'stories'
    UNION SELECT 'article:' || a.slug FROM archive_article a WHERE a.story_id IN (SELECT id FROM r)
    UNION SELECT 'lists' WHERE EXISTS (
      SELECT 1 FROM archive_article a WHERE a.story_id IN (SELECT id FROM r) AND a.is_public)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_story_update AFTER UPDATE ON archive_story REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_story_update();

CREATE OR REPLACE FUNCTION archive_generations_story_delete() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM old_rows LIMIT 1001) x) > 1000 THEN
    PERFORM archive_generations_queue(ARRAY['global']);
  ELSE
    PERFORM archive_generations_queue(ARRAY(
    WITH r AS (SELECT id, slug FROM old_rows)
    SELECT 'story:' || slug FROM r
    UNION SELECT 'stories'
    UNION SELECT 'article:' || a.slug FROM archive_article a WHERE a.story_id IN (SELECT id FROM r)
    UNION SELECT 'lists' WHERE EXISTS (
      SELECT 1 FROM archive_article a WHERE a.story_id IN (SELECT id FROM r) AND a.is_public)
    ));
  END IF;
  RETURN NULL;
END $fn$;

CREATE TRIGGER archive_generations_story_delete AFTER DELETE ON archive_story REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_story_delete();
CREATE TRIGGER archive_generations_article_global AFTER TRUNCATE ON archive_article FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_mention_global AFTER TRUNCATE ON archive_mention FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_claim_global AFTER TRUNCATE ON archive_claim FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_claimsubject_global AFTER TRUNCATE ON archive_claimsubject FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_entity_global AFTER TRUNCATE ON archive_entity FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_alias_global AFTER TRUNCATE ON archive_alias FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_source_global AFTER TRUNCATE ON archive_source FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_story_global AFTER TRUNCATE ON archive_story FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_entitymerge_global AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON archive_entitymerge FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE TRIGGER archive_generations_entityredirect_global AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON archive_entityredirect FOR EACH STATEMENT EXECUTE FUNCTION archive_generations_global();
CREATE CONSTRAINT TRIGGER archive_generations_flush AFTER INSERT ON archive_generation_pending DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.scope = '') EXECUTE FUNCTION archive_generations_flush();"""

DROP_TRIGGERS_SQL = """DROP TRIGGER IF EXISTS archive_generations_article_insert ON archive_article;
DROP FUNCTION IF EXISTS archive_generations_article_insert();
DROP TRIGGER IF EXISTS archive_generations_article_update ON archive_article;
DROP FUNCTION IF EXISTS archive_generations_article_update();
DROP TRIGGER IF EXISTS archive_generations_article_delete ON archive_article;
DROP FUNCTION IF EXISTS archive_generations_article_delete();
DROP TRIGGER IF EXISTS archive_generations_mention_insert ON archive_mention;
DROP FUNCTION IF EXISTS archive_generations_mention_insert();
DROP TRIGGER IF EXISTS archive_generations_mention_update ON archive_mention;
DROP FUNCTION IF EXISTS archive_generations_mention_update();
DROP TRIGGER IF EXISTS archive_generations_mention_delete ON archive_mention;
DROP FUNCTION IF EXISTS archive_generations_mention_delete();
DROP TRIGGER IF EXISTS archive_generations_claim_insert ON archive_claim;
DROP FUNCTION IF EXISTS archive_generations_claim_insert();
DROP TRIGGER IF EXISTS archive_generations_claim_update ON archive_claim;
DROP FUNCTION IF EXISTS archive_generations_claim_update();
DROP TRIGGER IF EXISTS archive_generations_claim_delete ON archive_claim;
DROP FUNCTION IF EXISTS archive_generations_claim_delete();
DROP TRIGGER IF EXISTS archive_generations_claimsubject_insert ON archive_claimsubject;
DROP FUNCTION IF EXISTS archive_generations_claimsubject_insert();
DROP TRIGGER IF EXISTS archive_generations_claimsubject_update ON archive_claimsubject;
DROP FUNCTION IF EXISTS archive_generations_claimsubject_update();
DROP TRIGGER IF EXISTS archive_generations_claimsubject_delete ON archive_claimsubject;
DROP FUNCTION IF EXISTS archive_generations_claimsubject_delete();
DROP TRIGGER IF EXISTS archive_generations_entity_insert ON archive_entity;
DROP FUNCTION IF EXISTS archive_generations_entity_insert();
DROP TRIGGER IF EXISTS archive_generations_entity_update ON archive_entity;
DROP FUNCTION IF EXISTS archive_generations_entity_update();
DROP TRIGGER IF EXISTS archive_generations_entity_delete ON archive_entity;
DROP FUNCTION IF EXISTS archive_generations_entity_delete();
DROP TRIGGER IF EXISTS archive_generations_alias_insert ON archive_alias;
DROP FUNCTION IF EXISTS archive_generations_alias_insert();
DROP TRIGGER IF EXISTS archive_generations_alias_update ON archive_alias;
DROP FUNCTION IF EXISTS archive_generations_alias_update();
DROP TRIGGER IF EXISTS archive_generations_alias_delete ON archive_alias;
DROP FUNCTION IF EXISTS archive_generations_alias_delete();
DROP TRIGGER IF EXISTS archive_generations_source_update ON archive_source;
DROP FUNCTION IF EXISTS archive_generations_source_update();
DROP TRIGGER IF EXISTS archive_generations_source_delete ON archive_source;
DROP FUNCTION IF EXISTS archive_generations_source_delete();
DROP TRIGGER IF EXISTS archive_generations_story_insert ON archive_story;
DROP FUNCTION IF EXISTS archive_generations_story_insert();
DROP TRIGGER IF EXISTS archive_generations_story_update ON archive_story;
DROP FUNCTION IF EXISTS archive_generations_story_update();
DROP TRIGGER IF EXISTS archive_generations_story_delete ON archive_story;
DROP FUNCTION IF EXISTS archive_generations_story_delete();
DROP TRIGGER IF EXISTS archive_generations_article_global ON archive_article;
DROP TRIGGER IF EXISTS archive_generations_mention_global ON archive_mention;
DROP TRIGGER IF EXISTS archive_generations_claim_global ON archive_claim;
DROP TRIGGER IF EXISTS archive_generations_claimsubject_global ON archive_claimsubject;
DROP TRIGGER IF EXISTS archive_generations_entity_global ON archive_entity;
DROP TRIGGER IF EXISTS archive_generations_alias_global ON archive_alias;
DROP TRIGGER IF EXISTS archive_generations_source_global ON archive_source;
DROP TRIGGER IF EXISTS archive_generations_story_global ON archive_story;
DROP TRIGGER IF EXISTS archive_generations_entitymerge_global ON archive_entitymerge;
DROP TRIGGER IF EXISTS archive_generations_entityredirect_global ON archive_entityredirect;
DROP TRIGGER IF EXISTS archive_generations_flush ON archive_generation_pending;
DROP FUNCTION IF EXISTS archive_generations_global();
DROP FUNCTION IF EXISTS archive_generations_flush();
DROP FUNCTION IF EXISTS archive_generations_queue(text[]);"""
