"""django-axes with one failure limit per lockout combination.

Axes counts failures for each combination in AXES_LOCKOUT_PARAMETERS and compares the
largest count with one AXES_FAILURE_LIMIT. Here each combination has its own limit,
AXES_LOCKOUT_LIMITS[i] (settings: 5 for one username from one address, 20 for any usernames
from one address). Each count is scaled onto AXES_FAILURE_LIMIT, so that axes' own test
`failures >= AXES_FAILURE_LIMIT` holds exactly when some combination reached its own limit:
floor(count * base / limit) >= base  <=>  count >= limit, for whole numbers.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db.models import Sum


def client_address(request) -> str | None:
    """The client's address as login throttling counts it: django-ipware as axes calls it,
    after DJANGO_TRUSTED_PROXY_COUNT (settings). The page cache's limit on uncached renders
    (archive.web.throttle) counts by the same address, so one setting decides both."""
    return get_client_ip_address(request)


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        limits = settings.AXES_LOCKOUT_LIMITS
        attempts_list = self.get_user_attempts(request, credentials)
        if len(limits) != len(attempts_list):
            raise ValueError("AXES_LOCKOUT_LIMITS needs one limit per AXES_LOCKOUT_PARAMETERS.")
        scaled = [0]
        for attempts, limit in zip(attempts_list, limits, strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            scaled.append(count * base // limit)
        return max(scaled)
