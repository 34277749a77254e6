"""Which database a query goes to: the primary, or one of the read replicas.

Replicas (DATABASE_REPLICA_URLS, aliases replica1, replica2, …) serve only the archive's
reads inside a public request, on the one replica that request drew
(archive.web.middleware.ReplicaRoutingMiddleware): the generation the page cache keys on and
the page's data must come from the same server, or a lagging replica's old data could be
stored under a newer generation. Everything else reads the primary: writes, the admin,
sessions, users and login records, management commands, migrations and tests, and a
client that has just written archive data (so it sees its own edit).
"""

from __future__ import annotations

import contextvars
import random

from django.conf import settings

PRIMARY = "default"

# The database this request reads the archive from; None outside a request.
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "archive_read_alias", default=None
)
# Whether this request wrote archive data (a one-item list, so the router can flag it in
# place). A session saved or a failed login recorded is not such a write: it pins nothing.
_wrote: contextvars.ContextVar[list | None] = contextvars.ContextVar("archive_wrote", default=None)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def begin_request(*, primary: bool):
    """Draw this request's database (a random replica unless `primary`); return the state
    to hand to end_request."""
    choices = replicas()
    alias = PRIMARY if primary or not choices else random.choice(choices)
    return _read_alias.set(alias), _wrote.set([False])


def end_request(state) -> bool:
    """Forget the request's database; return whether the request wrote archive data."""
    read_token, wrote_token = state
    wrote = _wrote.get()[0]
    _read_alias.reset(read_token)
    _wrote.reset(wrote_token)
    return wrote


def read_alias() -> str:
    return _read_alias.get() or PRIMARY


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label != "archive":
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints):
        wrote = _wrote.get()
        if wrote is not None and model._meta.app_label == "archive":
            wrote[0] = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
