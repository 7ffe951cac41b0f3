"""Uploaded files: read into memory only up to the limit their service enforces, and recognised
by their content (first bytes), never by their name. The one rule for complaint evidence and
contract documents."""

from django.core.files.uploadedfile import UploadedFile

# What an upload may be, recognised by its first bytes (its magic number), not by its name.
ALLOWED_ATTACHMENTS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}

# The refusal when the content is none of them.
NOT_ALLOWED_MESSAGE = "只能上传 JPG、PNG 图片或 PDF 文件。"


def read_upload(upload: UploadedFile, *, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``upload``: enough for the service to see that it is too
    big and refuse it, never a whole oversized file in the web process's memory (Django keeps
    an upload above 2.5 MB in a temporary file until it is read)."""
    upload.seek(0)
    return upload.read(limit + 1)


def sniff_content_type(content: bytes) -> str | None:
    """The content type of ``content`` by its first bytes (JPEG, PNG or PDF), or None."""
    return next((kind for magic, kind in ALLOWED_ATTACHMENTS.items() if content.startswith(magic)), None)


def too_large_message(limit: int) -> str:
    """The refusal of a file above ``limit`` bytes, in whole MB."""
    return f"文件过大：每个文件不能超过 {limit // (1024 * 1024)} MB。"
