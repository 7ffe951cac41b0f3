"""A contract's documents through the pages: the view-check base for upload and download, a
real PNG taken, a fake PDF refused, a download only in scope, attachment, nosniff and a safe name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from apps.contracts.choices import ContractStatus
from apps.contracts.models import ContractDocument
from apps.contracts.views.steps import safe_filename
from tests.viewchecks import EVERYONE, ViewChecks, button
from tests.viewchecks import Route as R

from .stepforms import FAKE_PDF, PNG, chair_of, contract_at, document_of


def _document(world, where, user=None):
    contract = contract_at(world, where, ContractStatus.NEGOTIATING)
    return document_of(contract, chair_of(world, where))


class TestDocumentViews(ViewChecks):
    def make(self, world, where, user):
        return contract_at(world, where, ContractStatus.NEGOTIATING)

    routes = (
        button(
            "contracts:document_upload",
            EVERYONE,
            lambda world, obj: {"kind": "minutes", "file": SimpleUploadedFile("纪要.png", PNG)},
            done=lambda obj: obj.documents.get(),
        ),
        R(
            "contracts:document_download",
            "export",
            EVERYONE,
            obj=_document,
            url_kwargs=lambda obj: {"pk": obj.contract_id, "document_pk": obj.pk},
        ),
    )


pytestmark = pytest.mark.django_db


def _upload(client, contract, name, content, kind="signed_text"):
    url = reverse("contracts:document_upload", kwargs={"pk": contract.pk})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_a_real_png_is_taken_and_served_back_as_an_attachment(world, client_for):
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    client = client_for(world.users["chair"])
    response = _upload(client, contract, "会议纪要.png", PNG, kind="minutes")
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    document = contract.documents.get()
    assert (document.kind, document.content_type, document.size, document.uploaded_by) == (
        "minutes",
        "image/png",
        len(PNG),
        world.users["chair"],
    )
    download = client.get(
        reverse("contracts:document_download", kwargs={"pk": contract.pk, "document_pk": document.pk})
    )
    assert download.status_code == 200 and download.content == PNG
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.png" in download["Content-Disposition"]


def test_a_fake_pdf_is_refused_and_nothing_is_kept(world, client_for):
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    client = client_for(world.users["chair"])
    response = _upload(client, contract, "合同文本.pdf", FAKE_PDF)
    assert response.status_code == 302
    assert not ContractDocument.objects.filter(contract=contract).exists()
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("只能上传 JPG、PNG 图片或 PDF 文件" in m for m in shown), shown


def test_an_upload_without_a_kind_or_a_file_is_refused(world, client_for):
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    client = client_for(world.users["chair"])
    url = reverse("contracts:document_upload", kwargs={"pk": contract.pk})
    response = client.post(url, {"kind": "minutes"})
    assert response.status_code == 302 and not contract.documents.exists()
    assert any("请选择" in str(m) for m in response.wsgi_request._messages)


def test_another_townships_chair_cannot_download(world, client_for):
    document = _document(world, "a")
    url = reverse("contracts:document_download", kwargs={"pk": document.contract_id, "document_pk": document.pk})
    assert client_for(world.users["chair_b"]).get(url).status_code == 404
    assert client_for(world.users["chair"]).get(url).status_code == 200


def test_a_document_is_served_only_under_its_own_contract(world, client_for):
    """Township B's document under township A's contract number is a 404, for the county too."""
    own = contract_at(world, "a", ContractStatus.NEGOTIATING)
    other = _document(world, "b")
    url = reverse("contracts:document_download", kwargs={"pk": own.pk, "document_pk": other.pk})
    for role in ("chair", "county"):
        assert client_for(world.users[role]).get(url).status_code == 404


def test_the_saved_name_is_safe_and_says_what_the_content_is():
    def doc(name, content_type="image/png", pk=7):
        return ContractDocument(file_name=name, content_type=content_type, pk=pk)

    assert safe_filename(doc("会议纪要.png")) == "会议纪要.png"
    assert safe_filename(doc("page.html")) == "page.png"  # the content decides the extension
    assert safe_filename(doc('a"b;\r\nc.pdf', "application/pdf")) == "a_b_c.pdf"
    assert safe_filename(doc("..\\..\\evil.jpg", "image/jpeg")) == "evil.jpg"
    assert safe_filename(doc("...", "image/png")) == "document-7.png"


def test_the_documents_section_lists_and_offers_the_upload(world):
    chair = world.users["chair"]
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    document_of(contract, chair, name="协商纪要.png")
    request = RequestFactory().get("/")
    request.user = chair
    html = render_to_string("contracts/_documents.html", {"contract": contract}, request=request)
    assert "协商纪要.png" in html and "协商会议纪要" in html and 'data-testid="document-upload"' in html
    assert (
        reverse("contracts:document_download", kwargs={"pk": contract.pk, "document_pk": contract.documents.get().pk})
        in html
    )
    closed = contract_at(world, "a", ContractStatus.REQUESTED)
    from apps.contracts import services

    closed = services.contract_close(user=chair, contract=closed, closed_on=closed.requested_on, reason="企业注销")
    html = render_to_string("contracts/_documents.html", {"contract": closed}, request=request)
    assert 'data-testid="document-upload"' not in html and 'data-testid="document-refusal"' in html
