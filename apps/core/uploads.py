"""Reading an uploaded file into memory, bounded by the limit its service enforces."""

from django.core.files.uploadedfile import UploadedFile


def read_upload(upload: UploadedFile, *, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``upload``: enough for the service to see that it is too
    big and refuse it, never a whole oversized file in the web process's memory (Django keeps
    an upload above 2.5 MB in a temporary file until it is read)."""
    upload.seek(0)
    return upload.read(limit + 1)
