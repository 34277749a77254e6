"""The archive as linked data: schema.org JSON-LD for claim pages and W3C Web Annotations
for the API, built from the same rows the pages show.

Every URL is absolute (`request.build_absolute_uri`): the JSON leaves the site.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from archive.formats.rendering import date_at_precision
from archive.models import Verification

# Characters of context on each side of a TextQuoteSelector's exact words.
QUOTE_CONTEXT = 32
SCHEMA_TYPES = {"person": "Person", "organization": "Organization", "place": "Place"}


def script_json(data) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(text)


# schema.org -------------------------------------------------------------------------------


def _thing(entity, schema_type: str = "Thing", url: str | None = None) -> dict:
    thing = {"@type": schema_type, "name": entity.name}
    if url:
        thing["url"] = url
    if entity.wikidata_id:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata_id}"
    return thing


def _news_article(request, article) -> dict:
    data = {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "inLanguage": article.language,
    }
    if article.published:
        # "2018" or "2020-01" when that is all that is known: never a made-up 1st.
        data["datePublished"] = date_at_precision(article, iso=True)
    if article.source_id:
        data["publisher"] = {"@type": "Organization", "name": article.source.name}
    return data


def claim_json_ld(request, claim, reports, about) -> dict:
    """schema.org Claim (inside a ClaimReview when the archive rated it).

    `reports` are the visible articles' records of the same claim, first recorded first;
    `about` the entities it is about.
    """
    first = reports[0].article if reports else claim.article
    data: dict = {
        "@type": "Claim",
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "text": claim.text,
        "appearance": [_news_article(request, r.article) for r in reports]
        or [_news_article(request, claim.article)],
        "firstAppearance": _news_article(request, first),
    }
    # schema.org's author is a Person or an Organization: a place "says" nothing.
    if claim.speaker_id and claim.speaker.kind in ("person", "organization"):
        speaker = claim.speaker
        data["author"] = _thing(
            speaker,
            SCHEMA_TYPES.get(speaker.kind, "Thing"),
            request.build_absolute_uri(speaker.get_absolute_url()),
        )
    if claim.date:
        data["dateCreated"] = claim.date.isoformat()
    if about:
        data["about"] = [_thing(entity) for entity in about]
    if claim.verification == Verification.UNVERIFIED:
        return {"@context": "https://schema.org", **data}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": data["url"],
        "claimReviewed": claim.text,
        "itemReviewed": data,
        "reviewRating": {"@type": "Rating", "alternateName": claim.get_verification_display()},
    }


# W3C Web Annotations ----------------------------------------------------------------------


def annotation_collection(request, article, mentions, claims) -> dict:
    """The article's mentions and claims as one AnnotationCollection (JSON-LD) whose id
    is the requested URL."""
    collection_id = request.build_absolute_uri()
    items = [_mention_annotation(request, article, m) for m in mentions]
    items += [_claim_annotation(request, article, c) for c in claims]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Mentions and claims in “{article.title}”",
        "total": len(items),
        "first": {
            "id": collection_id + "#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def _resource(request, purpose: str, obj) -> dict:
    return {
        "type": "SpecificResource",
        "purpose": purpose,
        "source": request.build_absolute_uri(obj.get_absolute_url()),
    }


def _annotation_id(request, article, fragment: str) -> str:
    return request.build_absolute_uri(f"/api/articles/{article.slug}/annotations/") + f"#{fragment}"


def _utc(moment: datetime.datetime) -> str:
    """xsd:dateTime in UTC with a Z, as the Web Annotation model asks of `created`."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _target(request, article, span) -> dict:
    """A SpecificResource whose source is the text the positions count in: the article's
    plain text (/articles/<slug>/text/, the API record's `body` as it is), in Unicode code
    points, so a generic client that fetches the source finds each quote at its place."""
    body = article.body
    return {
        "type": "SpecificResource",
        "source": {
            "id": request.build_absolute_uri(reverse("archive:article_text", args=[article.slug])),
            "type": "Text",
            "format": "text/plain",
            "language": article.language,
        },
        "selector": [
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            {
                "type": "TextQuoteSelector",
                "exact": span.text,
                "prefix": body[max(0, span.start - QUOTE_CONTEXT) : span.start],
                "suffix": body[span.end : span.end + QUOTE_CONTEXT],
            },
        ],
    }


def _creator() -> dict:
    """Who made the annotation: the archive's analysts, published as the archive (their
    own names stay in the admin's history)."""
    return {"type": "Organization", "name": settings.ARCHIVE_SITE_NAME}


def _mention_annotation(request, article, mention) -> dict:
    entity = _resource(request, "identifying", mention.entity)
    kind = {
        "type": "TextualBody",
        "purpose": "tagging",
        "value": mention.entity.kind,
        "format": "text/plain",
    }
    annotation = {
        "id": _annotation_id(request, article, f"mention-{mention.pk}"),
        "type": "Annotation",
        "motivation": "identifying",
        "created": _utc(mention.created),
        "creator": _creator(),
        "body": [entity, kind],
        "target": _target(request, article, mention),
    }
    if mention.status == "suggested":
        annotation["generator"] = {"type": "Software", "name": "archive.text.matcher"}
    return annotation


def _claim_annotation(request, article, claim) -> dict:
    bodies = [
        {
            "type": "TextualBody",
            "purpose": "classifying",
            "value": claim.kind,
            "format": "text/plain",
        },
        _resource(request, "linking", claim),
    ]
    if claim.speaker_id:
        bodies.append(_resource(request, "identifying", claim.speaker))
    bodies += [_resource(request, "tagging", entity) for entity in claim.about.all()]
    return {
        "id": _annotation_id(request, article, f"claim-{claim.pk}"),
        "type": "Annotation",
        "motivation": "describing",
        "created": _utc(claim.created),
        "creator": _creator(),
        "body": bodies,
        "target": _target(request, article, claim),
    }
