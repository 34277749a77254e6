"""Names of entities from Wikidata's entity JSON (no database here).

Two shapes are read, as Wikidata publishes them:

* `Special:EntityData/Q….json`: one object, ``{"entities": {"Q1016": {...}}}``;
* the JSON dump (``latest-all.json``, also ``.gz`` or ``.bz2``): an array written one
  entity per line (``[``, then ``{...},`` lines, then ``]``), or plain JSON lines.

Each entity gives its labels and aliases in every language Wikidata has:
``names(entity) → [("Libye", "fr"), ("ليبيا", "ar"), ("Libyen", "de"), …]``. A dump is read
line by line, so a file of any size costs the memory of one entity at a time.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

MAX_NAME = 300  # Alias.name
# Wikidata's language codes are BCP 47 tags in lower case (en, arz, zh-hans, be-tarask).
_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class WikidataError(ValueError):
    """The file is not Wikidata entity JSON; the message says where."""


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_entities(path: Path) -> Iterator[dict]:
    """Every entity object of the file, in order. Raises WikidataError on bad input."""
    try:
        with _open(path) as handle:
            first = handle.readline()
            handle.seek(0)
            if first.strip() == "[" or _is_entity_line(first):
                yield from _dump_lines(handle)
            else:
                yield from _entity_data(handle.read())
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise WikidataError(f"cannot read it: {error}") from error


def _is_entity_line(line: str) -> bool:
    try:
        value = json.loads(line.strip().rstrip(","))
    except ValueError:
        return False
    return isinstance(value, dict) and "id" in value and "entities" not in value


def _dump_lines(handle) -> Iterator[dict]:
    for number, line in enumerate(handle, start=1):
        text = line.strip().rstrip(",")
        if text in ("", "[", "]"):
            continue
        try:
            entity = json.loads(text)
        except ValueError as error:
            raise WikidataError(f"line {number}: not JSON ({error.args[0]})") from error
        if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
            raise WikidataError(f"line {number}: not an entity (no id)")
        yield entity


def _entity_data(text: str) -> Iterator[dict]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise WikidataError(f"not JSON ({error})") from error
    entities = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entities, dict):
        raise WikidataError('no "entities" object (expected Special:EntityData JSON or a dump)')
    for key, entity in entities.items():
        if not isinstance(entity, dict):
            raise WikidataError(f"entity {key}: not an object")
        # A redirect answers under the asked id with the target's own "id".
        yield {**entity, "id": entity.get("id") or key}


def names(entity: dict) -> tuple[list[tuple[str, str]], int]:
    """(the entity's distinct (name, language) pairs, labels first, then aliases; how many
    were left out: a language tag that is not BCP 47, an empty or overlong name)."""
    found: dict[tuple[str, str], None] = {}
    skipped = 0
    for field in ("labels", "aliases"):
        values = entity.get(field) or {}
        if not isinstance(values, dict):
            continue
        for language, items in values.items():
            for item in items if isinstance(items, list) else [items]:
                name, tag = _name(item, language)
                if name is None:
                    skipped += 1
                    continue
                found.setdefault((name, tag), None)
    return list(found), skipped


def _name(item, language: str) -> tuple[str | None, str]:
    if not isinstance(item, dict):
        return None, ""
    tag = str(item.get("language") or language).lower()
    value = item.get("value")
    if not isinstance(value, str) or not _TAG.match(tag):
        return None, tag
    value = " ".join(_CONTROL.sub(" ", value).split())
    if not value or len(value) > MAX_NAME:
        return None, tag
    return value, tag
