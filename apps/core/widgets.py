"""Form widgets for pages that must stay fast with long choice lists."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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
