"""Names of entities from Wikidata's entity JSON (no database here).

Two shapes are read, as Wikidata publishes them:

* `Special:EntityData/Q….json`: one object, ``{"entities": {"Q1016": {...}}}``;
* the JSON dump (``latest-all.json``, also ``.gz`` or ``.bz2``): an array written one
  entity per line (``[``, then ``{...},`` lines, then ``]``), or plain JSON lines.

Each entity gives its labels and aliases in every language Wikidata has:
``names(entity) → [("Libye", "fr"), ("ليبيا", "ar"), ("Libyen", "de"), …]``. A dump is read
line by line, so a file of any size costs the memory of one entity at a time.
``fetch_entity`` reads one entity's Special:EntityData JSON over HTTP, with a timeout and a
size limit (`manage.py fetch_aliases`).
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


_QID = re.compile(r"^[QPL][1-9][0-9]{0,11}$")


def fetch_entity(pattern: str, qid: str, *, timeout: float, max_bytes: int) -> dict:
    """The entity `qid` from Special:EntityData JSON at `pattern` ("{id}" replaced by the id):
    one request, at most `timeout` seconds per read and `max_bytes` of answer. Answered under
    the asked id even when Wikidata redirects it to another. Raises WikidataError."""
    # Imported here: a program that only reads files never loads the HTTP client.
    import http.client
    import urllib.error
    import urllib.request

    if not _QID.match(qid):
        raise WikidataError(f"{qid!r} is not a Wikidata id")
    url = pattern.replace("{id}", qid)
    if not url.startswith(("https://", "http://")):
        raise WikidataError(f"{url}: only http and https addresses are fetched")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "news-archive fetch_aliases"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise WikidataError(f"{url}: answer of {length} bytes, more than {max_bytes}")
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise WikidataError(f"{url}: HTTP {error.code} {error.reason}") from error
    except TimeoutError as error:
        raise WikidataError(f"{url}: no answer within {timeout:g} seconds") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise WikidataError(f"{url}: no answer within {timeout:g} seconds") from error
        raise WikidataError(f"{url}: cannot fetch it ({reason})") from error
    if len(body) > max_bytes:
        raise WikidataError(f"{url}: answer larger than {max_bytes} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WikidataError(f"{url}: not UTF-8 ({error})") from error
    try:
        entities = list(_entity_data(text))
    except WikidataError as error:
        raise WikidataError(f"{url}: {error}") from error
    if len(entities) != 1:
        raise WikidataError(f"{url}: {len(entities)} entities, expected one")
    return {**entities[0], "id": qid}
