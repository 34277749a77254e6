from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from archive.api.views import router
from archive.pages import articles, claims, dates, entities, search, stories
from archive.pages.common import KIND_PLURAL, follow_merges
from archive.pages.feeds import EntityFeed, FollowFeed


def digits(width: int) -> type:
    """A path converter class for a number written with exactly `width` digits."""

    class Digits:
        regex = f"[0-9]{{{width}}}"

        def to_python(self, value):
            return int(value)

        def to_url(self, value):
            return f"{int(value):0{width}d}"

    return Digits


register_converter(digits(4), "yyyy")
register_converter(digits(2), "dd")

app_name = "archive"

# The public pages, in each language at its own address: English at the unprefixed address,
# Arabic under /ar/ (docs/architecture.md, "The public routes"). The API is outside them:
# one answer in every language, at one address.
public = [
    path("", articles.HomeView.as_view(), name="home"),
    path("articles/", articles.ArticleListView.as_view(), name="article_list"),
    path("articles/<str:slug>/", articles.ArticleDetailView.as_view(), name="article_detail"),
    path(
        "articles/<str:slug>/compare/<str:other>/",
        articles.CompareView.as_view(),
        name="article_compare",
    ),
    path("search/", search.SearchView.as_view(), name="search"),
    # Any search or filtered article list as an Atom feed (the "Follow" link).
    path("search/feed/", FollowFeed(), name="search_feed"),
    path("stories/", stories.StoryListView.as_view(), name="stories"),
    path("stories/<str:slug>/", stories.StoryDetailView.as_view(), name="story_detail"),
    path("claims/", claims.ClaimListView.as_view(), name="claims"),
    path("claims/<int:pk>/", claims.ClaimDetailView.as_view(), name="claim_detail"),
    path("dates/", dates.DateIndexView.as_view(), name="dates"),
    path("dates/undated/", dates.UndatedView.as_view(), name="dates_undated"),
    path("dates/<yyyy:year>/", dates.DateArchiveView.as_view(), name="dates_year"),
    path("dates/<yyyy:year>/<dd:month>/", dates.DateArchiveView.as_view(), name="dates_month"),
    path(
        "dates/<yyyy:year>/<dd:month>/<dd:day>/",
        dates.DateArchiveView.as_view(),
        name="dates_day",
    ),
]

api = [
    # An article's text as stored (what annotations' selectors count in): the same bytes in
    # every language, so at one address.
    path("articles/<str:slug>/text/", articles.article_text, name="article_text"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        # Redoc's search runs in a Web Worker it starts from a blob: address.
        csp_update({"worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="archive:api_schema")
        ),
        name="api_docs",
    ),
    path("api/", include(router.urls)),
]

for kind, plural in KIND_PLURAL.items():
    public += [
        path(f"{plural}/", entities.EntityIndexView.as_view(kind=kind), name=plural),
        path(
            f"{plural}/<str:slug>/",
            entities.EntityDetailView.as_view(kind=kind),
            name=f"{kind}_detail",
        ),
        path(
            f"{plural}/<str:slug>/feed/",
            follow_merges(EntityFeed()),
            {"kind": kind},
            name=f"{kind}_feed",
        ),
    ]

# i18n_patterns one level down, inside the archive's namespace (the names stay
# "archive:..."): include() refuses a language prefix at the top of an included module, so
# it is given as path()'s (patterns, app_name, namespace) triple. The prefix is read by
# archive.web.middleware.LanguageMiddleware (which replaces Django's LocaleMiddleware: that
# one looks for i18n_patterns only at the root URLconf).
urlpatterns = [
    *api,
    path("", (i18n_patterns(*public, prefix_default_language=False), None, None)),
]
