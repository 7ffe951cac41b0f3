"""An upload is read into memory only up to what its service accepts."""

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from apps.core.uploads import read_upload


def test_an_oversized_upload_is_read_only_one_byte_past_the_limit():
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    for _ in range(8):
        upload.write(b"%PDF-" + b"0" * (1024 * 1024))
    upload.flush()
    content = read_upload(upload, limit=1024)
    assert len(content) == 1025 and content.startswith(b"%PDF-")
    upload.close()


def test_an_upload_within_the_limit_is_read_whole_even_after_an_earlier_read():
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    upload.read(10)
    assert read_upload(upload, limit=1024) == b"\x89PNG\r\n\x1a\n" + b"x" * 100
