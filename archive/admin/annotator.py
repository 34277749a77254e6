"""JSON endpoints behind the article annotator, mounted by ArticleAdmin.get_urls under /admin/.

DRF views behind admin_site.admin_view, which lets only staff in and, as on every admin
page, checks the CSRF token of a POST first. Then the session (SessionAuthentication),
the model permissions (archive.permissions.AnnotatorPermission), the body read as one JSON
object (JSONObjectParser) and one error handler, `annotator_errors`: bad input is a 400
with a message, a write from a stale page a 409, never a 500. Every write to an existing
mention or claim (edit, review, place, delete) names the stale-edit token the page was given
with it (`token`, or `tokens` by id for a review); without one it is a 400.

Offsets are Unicode code points (Python str indexes), in the API and the annotator alike;
they come from the page and the server checks them against the stored body
(archive.services) before anything is written.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
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
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, MethodNotAllowed, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from archive import services
from archive.admin.serializers import (
    NOT_JSON,
    AnnotationEditInput,
    AnnotationInput,
    ClaimInput,
    JSONObjectParser,
    MentionInput,
    ReviewInput,
    SpanInput,
    first_error,
)
from archive.models import (
    SPAN_VISIBLE,
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
    rule_q,
)
from archive.permissions import AnnotatorPermission, can_delete_annotation
from archive.reads.names import EXACT, VARIANT, resolve_name
from archive.services.annotations import (
    DuplicateEntity,
    claim_update,
    entity_names,
    mention_update,
    words_as_name,
)
from archive.services.occurrences import occurrences_tag
from archive.text.normalize import normalize
from archive.text.variants import phrase_key

SHOWN = 15  # entities the picker lists
UNKNOWN_SHOWN = 5  # names not in the archive yet the picker lists after them
NAMED = 100  # entities resolve_name may mark exact or variant, so the most mentioned come first
RACED = gettext_lazy("Another change to the same words came first. Reload and try again.")


# --- what the annotator reads -------------------------------------------------------------


def _span(user, span: Mention | Claim) -> dict:
    """What the annotator holds of any mention or claim: its words, state and edit token."""
    return {
        "id": span.pk,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "status": span.status,
        "status_label": str(Status(span.status).label),
        "is_orphaned": span.is_orphaned,
        "token": services.edit_token(span),
        "can_delete": can_delete_annotation(user, span),
    }


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
                **_span(user, m),
                "entity": {
                    "id": m.entity_id,
                    "name": m.entity.name,
                    "name_ar": m.entity.name_ar,
                    "kind": m.entity.kind,
                },
                "role": m.role,
                "role_label": str(MentionRole(m.role).label),
                # A suggestion made with a name still under review (a NameProposal).
                "proposal": m.proposal_id,
            }
            for m in mentions
        ],
        "claims": [
            {
                **_span(user, c),
                "speaker": c.speaker and {"id": c.speaker_id, "name": c.speaker.name},
                "kind": c.kind,
                "kind_label": str(ClaimKind(c.kind).label),
                "subjects": [link.entity.name for link in c.subject_links.all()],
                "url": reverse("admin:archive_claim_change", args=[c.pk]),
            }
            for c in claims
        ],
    }


def _with_counts(entities):
    """Entities with `n_mentions`: their mentions an analyst would count (neither rejected
    nor orphaned), in one query with them."""
    ids = [e.pk for e in entities] if not hasattr(entities, "query") else None
    queryset = Entity.objects.filter(pk__in=ids) if ids is not None else entities
    live = rule_q(SPAN_VISIBLE, "mentions")
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
        # How the selected words stand to its names (services.annotations.words_as_name),
        # when the picker sent them: whether adding them as an alias is offered ticked.
        "words": getattr(e, "words", None),
    }


def _unknown_names(query: str) -> list[dict]:
    """Names not in the archive yet (archive.services.names.unknown_names) with a spelling
    that starts like `query` or is a spelling of it: from the list the admin's Unknown names
    page keeps in the cache, never computed here (reading the newest 2,000 texts took 41 s
    on a 20,000-article archive: not for a keystroke). No list kept, no unknown names."""
    from archive.admin import names as names_admin

    rows = cache.get(names_admin._cache_key(None))
    if not rows:
        return []
    norm, spelling = normalize(query), phrase_key(query)
    found = []
    for row in rows:
        for name in row.spellings:
            n = normalize(name)
            if n.startswith(norm) or f" {norm}" in n or (spelling and phrase_key(name) == spelling):
                found.append(
                    {
                        "unknown": True,
                        "name": row.name,
                        "language": row.language,
                        "spellings": row.spellings[:6],
                        "count": row.count,
                        "articles": row.article_count,
                    }
                )
                break
        if len(found) >= UNKNOWN_SHOWN:
            break
    # The list is kept a while: a spelling made an alias since is no longer unknown.
    spelled = {normalize(s) for row in found for s in row["spellings"]}
    known = set(Alias.objects.filter(normalized__in=spelled).values_list("normalized", flat=True))
    return [row for row in found if not known & {normalize(s) for s in row["spellings"]}]


# --- what every endpoint shares -----------------------------------------------------------


def _error(message: str, status: int, **more) -> Response:
    return Response({"error": str(message), **more}, status=status)


def too_large_message() -> str:
    return _("The request body is too large: the limit is %(limit)s bytes.") % {
        "limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
    }


# The annotator's addresses: /admin/archive/article/<id>/annotate/…
_ANNOTATOR_PATH = re.compile(r"^/admin/archive/article/[^/]+/annotate/")


def bad_request(request, exception):
    """The site's 400 page (config/urls.py handler400). A form-encoded body too large is
    refused before any view runs (the CSRF check reads it): under the annotator's
    addresses it is still the annotator's JSON refusal, like every other error there."""
    if _ANNOTATOR_PATH.match(request.path_info):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"error": too_large_message()}, status=400)
        return JsonResponse({"error": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def annotator_errors(exc, context):
    """The one error handler of these endpoints: a refusal as {"error": message}; None lets
    Django answer the rest as on any admin page (a 404 page, a 500)."""
    if isinstance(exc, MethodNotAllowed):
        return HttpResponseNotAllowed(context["view"].allowed_methods)
    if isinstance(exc, RequestDataTooBig):  # Django's, raised as DRF reads the body
        return _error(too_large_message(), 400)
    if isinstance(exc, PermissionDenied):  # the services' (a DRF refusal is an APIException)
        return _error(AnnotatorPermission.message, 403)
    if isinstance(exc, APIException):  # the body, the serializers, AnnotatorPermission
        return _error(first_error(exc.detail), exc.status_code)
    if isinstance(exc, DuplicateEntity):
        entities = list(_with_counts(exc.entities))
        for e in entities:  # how the words stand to its names: the alias box's default
            e.words = words_as_name(exc.words, entity_names(e)) if exc.words else None
        existing = [_candidate(e) for e in entities]
        return _error(exc.messages[0], 409, existing=existing)
    if isinstance(exc, services.StaleEdit):
        return _error(" ".join(exc.messages), 409)
    if isinstance(exc, ValidationError):
        return _error(" ".join(exc.messages), 400)
    if isinstance(exc, IntegrityError):
        # The services check what they can first; this is a write that raced another.
        return _error(RACED, 409)
    return None


class JSONOnly(DefaultContentNegotiation):
    """JSON whatever the Accept header or a ?format= asks: the annotator reads nothing else."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AnnotatorView(APIView):
    """One endpoint of an article's annotator (`object_id`). A view says which methods it
    answers and what AnnotatorPermission asks of the user: `permissions` before anything is
    read, `article_permissions` on the article, and whether it `deletes`."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [AnnotatorPermission]
    parser_classes = [JSONObjectParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    throttle_classes = []
    schema = None  # admin endpoints: not in the public API's OpenAPI schema
    http_method_names = ["get"]
    permissions: tuple[str, ...] = ("view_article",)
    article_permissions: tuple[str, ...] = ()
    deletes = False

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # CSRF as on every admin page: the middleware checks a POST first, whoever sends it.
        view.csrf_exempt = False
        return view

    def get_exception_handler(self):
        return annotator_errors

    def initial(self, request, *args, **kwargs):
        # The method before the user's permissions: a GET to a write is a 405 for anyone.
        if request.method.lower() not in self.http_method_names:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_article(self, object_id) -> Article:
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if not 0 < pk <= 2**63 - 1:
            raise Http404
        article = get_object_or_404(Article, pk=pk)
        self.check_object_permissions(self.request, article)
        return article

    def payload(self) -> dict:
        """The body as a JSON object. DRF reads an empty body as {} and a form the CSRF
        check has read as its fields, asking no parser: neither is JSON."""
        data = self.request.data
        if type(data) is not dict or self.request.stream is None:
            raise ParseError(NOT_JSON)
        return data

    def valid(self, serializer_class, **context):
        serializer = serializer_class(data=self.payload(), context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, article: Article, message: str, status: int = 200) -> Response:
        data = annotations_data(self.request, article)
        return Response({"message": message, **data}, status=status)


class AnnotatorWrite(AnnotatorView):
    """A write: POST only; `write` gets the article, found and its permissions checked."""

    http_method_names = ["post"]

    def post(self, request, object_id):
        return self.write(request, self.get_article(object_id))

    def write(self, request, article: Article) -> Response:
        raise NotImplementedError


# --- the endpoints ------------------------------------------------------------------------


class Annotations(AnnotatorView):
    def get(self, request, object_id):
        return Response(annotations_data(request, self.get_article(object_id)))


class EntitySearch(AnnotatorView):
    """Entities whose canonical name or any alias, in any script, holds a word starting
    with the query, and those the query names in another spelling (resolve_name among every
    entity: Hifter, Serraj): exact names first (any script, normalized), then names starting
    with it, then other spellings, then the rest; each with its kind, names, description and
    mention count. Two queries: resolve_name's, then the entities. With `words` (the words
    the analyst selected), each says how they stand to its names (`words`: name, spelling,
    part or new; one more query, their aliases). `unknown` lists the names not in the
    archive yet that the query starts or spells (`_unknown_names`).
    """

    permissions = ("view_entity",)

    def get(self, request, object_id):
        query = request.query_params.get("q", "")[:100].replace("\x00", "").strip()
        words = request.query_params.get("words", "")[:300].replace("\x00", "").strip()
        key = normalize(query)
        if not key:
            return Response({"results": [], "unknown": []})
        named = resolve_name(query, among=Entity.objects.all(), fuzzy=False, limit=NAMED)
        exact = Q(pk__in=[m.entity.pk for m in named if m.how == EXACT])
        variant = Q(pk__in=[m.entity.pk for m in named if m.how == VARIANT])
        aliases = Alias.objects.filter(entity=OuterRef("pk"))
        word = Q(normalized__startswith=key) | Q(normalized__contains=" " + key)
        prefix = Exists(aliases.filter(normalized__startswith=key)) | Q(name__istartswith=query)
        entities = (
            Entity.objects.filter(Exists(aliases.filter(word)) | variant | Q(name__icontains=query))
            .annotate(
                rank=Case(
                    When(exact | Q(name__iexact=query), then=Value(0)),
                    When(prefix, then=Value(1)),
                    When(variant, then=Value(2)),
                    default=Value(3),
                    output_field=IntegerField(),
                ),
                # Stored counts (archive.services.counts): no counting of a million mentions.
                n_mentions=Coalesce("counts__mentions", 0),
            )
            .order_by("rank", "-n_mentions", "name")[:SHOWN]
        )
        entities = list(entities)
        names: dict[int, list[str]] = {e.pk: [n for n, _ in e.own_names()] for e in entities}
        if words and entities:
            rows = Alias.objects.filter(entity__in=entities).values_list("entity_id", "name")
            for entity_id, name in rows:
                names[entity_id].append(name)
        results = []
        for e in entities:
            e.match = ("exact", "prefix", "variant", "other")[e.rank]
            if words:
                e.words = words_as_name(words, names[e.pk])
            results.append(_candidate(e))
        # A name the archive has no entity for, only when no entity is named exactly.
        unknown = [] if any(e.rank == 0 for e in entities) else _unknown_names(query)
        return Response({"results": results, "unknown": unknown})


class JSONBooleanField(serializers.BooleanField):
    """JSON true or false, nothing read as one ("yes", 1): a write is asked for plainly."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class MentionAddInput(MentionInput):
    """MentionInput, and whether the words become an alias of the entity: only when the
    analyst ticks it (the box shows what is added)."""

    add_alias = JSONBooleanField(
        default=False, error_messages={"invalid": gettext_lazy("add_alias must be true or false.")}
    )


class MentionAdd(AnnotatorWrite):
    """Tag the selected words as an entity, or as an entity made on the spot; the words
    become its alias only with `add_alias`."""

    article_permissions = ("add_mention",)

    def write(self, request, article):
        data = self.valid(MentionAddInput)  # start, end, text, role, add_alias
        new, entity = data.pop("new_entity", None), data.pop("entity", None)
        if new:
            self.check_object_permissions(request, Entity())  # a new entity: add_entity
            mention = services.mention_create_with_entity(
                article=article, user=request.user, **new, **data
            )
        else:
            if data["add_alias"]:
                self.check_object_permissions(request, Alias())  # add_alias
            mention = services.mention_create(
                article=article, entity=entity, user=request.user, whole_words=True, **data
            )
        name = mention.entity.name
        words = {"words": mention.text, "name": name}
        added = ""
        if getattr(mention, "alias_added", None) is not None:
            added = " " + _("Added “%(alias)s” as an alias of %(name)s.") % {
                "alias": mention.alias_added.name,
                "name": name,
            }
        if not mention.was_created:  # sent twice (a double click): the first one stands
            return self.answer(article, _("“%(words)s” is tagged as %(name)s.") % words + added)
        return self.answer(
            article, _("Tagged “%(words)s” as %(name)s.") % words + added, status=201
        )


class ClaimAdd(AnnotatorWrite):
    article_permissions = ("add_claim",)

    def write(self, request, article):
        data = self.valid(ClaimInput)
        claim = services.claim_create(article=article, user=request.user, whole_words=True, **data)
        return self.answer(
            article, _("Recorded the claim “%(words)s”.") % {"words": claim.text[:60]}, status=201
        )


class Review(AnnotatorWrite):
    """Confirm or reject suggested mentions of this article, one or many."""

    article_permissions = ("change_mention",)

    def write(self, request, article):
        data = self.valid(ReviewInput)
        mentions = list(
            Mention.objects.filter(article=article, pk__in=data["ids"]).select_related(
                "article", "entity"
            )
        )
        status = data["status"]
        n = services.mentions_review(
            mentions=mentions, status=status, user=request.user, tokens=data["tokens"]
        )
        if status == Status.CONFIRMED:
            message = ngettext("%(n)s mention(s) confirmed.", "%(n)s mention(s) confirmed.", n)
        else:
            message = ngettext("%(n)s mention(s) rejected.", "%(n)s mention(s) rejected.", n)
        return self.answer(article, message % {"n": n})


class Place(AnnotatorWrite):
    """Anchor an orphaned annotation at newly selected words, with the token the page holds."""

    def write(self, request, article):
        data = self.valid(AnnotationInput, article=article)
        annotation = data["annotation"]
        self.check_object_permissions(request, annotation)
        span = self.valid(SpanInput)
        services.annotation_place(
            annotation=annotation, user=request.user, token=data["token"], **span
        )
        if isinstance(annotation, Mention):
            message = _("Placed the mention at “%(words)s”.")
        else:
            message = _("Placed the claim at “%(words)s”.")
        return self.answer(article, message % {"words": span["text"]})


class Delete(AnnotatorWrite):
    """Delete a mention or claim, with the token the page holds."""

    deletes = True

    def write(self, request, article):
        data = self.valid(AnnotationInput, article=article)
        annotation = data["annotation"]
        self.check_object_permissions(request, annotation)
        services.annotation_delete(annotation=annotation, user=request.user, token=data["token"])
        if isinstance(annotation, Mention):
            return self.answer(article, _("Deleted the mention."))
        return self.answer(article, _("Deleted the claim."))


class Occurrences(AnnotatorWrite):
    """ "Tag every occurrence" of a mention's name: confirmed in this article, suggested in
    every other one (archive.services.occurrences), with the token the page holds. Answers
    the counts in `occurrences` beside the annotations."""

    article_permissions = ("change_mention", "add_mention")

    def write(self, request, article):
        data = self.valid(AnnotationInput, article=article)
        mention = data["annotation"]
        if not isinstance(mention, Mention):
            raise ValidationError(_("Only a mention's name can be tagged everywhere."))
        result = occurrences_tag(mention=mention, user=request.user, token=data["token"])
        response = self.answer(article, result.message())
        response.data["occurrences"] = {
            "name": result.name,
            "here": result.confirmed_here,
            "suggested": result.suggested,
            "articles": result.articles,
            "capped": result.capped,
        }
        return response


class Edit(AnnotatorWrite):
    """Change one mention (entity, role, status, words) or claim (speaker, kind, status,
    words) in place, with the stale-edit token the page holds."""

    def write(self, request, article):
        data = self.valid(AnnotationEditInput, article=article)
        annotation = data["annotation"]
        self.check_object_permissions(request, annotation)
        if isinstance(annotation, Mention):
            saved = _("Saved the mention “%(words)s”.")
            annotation = mention_update(
                mention=annotation, user=request.user, token=data["token"],
                entity=data.get("entity"), role=data.get("role"), status=data.get("status"),
                span=data["span"],
            )  # fmt: skip
        else:
            speaker = data.get("speaker")
            changes = {"speaker": None} if data.get("speaker_unknown") else {}
            if speaker is not None:
                changes["speaker"] = speaker
            saved = _("Saved the claim “%(words)s”.")
            annotation = claim_update(
                claim=annotation, user=request.user, token=data["token"],
                kind=data.get("kind"), status=data.get("status"), span=data["span"], **changes,
            )  # fmt: skip
        return self.answer(article, saved % {"words": annotation.text[:60]})


# The annotator's addresses under an article (archive.admin.articles routes them all):
# (route, view, the URL name's suffix after "archive_article_annotate").
ROUTES = [
    ("", Annotations, ""),
    ("entities/", EntitySearch, "_entities"),
    ("mention/", MentionAdd, "_mention"),
    ("claim/", ClaimAdd, "_claim"),
    ("review/", Review, "_review"),
    ("place/", Place, "_place"),
    ("delete/", Delete, "_delete"),
    ("edit/", Edit, "_edit"),
    ("occurrences/", Occurrences, "_occurrences"),
]
