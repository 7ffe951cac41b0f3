"""`{% contract_documents contract as documents %}`: what the documents section of a contract shows.

The detail page includes contracts/_documents.html with only the contract in its context; this
tag reads the documents (without their content) and asks the service whether an upload is
taken now (services.contract_document_refusal), so the section needs nothing more.
"""

from django import template

from .. import selectors, services
from ..step_forms import DocumentForm

register = template.Library()


@register.simple_tag(takes_context=True)
def contract_documents(context, contract):
    user = context["request"].user
    refusal = services.contract_document_refusal(user=user, contract=contract)
    return {
        "rows": selectors.contract_documents(contract).order_by("uploaded_at", "id"),
        "form": DocumentForm(auto_id="id_document_%s") if refusal is None else None,
        "refusal": refusal,
    }
