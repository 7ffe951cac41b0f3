from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """Scale tooling: the dataset generator and the page benchmark (issue 6). No models."""

    name = "apps.bench"
    label = "bench"
    verbose_name = _("Benchmarks")
