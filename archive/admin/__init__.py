"""The analysts' admin: annotate articles, review suggestions, curate entities.

    articles     sources, stories, articles (text edits re-anchor; the annotator's URLs)
    entities     entities, aliases, merges
    annotations  mentions and claims, with stale-edit refusal
    annotator    the annotator's JSON endpoints; serializers: what they accept

Permissions come from the Analyst and Editor groups (migration 0003_groups):

    model          Analyst                           Editor
    source, story  view                              view add change delete
    article        view                              view add change delete
    entity, alias  view add change                   view add change delete
    mention, claim view add change delete(own only)  view add change delete
                   (who may delete an annotation: archive.permissions)
    entity merge   view                              view (rows are made by the merge action)

Large tables never count every row on a page load; per-row counts come from subqueries
annotated in get_queryset (one query per page).
"""

from archive.admin import annotations, articles, entities  # noqa: F401 - each registers its models
