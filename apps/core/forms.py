"""Form plumbing shared by every app."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# What a select offers before anything is chosen, instead of Django's "---------": the one
# label of every app's selects ("请选择…"), with the helpers below the only ways to apply it.
EMPTY_LABEL = _("Select…")
EMPTY_CHOICE = ("", EMPTY_LABEL)


def with_empty_choice(choices) -> list:
    """`choices` led by the empty "请选择…" choice (a plain ChoiceField's list)."""
    return [EMPTY_CHOICE, *choices]


def empty_labels(form) -> None:
    """Every single select of `form` offers "请选择…" for its empty choice, whenever its field was
    built (a field a form class made before `install_plain_empty_labels` ran still has the dashes).

    A ModelChoiceField without an empty choice (`empty_label=None`) keeps none.
    """
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = EMPTY_LABEL
        elif isinstance(field, forms.ChoiceField):
            field.choices = [(EMPTY_CHOICE if value == "" else (value, label)) for value, label in field.choices]


def install_plain_empty_labels() -> None:
    """Every app's selects say "请选择…" where Django says "---------".

    The two places Django writes the dashes: ModelChoiceField's default `empty_label` (a
    foreign key, or any ModelChoiceField without its own label) and the blank choice of a
    model field's choices (BLANK_CHOICE_DASH, the default argument of Field.get_choices, so the
    list is changed in place). A form that passes its own `empty_label` keeps it (the lists'
    filters say "全部").

    Run when this module is first imported (every app's forms import it, so their form classes
    are built after it) and again in CoreConfig.ready; the admin's autodiscovery imports form
    modules before the apps' ready() run, which is why the import is the one that matters.
    """
    from django.db.models import fields
    from django.forms import models as form_models

    form_models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_LABEL
    fields.BLANK_CHOICE_DASH[:] = [EMPTY_CHOICE]


install_plain_empty_labels()


class DangerSubmit(Submit):
    """The submit of a destructive action (archive, refuse, do not approve): it looks it."""

    field_classes = "btn btn-danger"


def submit_helper(label=None, *, danger: bool = False) -> FormHelper:
    """A crispy FormHelper with one submit button (layout only; no rules here).

    The buttons row is templates/includes/form_buttons.html (through crispy's bootstrap5/inputs.html):
    the submit and 取消. `danger=True` for a destructive action.
    """
    helper = FormHelper()
    helper.add_input((DangerSubmit if danger else Submit)("submit", label or _("Save")))
    return helper


# PostgreSQL's bigint, the widest integer column: a larger id matches no row, and comparing
# with it is a DataError (a 500).
BIGINT_MAX = 2**63 - 1


def int_param(value) -> int | None:
    """A query-string id as an int, or None.

    isdigit() alone lets "²" through to int(); more than 19 digits is no bigint (and int()
    refuses over 4,300 digits with a ValueError): all three would be a 500.
    """
    value = str(value or "")
    if not (value.isascii() and value.isdecimal()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None


def filter_field(field) -> str:
    """A list's filter field as crispy-forms' bootstrap5 `as_crispy_field` renders it, without its templates.

    crispy renders each field through a dozen nested templates: a list's eight filters cost
    about as much as its 50 table rows (issue 11's benchmark). The fields a filter form has
    (text, date and select inputs, no errors, no help text, no FormHelper) are written out here
    with crispy's own class rules; any other field (a checkbox, radio buttons, a file, a
    fieldset, a field with errors or help text) goes through crispy itself.
    """
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    if field.is_hidden:
        return str(field)
    widget = field.field.widget
    if (
        isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.FileInput | forms.MultiWidget)
        or hasattr(widget, "widgets")
        or hasattr(widget, "widget")
        or field.use_fieldset
        or field.errors
        or field.help_text
        or getattr(field.form, "helper", None) is not None
    ):
        return as_crispy_field(field)
    _add_crispy_classes(widget, "form-select" if isinstance(widget, forms.Select) else "form-control")
    wrapper_class = "mb-3"
    if css_classes := field.css_classes():
        wrapper_class += f" {css_classes}"
    label = ""
    if field.label:
        required = field.field.required
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    return format_html(
        '<div id="div_{}" class="{}">{}{}</div>', field.auto_id, wrapper_class, label, widget_html(field)
    )


def _add_crispy_classes(widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' '...' %}` does to a widget's class attribute."""
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


# Django's own templates for an <input> and a flat <select> (django/forms/templates/django/forms/widgets),
# written out in Python: a <select> renders a template per option, the status filter's five
# options cost more than the select around them.
_INPUT_TEMPLATE = "django/forms/widgets/input.html"
# Templates that are `{% include "django/forms/widgets/input.html" %}` and nothing else.
_INPUT_TEMPLATES = {_INPUT_TEMPLATE} | {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "date", "datetime", "time", "number", "email", "url", "tel", "search", "password", "color")
}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def widget_html(field) -> str:
    """str(field) (BoundField.as_widget) for Django's input and select widgets, any other widget by Django."""
    from django.forms.renderers import DjangoTemplates

    widget = field.field.widget
    template = getattr(widget, "template_name", None)
    if (
        (template not in _INPUT_TEMPLATES and template != _SELECT_TEMPLATE)
        or type(widget).render is not forms.Widget.render
        or type(widget)._render is not forms.Widget._render
        or type(field.form.renderer) is not DjangoTemplates
        or getattr(widget, "allow_multiple_selected", False)
        or field.field.localize
    ):
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if template in _INPUT_TEMPLATES:
        value = "" if context["value"] is None else format_html(' value="{}"', _stringformat(context["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attrs_html(context["attrs"])
        )
    options = []
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            return str(field)
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return str(field)
            options.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    _stringformat(option["value"]),
                    _attrs_html(option["attrs"]),
                    _text(option["label"]),
                )
            )
    options = mark_safe("".join(options))  # noqa: S308 - each option built by format_html
    return format_html('<select name="{}"{}>{}\n</select>', context["name"], _attrs_html(context["attrs"]), options)


def _stringformat(value) -> str:
    """The `stringformat:'s'` filter."""
    return str(value) if isinstance(value, tuple) else "%s" % value


def _attrs_html(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _stringformat(value)))
    return mark_safe("".join(parts))  # noqa: S308 - each attribute built by format_html


def _text(value) -> str:
    """`{{ value }}` for an option's label."""
    from django.template import Context
    from django.template.base import render_value_in_context
    from django.utils.functional import Promise

    if isinstance(value, str | Promise):
        return conditional_escape(str(value))
    return render_value_in_context(value, Context())
