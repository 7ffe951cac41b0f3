"""The campaign pages: the list (budget, spent, persons reached), one campaign with its table
per township, creating and editing a campaign."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin

from .. import selectors, services
from ..filters import CampaignFilter
from ..forms import CampaignForm
from ..tables import CampaignTable


class CampaignListView(ScopedListView):
    permission_required = "aid.view_aidcampaign"
    selector = selectors.campaign_list
    table_class = CampaignTable
    filterset_class = CampaignFilter
    template_name = "aid/campaign_list.html"
    page_title = gettext_lazy("Aid campaigns")
    create_url = "aid:campaign_create"
    create_label = gettext_lazy("New campaign")
    create_permission = "aid.add_aidcampaign"


class CampaignMixin(ScopedPermissionMixin):
    selector = selectors.campaign_list

    @cached_property
    def campaign(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)


class CampaignDetailView(CampaignMixin, DetailView):
    permission_required = "aid.view_aidcampaign"
    template_name = "aid/campaign_detail.html"
    context_object_name = "campaign"

    def get_object(self, queryset=None):
        return self.campaign

    def get_context_data(self, **kwargs):
        user, campaign = self.request.user, self.campaign
        rows = list(selectors.campaign_townships(user=user, campaign=campaign))
        return super().get_context_data(
            rows=rows,
            totals=selectors.totals_of(rows, ("spent", "given", "persons")),
            may_change=user.has_perm("aid.change_aidcampaign"),
            **kwargs,
        )


class CampaignCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "aid.add_aidcampaign"
    selector = selectors.campaign_list
    form_class = CampaignForm
    template_name = "aid/campaign_form.html"
    success_message = gettext_lazy("Campaign saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("New campaign"), **kwargs)

    def save(self, form):
        return services.campaign_create(user=self.request.user, **form.cleaned_data)


class CampaignUpdateView(CampaignMixin, ServiceFormMixin, FormView):
    permission_required = "aid.change_aidcampaign"
    form_class = CampaignForm
    template_name = "aid/campaign_form.html"
    success_message = gettext_lazy("Campaign saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "campaign": self.campaign}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Edit the campaign"), **kwargs)

    def save(self, form):
        return services.campaign_update(user=self.request.user, campaign=self.campaign, **form.cleaned_data)
