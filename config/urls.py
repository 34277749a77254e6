from django.contrib import admin
from django.urls import include, path

from archive.web.middleware import switch_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The language switch's link (the other language's address, kept as a preference).
    path("i18n/switch/", switch_language, name="switch_language"),
    path("", include("archive.pages.seo")),  # robots.txt and the sitemaps, at the root
    # The API at one address; the public pages in English unprefixed and Arabic under /ar/
    # (archive/urls.py).
    path("", include("archive.urls")),
]

handler400 = "archive.admin.annotator.bad_request"
handler404 = "archive.web.middleware.not_found"
handler500 = "archive.web.middleware.server_error"
