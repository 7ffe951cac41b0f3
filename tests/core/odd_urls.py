"""Two patterns under one name, for apps.core.tables.pk_url_function (tests/core/test_list_rendering.py)."""

from django.http import HttpResponse
from django.urls import re_path


def _view(request, pk):
    return HttpResponse(str(pk))


urlpatterns = [
    re_path(r"^odd/long/(?P<pk>[0-9]+)/$", _view, name="odd"),
    re_path(r"^odd/(?P<pk>[0-9]{1,3})/$", _view, name="odd"),  # reverse() tries this one first
]
