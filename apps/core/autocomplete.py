"""Search endpoints for the autocomplete widgets (`apps.core.widgets.Autocomplete`).

A choice list that can hold a county's thousands (unions, enterprises, members, users) is
searched, not rendered: the widget renders only the chosen option and asks one of these
endpoints as the user types. Each endpoint

- takes its rows from the app's selector, so it offers only what the user may choose (the form
  still validates the posted id against the same scoped queryset);
- needs a login and a model permission (a view of the thing chosen);
- takes the typed term from the POST body only, never from the URL: a member's or a user's name
  is personal data (apps.core.search), and one rule for every endpoint keeps the widget simple;
- refuses a term longer than `max_term_length` with a 400 (the widget stops the user earlier),
  and answers at most `max_results` rows, with a last, unselectable line asking for more
  characters when there were more.

The answer is select2's JSON: {"results": [{"id": "12", "text": "..."}], "pagination": {...}}.
"""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.views import View

from .mixins import ScopedPermissionMixin

MAX_RESULTS = 20
MAX_TERM_LENGTH = 50


class ScopedAutocompleteView(ScopedPermissionMixin, View):
    """Subclasses set `selector`, `permission_required`, and `search(queryset, term)`."""

    http_method_names = ["post"]
    max_results = MAX_RESULTS
    max_term_length = MAX_TERM_LENGTH
    min_term_length = 0  # an empty term lists the first rows; members ask for at least one character
    forwarded_fields: tuple[str, ...] = ()  # other fields of the form the widget sends along

    def post(self, request, *args, **kwargs):
        term = request.POST.get("q", "").strip()
        if len(term) > self.max_term_length:
            return HttpResponseBadRequest(f"搜索内容过长：最多 {self.max_term_length} 个字。")
        if len(term) < self.min_term_length:
            return self.answer([], more=False)
        forwarded = self.forwarded(request.POST.get("forward", ""))
        queryset = self.search(self.get_queryset(), term, forwarded)
        rows = list(queryset[: self.max_results + 1])
        return self.answer(rows[: self.max_results], more=len(rows) > self.max_results)

    def forwarded(self, raw: str) -> dict[str, str]:
        """The forwarded fields named in `forwarded_fields`, as strings; anything else dropped."""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            return {}
        return {name: str(data[name]) for name in self.forwarded_fields if isinstance(data.get(name), str | int)}

    def search(self, queryset, term: str, forwarded: dict[str, str]):
        raise NotImplementedError

    def label(self, obj) -> str:
        return str(obj)

    def answer(self, rows, *, more: bool):
        results = [{"id": str(obj.pk), "text": self.label(obj)} for obj in rows]
        if more:
            results.append(
                {
                    "id": "",
                    "text": f"仅显示前 {self.max_results} 条，请输入更多文字缩小范围。",
                    "disabled": True,
                }
            )
        response = JsonResponse({"results": results, "pagination": {"more": False}})
        response["Cache-Control"] = "no-store"
        return response
