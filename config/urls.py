from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from archive.pages.seo import SITEMAPS, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("archive.urls")),
]

handler500 = "archive.web.middleware.server_error"
