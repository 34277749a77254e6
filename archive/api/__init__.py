"""The read-only JSON API at /api/: serializers, viewsets and the OpenAPI document."""
