"""JSON endpoints behind the article annotator, mounted by ArticleAdmin.get_urls under /admin/.

Every view runs inside admin_site.admin_view (staff login, CSRF on POST) and checks the
model permission it needs. Offsets are Unicode code points (Python str indexes), in the API
and the annotator alike; they come from the page and the server checks them against the
stored body (archive.services) before anything is written. Bad input is a 400 with a
message, a write from a stale page a 409, never a 500.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers

from archive import services
from archive.admin.serializers import (
    AnnotationEditInput,
    AnnotationInput,
    ClaimInput,
    MentionInput,
    ReviewInput,
    SpanInput,
    first_error,
    read_json,
)
from archive.models import (
    Alias,
    Article,
    Claim,
    ClaimKind,
    ClaimSubject,
    Entity,
    EntityKind,
    Mention,
    MentionRole,
    Status,
)
from archive.permissions import can_delete_annotation
from archive.services.annotations import DuplicateEntity, claim_update, mention_update
from archive.text.normalize import normalize
from archive.text.variants import phrase_key


def _require(request, *perms: str) -> None:
    if not all(request.user.has_perm(f"archive.{p}") for p in perms):
        raise PermissionDenied


def _article(request, object_id) -> Article:
    _require(request, "view_article")
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= 2**63 - 1:
        raise Http404
    return get_object_or_404(Article, pk=pk)


def _valid(serializer_class, data: dict, **context):
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _json_view(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except serializers.ValidationError as error:
            return JsonResponse({"error": first_error(error.detail)}, status=400)
        except DuplicateEntity as error:
            existing = [_candidate(e) for e in _with_counts(error.entities)]
            return JsonResponse({"error": error.messages[0], "existing": existing}, status=409)
        except services.StaleEdit as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=409)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        except IntegrityError:
            # The services check what they can first; this is a write that raced another.
            message = "Another change to the same words came first. Reload and try again."
            return JsonResponse({"error": message}, status=409)
        except PermissionDenied:
            return JsonResponse({"error": "You do not have permission to do that."}, status=403)

    wrapped.__name__ = view.__name__
    return wrapped


def _annotator_post(*perms: str):
    """A write of the annotator: POST only, errors as JSON, the article looked up (and
    viewable), then the user's permissions checked; the view gets the article."""

    def decorate(view):
        @require_POST
        @_json_view
        @wraps(view)
        def wrapped(request, object_id):
            article = _article(request, object_id)
            _require(request, *perms)
            return view(request, article)

        return wrapped

    return decorate


def annotations_data(request, article: Article) -> dict:
    """The article's mentions and claims as the annotator needs them. Two queries."""
    user = request.user
    mentions = Mention.objects.filter(article=article).select_related("entity").order_by("start")
    claims = (
        Claim.objects.filter(article=article)
        .select_related("speaker")
        .prefetch_related(
            Prefetch("subject_links", queryset=ClaimSubject.objects.select_related("entity"))
        )
        .order_by("start")
    )
    return {
        "mentions": [
            {
                "id": m.pk,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "entity": {
                    "id": m.entity_id,
                    "name": m.entity.name,
                    "name_ar": m.entity.name_ar,
                    "kind": m.entity.kind,
                },
                "role": m.role,
                "role_label": str(MentionRole(m.role).label),
                "status": m.status,
                "status_label": str(Status(m.status).label),
                "is_orphaned": m.is_orphaned,
                "token": services.edit_token(m),
                "can_delete": can_delete_annotation(user, m),
            }
            for m in mentions
        ],
        "claims": [
            {
                "id": c.pk,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "speaker": c.speaker and {"id": c.speaker_id, "name": c.speaker.name},
                "kind": c.kind,
                "kind_label": str(ClaimKind(c.kind).label),
                "status": c.status,
                "status_label": str(Status(c.status).label),
                "is_orphaned": c.is_orphaned,
                "token": services.edit_token(c),
                "subjects": [link.entity.name for link in c.subject_links.all()],
                "url": reverse("admin:archive_claim_change", args=[c.pk]),
                "can_delete": can_delete_annotation(user, c),
            }
            for c in claims
        ],
    }


def _ok(request, article, message: str, status: int = 200) -> JsonResponse:
    return JsonResponse({"message": message, **annotations_data(request, article)}, status=status)


@require_GET
@_json_view
def annotations(request, object_id):
    article = _article(request, object_id)
    return JsonResponse(annotations_data(request, article))


def _exact_keys(query: str) -> set[str]:
    """The normalized spellings an exact match may have. The one place to add spelling
    variants (archive/reads/names.py, the spelling-variant resolver) so they rank as exact:
    with Alias.variant_key, entity_search's `exact` test gains `| Q(variant_key=...)`."""
    return {normalize(query)} - {""}


def _with_counts(entities):
    """Entities with `n_mentions`: their mentions an analyst would count (neither rejected
    nor orphaned), in one query with them."""
    ids = [e.pk for e in entities] if not hasattr(entities, "query") else None
    queryset = Entity.objects.filter(pk__in=ids) if ids is not None else entities
    live = ~Q(mentions__status=Status.REJECTED) & Q(mentions__is_orphaned=False)
    return queryset.annotate(n_mentions=Count("mentions", filter=live))


def _candidate(e: Entity) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "name_ar": e.name_ar,
        "kind": e.kind,
        "kind_label": str(EntityKind(e.kind).label),
        "description": e.description,
        "mentions": e.n_mentions,
        "match": getattr(e, "match", None),
    }


@require_GET
@_json_view
def entity_search(request, object_id):
    """Entities whose canonical name or any alias, in any script, holds a word starting
    with the query: exact names first (any script, normalized), then names starting with
    it, then the rest; each with its kind, names, description and mention count. One query.
    """
    _require(request, "view_entity")
    query = request.GET.get("q", "")[:100].replace("\x00", "").strip()
    key = normalize(query)
    if not key:
        return JsonResponse({"results": []})
    aliases = Alias.objects.filter(entity=OuterRef("pk"))
    # A spelling the archive has not stored (Hifter, Serraj) finds the entity through the
    # same variant key as the matcher and search (archive.text.variants).
    variant = Exists(aliases.filter(variant_key=phrase_key(query)[:300]))
    found = (
        Exists(aliases.filter(Q(normalized__startswith=key) | Q(normalized__contains=" " + key)))
        | variant
    )
    exact = Exists(aliases.filter(normalized__in=_exact_keys(query))) | Q(name__iexact=query)
    prefix = Exists(aliases.filter(normalized__startswith=key)) | Q(name__istartswith=query)
    entities = (
        Entity.objects.filter(found | Q(name__icontains=query))
        .annotate(
            rank=Case(
                When(exact, then=Value(0)),
                When(prefix, then=Value(1)),
                When(variant, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            # Stored counts (archive.services.counts): no counting of a million mentions.
            n_mentions=Coalesce("counts__mentions", 0),
        )
        .order_by("rank", "-n_mentions", "name")[:15]
    )
    results = []
    for e in entities:
        e.match = ("exact", "prefix", "variant", "other")[e.rank]
        results.append(_candidate(e))
    return JsonResponse({"results": results})


@_annotator_post("add_mention")
def mention_add(request, article):
    data = _valid(MentionInput, read_json(request))  # start, end, text, role
    new, entity = data.pop("new_entity", None), data.pop("entity", None)
    if new:
        _require(request, "add_entity")
        mention = services.mention_create_with_entity(
            article=article, user=request.user, **new, **data
        )
    else:
        mention = services.mention_create(
            article=article, entity=entity, user=request.user, whole_words=True, **data
        )
    name = mention.entity.name
    if not mention.was_created:  # sent twice (a double click): the first one stands
        return _ok(request, article, f"“{mention.text}” is tagged as {name}.", status=200)
    return _ok(request, article, f"Tagged “{mention.text}” as {name}.", status=201)


@_annotator_post("add_claim")
def claim_add(request, article):
    data = _valid(ClaimInput, read_json(request))
    claim = services.claim_create(article=article, user=request.user, whole_words=True, **data)
    return _ok(request, article, f"Recorded the claim “{claim.text[:60]}”.", status=201)


@_annotator_post("change_mention")
def review(request, article):
    """Confirm or reject suggested mentions of this article, one or many."""
    data = _valid(ReviewInput, read_json(request))
    mentions = list(
        Mention.objects.filter(article=article, pk__in=data["ids"]).select_related(
            "article", "entity"
        )
    )
    status = data["status"]
    n = services.mentions_review(
        mentions=mentions, status=status, user=request.user, tokens=data.get("tokens")
    )
    return _ok(request, article, f"{n} mention(s) {status}.")


@_annotator_post()
def place(request, article):
    """Anchor an orphaned annotation at newly selected words."""
    payload = read_json(request)
    annotation = _valid(AnnotationInput, payload, article=article)
    _require(request, f"change_{annotation._meta.model_name}")
    span = _valid(SpanInput, payload)
    services.annotation_place(annotation=annotation, user=request.user, **span)
    text = span["text"]
    return _ok(request, article, f"Placed the {annotation._meta.verbose_name} at “{text}”.")


@_annotator_post()
def delete(request, article):
    annotation = _valid(AnnotationInput, read_json(request), article=article)
    services.annotation_delete(annotation=annotation, user=request.user)
    return _ok(request, article, f"Deleted the {annotation._meta.verbose_name}.")


@_annotator_post()
def edit(request, article):
    """Change one mention (entity, role, status, words) or claim (speaker, kind, status,
    words) in place, with the stale-edit token the page holds."""
    data = _valid(AnnotationEditInput, read_json(request), article=article)
    annotation = data["annotation"]
    what = annotation._meta.verbose_name
    _require(request, f"change_{annotation._meta.model_name}")
    if isinstance(annotation, Mention):
        annotation = mention_update(
            mention=annotation, user=request.user, token=data.get("token"),
            entity=data.get("entity"), role=data.get("role"), status=data.get("status"),
            span=data["span"],
        )  # fmt: skip
    else:
        speaker = data.get("speaker")
        changes = {"speaker": None} if data.get("speaker_unknown") else {}
        if speaker is not None:
            changes["speaker"] = speaker
        annotation = claim_update(
            claim=annotation, user=request.user, token=data.get("token"), kind=data.get("kind"),
            status=data.get("status"), span=data["span"], **changes,
        )  # fmt: skip
    return _ok(request, article, f"Saved the {what} “{annotation.text[:60]}”.")
