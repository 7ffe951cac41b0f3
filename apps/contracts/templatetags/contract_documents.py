"""`{% contract_documents contract documents as section %}`: what the documents section of a contract shows.

The detail page includes contracts/_documents.html with the contract and the documents it read
already (selectors.contract_documents, shared with the timeline); this tag asks the service
whether an upload is taken now (services.contract_document_refusal). Without `documents` (the
section rendered on its own, where the variable is unset and resolves to "") it reads them itself.
"""

from django import template

from .. import selectors, services
from ..step_forms import DocumentForm

register = template.Library()


@register.simple_tag(takes_context=True)
def contract_documents(context, contract, documents=None):
    user = context["request"].user
    refusal = services.contract_document_refusal(user=user, contract=contract)
    return {
        "rows": documents if isinstance(documents, list) else selectors.contract_documents(contract),
        "form": DocumentForm(auto_id="id_document_%s") if refusal is None else None,
        "refusal": refusal,
    }
