"""The benchmark's own Django app: `manage.py generate_corpus` lives here, outside the
archive app, so a production image (which leaves benchmarks/ out) does not carry it."""

from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "benchmarks"
    verbose_name = "Benchmarks"
