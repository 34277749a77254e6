"""The API against its own OpenAPI schema, checked by tools no one here wrote:
openapi-spec-validator (the schema is valid OpenAPI), schemathesis (generated requests to
every operation: no 500, every answer as documented) and openapi-core (each seed answer
validated against its operation)."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate

from config.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(django_db_blocker):
    from pathlib import Path

    files = sorted(str(f) for f in (Path(__file__).parent.parent / "fixtures").glob("*.json"))
    call_command("loaddata", *files, verbosity=0)


def test_every_operation_answers_as_documented(seeded):
    """Generated requests (valid and odd) to every operation: none gives a 500, and every
    answer's status, content type and body match the schema."""
    api = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate()

        check()


def test_the_schema_is_valid_openapi_and_seed_answers_match_it(client, seeded):
    document = json.loads(client.get("/api/schema/?format=json").content)
    validate(document)
    openapi = OpenAPI.from_dict(document)
    slug = "libyan-government-meets-us-delegation"
    for url in [
        "/api/articles/",
        f"/api/articles/{slug}/",
        f"/api/articles/{slug}/annotations/",
        "/api/entities/?q=Sarraj",
        "/api/entities/fayez-al-sarraj/",
        "/api/claims/",
        "/api/articles/no-such-article/",
    ]:
        response = client.get(url, HTTP_ACCEPT="application/json")
        request = DjangoOpenAPIRequest(response.wsgi_request)
        openapi.validate_response(request, DjangoOpenAPIResponse(response))


def test_the_claims_verification_filter_is_documented_and_its_former_name_deprecated(client):
    document = json.loads(client.get("/api/schema/?format=json").content)
    operation = document["paths"]["/api/claims/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    verification, status = params["verification"], params["status"]
    assert verification["schema"]["enum"] == status["schema"]["enum"]
    assert set(verification["schema"]["enum"]) == {
        "unverified",
        "corroborated",
        "disputed",
        "false",
    }
    assert status.get("deprecated") is True and not verification.get("deprecated")
    assert "verification" in status["description"]
