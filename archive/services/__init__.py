"""Writes that touch several rows or models, each a keyword-only, typed function named
<thing>_<action>. Callers (the admin, its annotator endpoints, commands) hold no business
rules of their own; they import from here.

    annotations   tag, record, review, place, edit and delete mentions and claims
    propagation   propose confirmed annotations in an article's translations
    entities      make an entity from words of an article, merge two entities, keep an
                  entity's own names as its alias rows
    article_text  replace an article's text, re-anchoring its annotations
    names         names learned from the texts: proposals, accepted or rejected; unknown names
    suggestions   the matcher's suggested mentions, stored (run in worker processes)
    slugs         the one free-slug rule
"""

from archive.services.annotations import (
    StaleEdit,
    annotation_create,
    annotation_delete,
    annotation_place,
    annotation_update,
    claim_create,
    edit_token,
    mention_confirm,
    mention_create,
    mention_create_with_entity,
    mention_reject,
    mentions_review,
)
from archive.services.article_text import article_text_replace, reanchor
from archive.services.entities import (
    check_name,
    entity_create,
    entity_merge,
    entity_names_sync,
)
from archive.services.names import (
    names_learn,
    proposal_accept,
    proposal_reject,
    unknown_name_adopt,
    unknown_names,
)
from archive.services.propagation import annotations_propagate, body_paragraphs
from archive.services.slugs import unique_slug

__all__ = [
    "StaleEdit",
    "annotation_create",
    "annotation_delete",
    "annotation_place",
    "annotation_update",
    "annotations_propagate",
    "article_text_replace",
    "body_paragraphs",
    "check_name",
    "claim_create",
    "edit_token",
    "entity_create",
    "entity_merge",
    "entity_names_sync",
    "mention_confirm",
    "mention_create",
    "mention_create_with_entity",
    "mention_reject",
    "mentions_review",
    "names_learn",
    "proposal_accept",
    "proposal_reject",
    "reanchor",
    "unique_slug",
    "unknown_name_adopt",
    "unknown_names",
]
