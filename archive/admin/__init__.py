"""The analysts' admin: annotate articles, review suggestions, curate entities.

    articles     sources, stories, articles (text edits re-anchor; the annotator's URLs)
    entities     entities, aliases, merges
    annotations  mentions and claims, with stale-edit refusal
    names        names learned from the texts (proposals), unknown names
    collecting   outlets' feeds with their health, the addresses collected
    collect_url  "Add from address": one page an analyst pastes
    links        proposed copies, translations and coverage, confirmed or rejected
    annotator    the annotator's JSON endpoints; serializers: what they accept

Permissions come from the Analyst and Editor groups (migrations 0003_groups,
0016_name_proposals for name proposals, 0020_collecting_permissions for collecting and
link proposals):

    model          Analyst                           Editor
    source, story  view                              view add change delete
    article        view                              view add change delete
    entity, alias  view add change                   view add change delete
    mention, claim view add change delete(own only)  view add change delete
                   (who may delete an annotation: archive.permissions)
    entity merge   view                              view (rows are made by the merge action)
    name proposal  view change (accept, reject)      view add change delete
    feed           view                              view add change delete
    collected item view                              view
    link proposal  view change (confirm, reject)     view change delete (made by the grouping)

Large tables never count every row on a page load; per-row counts come from subqueries
annotated in get_queryset (one query per page).
"""

from django.contrib import admin
from django.utils.functional import lazy

# Each registers its models; collect_url (after articles) mounts "Add from address" on them.
from archive.admin import (  # noqa: F401
    annotations,
    articles,
    collect_url,
    collecting,
    entities,
    links,
    names,
)
from archive.pages.context_processors import site_text

# The archive's name (a setting) in the admin's header and <title>, read per request:
# the active language chooses the English or Arabic one.
_site_name = lazy(lambda: site_text("ARCHIVE_SITE_NAME"), str)
admin.site.site_header = _site_name()
admin.site.site_title = _site_name()
