"""Template context shared by every page."""

from collections import defaultdict


def query_params(request):
    """`params`: the request's query parameters (the last value of each), "" when absent.

    Templates read the chosen filters through it, not request.GET: a missing key of a
    QueryDict makes the template engine call dir() on it to tell a missing key from a
    broken property, about 0.3 ms each, and the outlet menu asked once per outlet.
    """
    return {"params": defaultdict(str, request.GET.items())}
