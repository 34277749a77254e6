"""JSON endpoints behind the article annotator, mounted by ArticleAdmin.get_urls under /admin/.

Every view runs inside admin_site.admin_view (staff login, CSRF on POST) and checks the
model permission it needs. Offsets are Unicode code points (Python str indexes), in the API
and the annotator alike; they come from the page and the server checks them against the
stored body (services._check_span) before anything is written. Bad input is a 400 with a
message, a write from a stale page a 409, never a 500.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from archive import services
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
from archive.text.normalize import normalize

MAX_INT = 2**31 - 1
MAX_DEPTH = 8  # the deepest payload the annotator sends is 2


class BadRequest(Exception):
    pass


def can_delete_annotation(user, obj) -> bool:
    """Analysts delete only what they made; editors (and superusers) anything."""
    model = type(obj)._meta.model_name
    if not user.has_perm(f"archive.delete_{model}"):
        return False
    return obj.created_by_id == user.pk or user.has_perm("archive.delete_others_annotations")


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


def _payload(request) -> dict:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("The request body is not JSON.") from None
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    _check_values(data)
    return data


def _check_values(data) -> None:
    """Refuse what the database cannot store or no annotator sends: structures nested
    deeper than MAX_DEPTH, and text holding a lone surrogate (JSON "\\ud800"; PostgreSQL
    stores UTF-8, which has no encoding for it). Iterative: no recursion to exhaust."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("The text holds a lone surrogate (not a character).") from None
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadRequest("The request body is nested too deeply.")
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None:
                    stack.append((key, depth))
                stack.append((item, depth + 1))


def _int(data: dict, key: str, *, required: bool = True) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise BadRequest(f"{key} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadRequest(f"{key} must be a whole number.")
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{key} must be a whole number.") from None
    if not 0 <= number <= MAX_INT:
        raise BadRequest(f"{key} is out of range.")
    return number


def _str(data: dict, key: str, *, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be text.")
    if "\x00" in value:
        raise BadRequest(f"{key} holds a NUL character.")
    return value


def _span(data: dict) -> tuple[int, int, str]:
    return _int(data, "start"), _int(data, "end"), _str(data, "text")


def _entity(value) -> Entity | None:
    if value in (None, ""):
        return None
    try:
        return Entity.objects.get(pk=_int({"id": value}, "id"))
    except Entity.DoesNotExist:
        raise BadRequest("That entity no longer exists.") from None


def _json_view(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return JsonResponse({"error": str(error)}, status=400)
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
                "entity": {"id": m.entity_id, "name": m.entity.name, "kind": m.entity.kind},
                "role": m.role,
                "status": m.status,
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
                "status": c.status,
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


@require_GET
@_json_view
def entity_search(request, object_id):
    """Entities whose canonical name or any alias, in any script, contains the query."""
    _require(request, "view_entity")
    query = request.GET.get("q", "")[:100].replace("\x00", "").strip()
    key = normalize(query)
    if not key:
        return JsonResponse({"results": []})
    alias_hits = Alias.objects.filter(
        Q(normalized__startswith=key) | Q(normalized__contains=" " + key)
    ).values_list("entity_id", flat=True)[:50]
    entities = (
        Entity.objects.filter(Q(pk__in=list(alias_hits)) | Q(name__icontains=query))
        .prefetch_related("aliases")
        .order_by("name")[:15]
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": e.pk,
                    "name": e.name,
                    "kind": e.kind,
                    "kind_label": EntityKind(e.kind).label,
                    "aliases": [a.name for a in e.aliases.all() if a.name != e.name][:4],
                }
                for e in entities
            ]
        }
    )


@require_POST
@_json_view
def mention_add(request, object_id):
    article = _article(request, object_id)
    _require(request, "add_mention")
    data = _payload(request)
    start, end, text = _span(data)
    role = _str(data, "role", default=MentionRole.OTHER)
    new = data.get("new_entity")
    if new:
        _require(request, "add_entity")
        if not isinstance(new, dict):
            raise BadRequest("new_entity must be an object.")
        name = _str(new, "name").strip() or text
        aliases = [(text, article.language)]
        if name != text:
            aliases.append((name, "en"))
        mention = services.mention_create_with_entity(
            article=article, name=name, kind=_str(new, "kind", default=EntityKind.PERSON),
            aliases=aliases, start=start, end=end, text=text, role=role, user=request.user,
        )  # fmt: skip
    else:
        entity = _entity(data.get("entity_id"))
        if entity is None:
            raise BadRequest("Choose an entity or make a new one.")
        mention = services.mention_create(
            article=article, entity=entity, start=start, end=end, text=text, role=role,
            user=request.user,
        )  # fmt: skip
    name = mention.entity.name
    if not mention.was_created:  # sent twice (a double click): the first one stands
        return _ok(request, article, f"“{mention.text}” is tagged as {name}.", status=200)
    return _ok(request, article, f"Tagged “{mention.text}” as {name}.", status=201)


@require_POST
@_json_view
def claim_add(request, object_id):
    article = _article(request, object_id)
    _require(request, "add_claim")
    data = _payload(request)
    start, end, text = _span(data)
    subject_ids = data.get("subject_ids") or []
    if not isinstance(subject_ids, list) or len(subject_ids) > 50:
        raise BadRequest("subject_ids must be a list.")
    subjects = [_entity(i) for i in subject_ids]
    when = None
    if raw := _str(data, "date"):
        try:
            when = date.fromisoformat(raw)
        except ValueError:
            raise BadRequest("date must look like 2018-06-01.") from None
    claim = services.claim_create(
        article=article,
        start=start,
        end=end,
        text=text,
        speaker=_entity(data.get("speaker_id")),
        kind=_str(data, "kind", default=ClaimKind.PARAPHRASE),
        subjects=[s for s in subjects if s is not None],
        date=when,
        user=request.user,
    )
    return _ok(request, article, f"Recorded the claim “{claim.text[:60]}”.", status=201)


def _annotation(data: dict, article: Article) -> Mention | Claim:
    model = {"mention": Mention, "claim": Claim}.get(_str(data, "type"))
    if model is None:
        raise BadRequest("type must be mention or claim.")
    try:
        return model.objects.get(article=article, pk=_int(data, "id"))
    except model.DoesNotExist:
        raise BadRequest(f"That {model._meta.verbose_name} no longer exists.") from None


@require_POST
@_json_view
def review(request, object_id):
    """Confirm or reject suggested mentions of this article, one or many."""
    article = _article(request, object_id)
    _require(request, "change_mention")
    data = _payload(request)
    status = _str(data, "status")
    ids = data.get("ids")
    if not isinstance(ids, list) or not ids or len(ids) > 1000:
        raise BadRequest("ids must be a non-empty list.")
    ids = [_int({"id": i}, "id") for i in ids]
    tokens = data.get("tokens")  # {id: token} as the page saw them; optional
    if tokens is not None:
        if not isinstance(tokens, dict) or not all(isinstance(t, str) for t in tokens.values()):
            raise BadRequest("tokens must map mention ids to the tokens the page was given.")
        tokens = {_int({"id": k}, "id"): t for k, t in tokens.items()}
    mentions = list(
        Mention.objects.filter(article=article, pk__in=ids).select_related("article", "entity")
    )
    if status not in (Status.CONFIRMED, Status.REJECTED):
        raise BadRequest("status must be confirmed or rejected.")
    n = services.mentions_review(mentions=mentions, status=status, user=request.user, tokens=tokens)
    return _ok(request, article, f"{n} mention(s) {status}.")


@require_POST
@_json_view
def place(request, object_id):
    """Anchor an orphaned annotation at newly selected words."""
    article = _article(request, object_id)
    data = _payload(request)
    annotation = _annotation(data, article)
    _require(request, f"change_{annotation._meta.model_name}")
    start, end, text = _span(data)
    services.annotation_place(
        annotation=annotation, start=start, end=end, text=text, user=request.user
    )
    return _ok(request, article, f"Placed the {annotation._meta.verbose_name} at “{text}”.")


@require_POST
@_json_view
def delete(request, object_id):
    article = _article(request, object_id)
    annotation = _annotation(_payload(request), article)
    if not can_delete_annotation(request.user, annotation):
        raise PermissionDenied
    annotation.delete()
    return _ok(request, article, f"Deleted the {annotation._meta.verbose_name}.")
