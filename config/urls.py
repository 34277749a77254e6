from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("archive.pages.seo")),  # robots.txt and the sitemaps, at the root
    path("", include("archive.urls")),
]

handler400 = "archive.admin.annotator.bad_request"
handler404 = "archive.web.middleware.not_found"
handler500 = "archive.web.middleware.server_error"
