from dal import forward
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.branches.choices import GRASSROOTS_KINDS
from apps.branches.models import Enterprise, OrgUnit
from apps.core.forms import DATE_INPUT, submit_helper, with_empty_choice
from apps.core.spreadsheets import SheetLimits
from apps.core.widgets import Autocomplete

from .choices import ARCHIVED_STATUSES, MemberStatus
from .codelists import CODE_LISTS, code_for
from .models import Member


class CodeListField(forms.ChoiceField):
    """民族, 文化程度 or 政治面貌: a choice of the standard's codes that also reads a value as
    offices write it ("汉", "大专", "党员"), through codelists.code_for like the import and admin."""

    def __init__(self, field: str, **kwargs):
        self.code_list = CODE_LISTS[field]
        kwargs.setdefault("label", self.code_list.label)
        kwargs.setdefault("required", False)
        super().__init__(choices=with_empty_choice(self.code_list.choices.choices), **kwargs)

    def to_python(self, value):
        try:
            return code_for(self.code_list.field, super().to_python(value))
        except ValidationError as exc:
            raise ValidationError(exc.error_dict[self.code_list.field][0].message, code="unknown_code") from exc


def code_list_fields() -> dict[str, CodeListField]:
    return {field: CodeListField(field) for field in CODE_LISTS}


def _workplace_field(*, user, forward_union):
    from .selectors import workplace_list

    return forms.ModelChoiceField(
        label="工作单位",
        queryset=workplace_list(user=user),
        required=False,
        help_text="所在工会覆盖的企业；可按名称或统一社会信用代码搜索。",
        widget=Autocomplete("members:workplace_autocomplete", forward=[forward_union]),
    )


def _unions(user):
    from apps.branches.selectors import orgunit_list

    return orgunit_list(user=user).filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True).order_by("path")


def _union_field_for(field, user):
    """The union choice of a member or roster form: a grassroots officer's is fixed to their own
    union (the one choice, already chosen; another union posted is refused as not a choice)."""
    from .selectors import user_own_union

    own = user_own_union(user)
    if own is None:
        field.queryset = _unions(user)
        return
    field.queryset = _unions(user).filter(pk=own.pk)
    field.initial = own.pk
    field.empty_label = None
    field.widget = forms.Select(choices=field.choices)
    field.help_text = _("A grassroots union officer enters the members of their own union.")


class MemberCreateForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=30,
        help_text=_("18 characters; birth date and sex are taken from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    card_number = forms.CharField(
        label=_("Member card number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty and the portal issues one."),
    )

    class Meta:
        model = Member
        fields = [
            "union",
            "real_name",
            "id_number",
            "join_date",
            "employment_form",
            "ethnicity",
            "education",
            "political_status",
            "workplace",
            "mobile",
            "card_number",
        ]
        widgets = {"join_date": DATE_INPUT, "union": Autocomplete("branches:union_autocomplete")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _union_field_for(self.fields["union"], user)
        self.fields.update(code_list_fields())
        self.fields["workplace"] = _workplace_field(user=user, forward_union="union")
        self.order_fields(self._meta.fields)
        self.helper = submit_helper()

    def _post_clean(self):
        pass  # the service validates the ID, uniqueness and the rest, with Chinese messages


class MemberUpdateForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "real_name",
            "ethnicity",
            "education",
            "political_status",
            "workplace",
            "mobile",
            "employment_form",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(code_list_fields())
        member = self.instance
        self.fields["workplace"] = _workplace_field(user=user, forward_union=forward.Const(member.union_id, "union"))
        # The member's own workplace stays a valid choice even if its enterprise has since moved
        # (the service checks a workplace only when it changes).
        if member.workplace_id:
            self.fields["workplace"].queryset = self.fields["workplace"].queryset | Enterprise.objects.filter(
                pk=member.workplace_id
            )
        self.order_fields(self._meta.fields)
        if member.code_list_note:
            self.fields["ethnicity"].help_text = f"原填写内容：{member.code_list_note}（选定代码后不再保留）"
        self.helper = submit_helper()

    def _post_clean(self):
        pass  # member_update validates (the code lists, the workplace's union, the model's rules)


class MemberIdCorrectionForm(forms.Form):
    id_number = forms.CharField(
        label="正确的身份证号码",
        max_length=30,
        help_text="18 位；出生日期和性别将按新号码重新确定。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="更正原因",
        max_length=200,
        help_text="如：录入时将第 15 位 3 误录为 8，已核对身份证原件。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("更正身份证号码")


class MemberArchiveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Membership ends because"), choices=[(s.value, s.label) for s in MemberStatus if s in ARCHIVED_STATUSES]
    )
    left_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Archive"), danger=True)


class TransferForm(forms.Form):
    to_union = forms.ModelChoiceField(
        label=_("To union"),
        queryset=OrgUnit.objects.none(),
        widget=Autocomplete("members:transfer_destination_autocomplete"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("e.g. moved to a new employer"))

    def __init__(self, *args, union_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = union_queryset
        self.helper = submit_helper(_("Start the transfer"))


class TransferInForm(forms.Form):
    """The receiving union asks for a member it cannot see yet: by the whole ID number.

    Never one click: a reason and an explicit confirmation are required on every submission.
    """

    id_number = forms.CharField(
        label=_("Citizen ID number"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    to_union = forms.ModelChoiceField(
        label=_("Into union"), queryset=OrgUnit.objects.none(), widget=Autocomplete("branches:union_autocomplete")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("e.g. now employed here"))
    confirm = forms.BooleanField(
        label="我已核实此人现在本工会所在单位就业，确认申请将其会籍转入",
        required=True,
        error_messages={"required": "请勾选确认后再提交接转申请。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_union"].queryset = _unions(user)
        self.helper = submit_helper(_("Transfer the membership in"))


class TransferWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=200,
        required=False,
        error_messages={"max_length": "撤回原因最多 200 个字。"},
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RosterUploadForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("Union"), queryset=OrgUnit.objects.none(), widget=Autocomplete("branches:union_autocomplete")
    )
    file = forms.FileField(
        label=_("Roster (.xlsx)"),
        help_text=_("The office's 花名册 as it is: title rows, a 合计 row and blank rows are fine."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _union_field_for(self.fields["union"], user)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        limits = SheetLimits.from_settings()
        self.fields["file"].help_text = format_lazy(
            "{} {}",
            self.fields["file"].help_text,
            _("At most %(rows)s rows and %(columns)s columns a sheet, %(size)s MB a file.")
            % {"rows": f"{limits.rows:,}", "columns": limits.columns, "size": f"{limits.file_bytes / 2**20:g}"},
        )
        self.helper = submit_helper(_("Upload and check"))
