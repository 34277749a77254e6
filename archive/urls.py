from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<str:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("people/<str:slug>/", views.EntityDetailView.as_view(kind="person"), name="person_detail"),
    path(
        "organizations/<str:slug>/",
        views.EntityDetailView.as_view(kind="organization"),
        name="organization_detail",
    ),
    path("places/<str:slug>/", views.EntityDetailView.as_view(kind="place"), name="place_detail"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
]
