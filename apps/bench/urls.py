"""The portal's URLs plus the benchmark's bare baseline; used only by settings.bench."""

from django.urls import include, path

from unionportal.urls import handler403, handler404, handler500  # noqa: F401

from . import views

urlpatterns = [
    path("bench/baseline/", views.BaselineRowsView.as_view(), name="bench_baseline"),
    path("", include("unionportal.urls")),
]
