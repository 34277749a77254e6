"""What the annotator's JSON endpoints accept (archive.admin.annotator): the body read as one
JSON object by JSONObjectParser, then one DRF serializer per endpoint; the first error becomes
the 400's message.

Messages name the field ("start is out of range.") and say what to send instead.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.fields import empty
from rest_framework.parsers import JSONParser

from archive.models import Claim, ClaimKind, Entity, EntityKind, Mention, MentionRole, Status

MAX_INT = 2**31 - 1
MAX_DEPTH = 8  # the deepest payload the annotator sends is 2
NOT_JSON = gettext_lazy("The request body is not JSON.")


class JSONObjectParser(JSONParser):
    """The body as a JSON object, whatever the Content-Type says. Refused besides: structures
    nested deeper than MAX_DEPTH, and text holding a lone surrogate (JSON "\\ud800";
    PostgreSQL stores UTF-8, which has no encoding for it), in keys as well as values.

    A JSONParser, so DRF hands it the body as Django read it (DATA_UPLOAD_MAX_MEMORY_SIZE
    holds). Read as UTF-8 whatever charset is named, and refused with messages of its own."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        try:
            data = json.loads(stream.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ParseError(NOT_JSON) from None
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object."))
        stack = [(data, 1)]  # iterative: no recursion to exhaust
        while stack:
            value, depth = stack.pop()
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ParseError(
                        _("The text holds a lone surrogate (not a character).")
                    ) from None
            elif isinstance(value, dict | list):
                if depth > MAX_DEPTH:
                    raise ParseError(_("The request body is nested too deeply."))
                items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
                for key, item in items:
                    if key is not None:
                        stack.append((key, depth))
                    stack.append((item, depth + 1))
        return data


def first_error(detail) -> str:
    """The first message of a serializer's errors (nested dicts and lists of them)."""
    while isinstance(detail, dict | list):
        detail = next(iter(detail.values() if isinstance(detail, dict) else detail), "")
    return str(detail) or _("The request is not valid.")


# --- fields -------------------------------------------------------------------------------


class NamedMessages:
    """Error messages may say `{name}`: the field's name (a list's, for its items)."""

    def fail(self, key, **kwargs):
        parent = getattr(self, "parent", None)
        name = getattr(self, "field_name", "") or getattr(parent, "field_name", "")
        super().fail(key, name=name, **kwargs)


class WholeNumberField(NamedMessages, serializers.IntegerField):
    """An offset or a row id: a JSON number or its digits as text, 0 to 2**31 - 1; never a
    bool or a fraction. Empty text counts as absent."""

    default_error_messages = {
        "required": gettext_lazy("{name} is required."),
        "null": gettext_lazy("{name} is required."),
        "invalid": gettext_lazy("{name} must be a whole number."),
        "max_string_length": gettext_lazy("{name} is out of range."),
        "range": gettext_lazy("{name} is out of range."),
    }

    def to_internal_value(self, data):
        if data == "":
            if self.allow_null:
                return None
            self.fail("required")
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        number = super().to_internal_value(data)
        if not 0 <= number <= MAX_INT:
            self.fail("range")
        return number


class EntityField(WholeNumberField):
    """An entity's id, given as the entity; absent or empty is None."""

    default_error_messages = {"gone": gettext_lazy("That entity no longer exists.")}

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        if pk is None:
            return None
        entity = Entity.objects.filter(pk=pk).first()
        if entity is None:
            self.fail("gone")
        return entity


class TextField(NamedMessages, serializers.CharField):
    """Text exactly as sent (not trimmed; may be empty); null or absent is the default."""

    default_error_messages = {
        "invalid": gettext_lazy("{name} must be text."),
        "nul": gettext_lazy("{name} holds a NUL character."),
    }

    def __init__(self, *, default="", **kwargs):
        super().__init__(default=default, allow_blank=True, trim_whitespace=False, **kwargs)

    def run_validation(self, data=empty):
        return super().run_validation(empty if data is None else data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            self.fail("nul")
        return data


class TokenField(TextField):
    """The stale-edit token (services.edit_token) the page was given with the row it
    changes: required, never empty."""

    MISSING = gettext_lazy(
        "{name} is required: send the token the page was given with this mention or claim "
        "(reload the page if it has none)."
    )
    default_error_messages = {"required": MISSING, "blank": MISSING}

    def __init__(self, **kwargs):
        super().__init__(default=empty, **kwargs)
        self.allow_blank = False


class IsoDateField(TextField):
    """A day as 2018-06-01; empty is None."""

    default_error_messages = {"date": gettext_lazy("{name} must look like 2018-06-01.")}

    def run_validation(self, data=empty):
        # A CharField answers empty text itself, before to_internal_value: here it is no day.
        if data == "":
            return None
        return super().run_validation(data)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail("date")


def list_field(child, *, max_length: int, message: str, **kwargs) -> serializers.ListField:
    refused = {key: message for key in ("not_a_list", "empty", "max_length", "required", "null")}
    return serializers.ListField(
        child=child, max_length=max_length, error_messages=refused, **kwargs
    )


# --- one serializer per endpoint ----------------------------------------------------------


class SpanInput(serializers.Serializer):
    """Words of the body: offsets in code points, and the text the page saw there."""

    start = WholeNumberField()
    end = WholeNumberField()
    text = TextField()


class NewEntityInput(serializers.Serializer):
    name = TextField()
    kind = TextField(default=EntityKind.PERSON)
    description = TextField()
    # True: the analyst confirmed this is another entity than the one(s) with the name.
    duplicate = serializers.BooleanField(
        default=False, error_messages={"invalid": gettext_lazy("duplicate must be true or false.")}
    )

    def validate_empty_values(self, data):
        if data is not empty and not data:  # {} or "": no new entity, the annotator's way
            return True, None
        return super().validate_empty_values(data)


class MentionInput(SpanInput):
    role = TextField(default=MentionRole.OTHER)
    new_entity = NewEntityInput(
        required=False, error_messages={"invalid": gettext_lazy("new_entity must be an object.")}
    )
    entity_id = EntityField(source="entity")

    def validate(self, data):
        if not data.get("new_entity") and data.get("entity") is None:
            raise serializers.ValidationError(_("Choose an entity or make a new one."))
        return data


class ClaimInput(SpanInput):
    """Validated, it holds claim_create's arguments (speaker, subjects, date, kind)."""

    subject_ids = list_field(
        EntityField(), max_length=50, message=gettext_lazy("subject_ids must be a list."),
        required=False, allow_null=True, source="subjects",
    )  # fmt: skip
    date = IsoDateField(default=None)
    speaker_id = EntityField(source="speaker")
    kind = TextField(default=ClaimKind.PARAPHRASE)

    def validate_subject_ids(self, entities):
        return [entity for entity in entities or () if entity is not None]


class ReviewInput(serializers.Serializer):
    """Mentions to confirm or reject, each with the token the page was given for it."""

    ids = list_field(
        WholeNumberField(), max_length=1000, message=gettext_lazy("ids must be a non-empty list."),
        allow_empty=False,
    )  # fmt: skip
    tokens = serializers.JSONField(
        error_messages={
            key: gettext_lazy(
                "tokens is required: send the token the page was given with each mention, "
                "by its id."
            )
            for key in ("required", "null")
        }
    )  # {id: edit_token}
    status = serializers.ChoiceField(
        choices=[Status.CONFIRMED.value, Status.REJECTED.value],
        error_messages={
            key: gettext_lazy("status must be confirmed or rejected.")
            for key in ("invalid_choice", "required", "null")
        },
    )

    def validate_tokens(self, tokens) -> dict[int, str]:
        """The tokens the page was given ({id: edit_token}), to refuse a stale review."""
        if not isinstance(tokens, dict) or not all(isinstance(t, str) for t in tokens.values()):
            raise serializers.ValidationError(
                _("tokens must map mention ids to the tokens the page was given.")
            )
        as_id = WholeNumberField()
        as_id.bind("id", self)
        return {as_id.run_validation(key): token for key, token in tokens.items() if token}

    def validate(self, data):
        for pk in data["ids"]:
            if pk not in data["tokens"]:
                raise serializers.ValidationError(
                    _(
                        "tokens has no token for mention %(id)s: send the token the page was "
                        "given with each mention."
                    )
                    % {"id": pk}
                )
        return data


class AnnotationInput(serializers.Serializer):
    """A mention or a claim of the article in the serializer's context, with the token the
    page was given for it. Validated: {"annotation": the row, "token": its token, ...}."""

    type = serializers.ChoiceField(
        choices=["mention", "claim"],
        error_messages={
            key: gettext_lazy("type must be mention or claim.")
            for key in ("invalid_choice", "required", "null")
        },
    )
    id = WholeNumberField()
    token = TokenField()

    def validate(self, data):
        model = {"mention": Mention, "claim": Claim}[data["type"]]
        annotation = model.objects.filter(article=self.context["article"], pk=data["id"]).first()
        if annotation is None:
            gone = {
                "mention": _("That mention no longer exists."),
                "claim": _("That claim no longer exists."),
            }
            raise serializers.ValidationError(gone[data["type"]])
        return {**data, "annotation": annotation}


class AnnotationEditInput(AnnotationInput):
    """A change to one mention or claim: only what is sent changes; start, end and text
    move its words."""

    entity_id = EntityField(source="entity")
    speaker_id = EntityField(source="speaker")
    speaker_unknown = serializers.BooleanField(default=False)
    role = TextField(default=None, allow_null=True)
    kind = TextField(default=None, allow_null=True)
    status = TextField(default=None, allow_null=True)
    start = WholeNumberField(required=False)
    end = WholeNumberField(required=False)
    text = TextField(default=None, allow_null=True)

    def validate(self, data):
        data = super().validate(data)
        span = None
        if "start" in data or "end" in data:
            if not ("start" in data and "end" in data and data.get("text") is not None):
                raise serializers.ValidationError(_("start, end and text go together."))
            span = (data["start"], data["end"], data["text"])
        return {**data, "span": span}
