"""Form widgets for pages that must stay fast with long choice lists."""

from dal_select2.widgets import ModelSelect2, ModelSelect2Multiple
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from .forms import int_param


class QuickSelect(forms.Select):
    """A <select> whose options are built in Python, not one template include per option.

    Django renders each option through its own template: a township's 70 unions cost 7 ms of
    a 45 ms member list (issue 6's benchmark). Flat choices only (no option groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option_value), " selected" if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


# --- autocomplete ---------------------------------------------------------------------------------
# A choice list that can hold a county's thousands (unions, enterprises, members, users) renders
# only its chosen option(s) and searches one of the scoped endpoints (apps.core.autocomplete) as
# the user types. django-autocomplete-light's widget and select2 glue; select2 and jQuery are the
# copies Django admin ships; everything is served from our own static files (no CDN).

AUTOCOMPLETE_MEDIA = forms.Media(
    js=(
        "admin/js/vendor/jquery/jquery.min.js",
        "admin/js/vendor/select2/select2.full.min.js",
        "js/autocomplete.js",  # the CSRF header for the endpoints' POST; before DAL's scripts
        "autocomplete_light/autocomplete_light.min.js",
        "autocomplete_light/select2.min.js",
        "autocomplete_light/i18n/zh-CN.js",
    ),
    css={
        "screen": (
            "admin/css/vendor/select2/select2.min.css",
            "autocomplete_light/select2.css",
            "css/autocomplete.css",
        )
    },
)


class AutocompleteMixin:
    """Posts the typed term (never in a URL), bounded in length, with a Chinese placeholder.

    `url` is the endpoint's URL name; `forward` names other fields of the form sent along (e.g.
    the township chosen above). The form field keeps its scoped queryset: a posted id outside it
    is refused by the field ("选择一个有效的选项"), whatever the endpoint offered.
    """

    def __init__(self, url, *, forward=None, min_length=0, placeholder=None, attrs=None):
        from apps.core.autocomplete import MAX_TERM_LENGTH

        attrs = {
            "data-ajax--type": "POST",
            "data-minimum-input-length": min_length,
            "data-maximum-input-length": MAX_TERM_LENGTH,
            "data-placeholder": placeholder or "输入文字搜索",
            "data-width": "100%",
            **(attrs or {}),
        }
        super().__init__(url=url, forward=forward, attrs=attrs)

    @property
    def media(self):
        return AUTOCOMPLETE_MEDIA

    def filter_choices_to_render(self, selected_choices):
        """Only the chosen rows are rendered; posted values that cannot be ids are dropped.

        DAL orders a multiple choice by the posted order with a CASE over the raw values: a
        hand-made value out of bigint range made that `ORDER BY NULL`, a server error.
        """
        pks = {pk for pk in map(int_param, selected_choices) if pk is not None}
        self.choices.queryset = self.choices.queryset.filter(pk__in=pks)

    def render_forward_conf(self, id):
        # DAL's own markup hides the block with a style attribute, which the CSP refuses.
        html = super().render_forward_conf(id)
        return html.replace('style="display:none"', "hidden", 1)


class Autocomplete(AutocompleteMixin, ModelSelect2):
    """One choice, e.g. `forms.ModelChoiceField(queryset=..., widget=Autocomplete("branches:union_autocomplete"))`."""


class AutocompleteMultiple(AutocompleteMixin, ModelSelect2Multiple):
    """Several choices (a joint union's enterprises)."""
