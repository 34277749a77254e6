"""The OpenAPI document's error answers (a drf-spectacular postprocessing hook)."""

from __future__ import annotations

_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation says how it fails. Paths with
    a parameter answer 404 for an unknown slug or id; lists answer 400 for a filter value
    they cannot read (DRF's validation errors: a field name to its messages); every one
    answers 406 to an Accept header it has no representation for."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            # `?format=` is DRF's browsable-API switch, not part of the API: left out.
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "format"
            ]
            params = operation["parameters"]
            for param in params:
                schema = param.get("schema", {})
                if param.get("name") == "page_size":
                    schema["minimum"] = 1  # 0, a negative or a non-number: 400
                if param.get("in") == "query" and schema.get("type") == "string":
                    schema.setdefault("pattern", "^[^\\x00]*$")  # NUL is refused (400)
            if "{" in path or any(p.get("name") == "page" for p in params):
                responses.setdefault(
                    "404",
                    {
                        "description": "No public item with that key, or no such page.",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                )
            if any(p.get("in") == "query" for p in params):
                responses.setdefault(
                    "400",
                    {
                        "description": "A parameter could not be read.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                )
            # Content negotiation: an Accept header no renderer satisfies.
            responses.setdefault(
                "406",
                {
                    "description": "No representation the Accept header admits.",
                    "content": {"application/json": {"schema": _ERROR}},
                },
            )
            if path.endswith("/annotations/"):
                # Web Annotations answer as JSON-LD with their profile (WebAnnotationRenderer).
                for response in responses.values():
                    content = response.get("content", {})
                    if "application/json" in content:
                        content.setdefault("application/ld+json", content["application/json"])
    _tidy(result.get("components", {}))
    return result


def _tidy(node) -> None:
    """Two spots drf-spectacular leaves invalid for validators. A blank URL field comes out
    as oneOf(empty string, uri), which the empty string satisfies twice: make it anyOf. And
    DRF's pagination says `nullable`, a keyword OpenAPI 3.1 dropped: write type [.., null]."""
    if isinstance(node, dict):
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        branches = node.get("oneOf")
        if branches and any(b.get("maxLength") == 0 for b in branches if isinstance(b, dict)):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)
