"""Refuse requests PostgreSQL could never answer: NUL characters in the path or query.

PostgreSQL text cannot hold NUL, so a slug or query containing one would reach the
database as an error (a 500). Refusing it here, once, covers every page and endpoint.
"""

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Query parameters and the path; form bodies go through forms that validate them.
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest("NUL characters are not allowed.")
        return self.get_response(request)
