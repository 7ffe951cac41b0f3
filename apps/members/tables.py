import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from apps.core.tables import IsoDateColumn, detail_link

from .models import Member


class MemberTable(tables.Table):
    real_name = tables.Column(verbose_name=_("Full name"), linkify=detail_link("members:member_detail"))
    card_number = tables.Column(verbose_name=_("Member card number"))
    id_masked = tables.Column(verbose_name=_("Citizen ID number"), orderable=False)
    sex = tables.Column(verbose_name=_("Sex"))
    union = tables.Column(verbose_name=_("Union"), order_by=("union__path",))
    workplace = tables.Column(verbose_name="工作单位", orderable=False, default="—")
    employment_form = tables.Column(verbose_name=_("Employment form"))
    join_date = IsoDateColumn(verbose_name=_("Join date"))
    status = tables.Column(verbose_name=_("Status"))
    hardship = tables.BooleanColumn(verbose_name=_("Hardship"), yesno="✔,")

    class Meta:
        model = Member
        fields = [
            "real_name",
            "card_number",
            "id_masked",
            "sex",
            "union",
            "workplace",
            "employment_form",
            "join_date",
            "status",
            "hardship",
        ]
        attrs = {"class": "table table-sm table-hover align-middle"}

    # What the cells read: the list loads only these (apps.core.mixins.ScopedListView.get_table_data).
    loaded_fields = (
        "real_name",
        "card_number",
        "id_masked",
        "sex",
        "union__name",
        "workplace__name",
        "employment_form",
        "join_date",
        "status",
        "hardship",
    )

    def render_union(self, value):
        return value.name

    def render_workplace(self, value):
        return value.name
