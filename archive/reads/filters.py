"""FilterSets shared by the pages and the JSON API (django-filter).

A filter that names an entity (entity, speaker, about) reads it as
`archive.reads.names.entity_id` does: its slug, or any of its names in any spelling or
script."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from archive.models import (
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    EntityKind,
    Verification,
)
from archive.reads.fulltext import search_articles, wants_expansion
from archive.reads.names import entity_id, suggested_entities


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Words"))
    language = django_filters.CharFilter(field_name="language", label=_("Language"))
    source = django_filters.CharFilter(field_name="source__slug", label=_("Source"))
    entity = django_filters.CharFilter(method="filter_entity", label=_("Names"))
    date_from = django_filters.DateFilter(
        field_name="published", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(field_name="published", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Article
        fields = ["q", "language", "source", "entity", "date_from", "date_to"]

    def filter_q(self, queryset, name, value):
        return search_articles(queryset, value, expand_entities=wants_expansion(self.data))

    def filter_entity(self, queryset, name, value):
        pk = entity_id(value)
        return queryset.none() if pk is None else queryset.naming_entity(pk)


class EntityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices, label=_("Kind"))

    class Meta:
        model = Entity
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        # What a name box suggests as the reader types (archive.reads.names).
        return suggested_entities(queryset, value)


class ClaimFilter(django_filters.FilterSet):
    speaker = django_filters.CharFilter(method="filter_speaker", label=_("Speaker"))
    about = django_filters.CharFilter(method="filter_about", label=_("About"))
    source = django_filters.CharFilter(field_name="article__source__slug", label=_("Source"))
    language = django_filters.CharFilter(field_name="article__language", label=_("Language"))
    # The entities a claim is about are its subjects (ClaimSubject): either name is read.
    subject = django_filters.CharFilter(method="filter_about", label=_("About"))
    kind = django_filters.ChoiceFilter(choices=ClaimKind.choices, label=_("Kind"))
    verification = django_filters.ChoiceFilter(
        field_name="verification", choices=Verification.choices, label=_("Status")
    )
    # Its former name, still read from older links and clients. (A claim's own `status` is
    # its review status, not this.)
    status = django_filters.ChoiceFilter(
        field_name="verification",
        choices=Verification.choices,
        label=_("Status"),
        help_text="The former name of verification, still read.",
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Claim
        fields = [
            "speaker",
            "about",
            "subject",
            "source",
            "language",
            "kind",
            "verification",
            "status",
            "date_from",
            "date_to",
        ]

    def filter_speaker(self, queryset, name, value):
        pk = entity_id(value)
        return queryset.none() if pk is None else queryset.filter(speaker_id=pk)

    def filter_about(self, queryset, name, value):
        pk = entity_id(value)
        if pk is None:
            return queryset.none()
        links = ClaimSubject.objects.filter(claim=OuterRef("pk"), entity_id=pk)
        return queryset.filter(Exists(links))
