import logging

from apps.core.logging import RedactPersonalDataFilter, redact


def test_citizen_ids_and_mobiles_are_masked():
    assert redact("id 32072219800101123X mobile 13812345678") == "id 320722********123X mobile 138****5678"


def test_filter_rewrites_the_record_it_lets_through():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "member %s", ("320722198001011234",), None)
    assert RedactPersonalDataFilter().filter(record) is True
    assert record.getMessage() == "member 320722********1234"


def test_query_strings_are_removed_from_request_lines_and_urls():
    line = '"GET /members/?q=%E9%99%88%E6%A1%82&status=active HTTP/1.1" 200 512 "https://portal.example.org/x/?m=1"'
    assert redact(line) == (
        '"GET /members/?[query removed] HTTP/1.1" 200 512 "https://portal.example.org/x/?[query removed]"'
    )
    assert redact("GET /members/ HTTP/1.1") == "GET /members/ HTTP/1.1"


def test_a_traceback_is_masked_too():
    try:
        raise ValueError("bad id 32072219800101123X for 13812345678")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RedactPersonalDataFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "32072219800101123X" not in text and "13812345678" not in text
    assert "320722********123X" in text


def test_the_development_servers_request_log_goes_through_the_filter():
    # Django's default gives django.server its own handler, past the filter; the settings route it.
    from django.conf import settings

    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    handler = next(h for h in logging.getLogger("django.server").handlers if h.get_name() == "console")
    assert any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters)
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /members/?q=张三 HTTP/1.1", "200", "5"), None
    )
    handler.filter(record)
    assert record.getMessage() == '"GET /members/?[query removed] HTTP/1.1" 200 5'


def test_gunicorns_access_log_format_leaves_out_query_string_and_referer():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    access_format = config["access_log_format"]
    assert "%(U)s" in access_format
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({query_string}e)s"):
        assert atom not in access_format
    assert config["logger_class"].__name__ == "PortalLogger"


def test_a_database_errors_detail_line_is_removed_in_a_message_and_in_a_repr():
    detail = "DETAIL:  Failing row contains (7, 陈桂, 1985-03-15, null)."
    error = f'new row for relation "members_member" violates check constraint "x"\n{detail}\n'
    assert redact(error) == 'new row for relation "members_member" violates check constraint "x"\nDETAIL: [removed]\n'
    logged = f"Task t[1] raised unexpected: IntegrityError({error!r})"
    assert "陈桂" not in redact(logged) and "1985-03-15" not in redact(logged)
    assert redact(logged).endswith("DETAIL: [removed]\\n')")
    record = logging.LogRecord("celery", logging.ERROR, __file__, 1, "failed: %s", (detail,), None)
    RedactPersonalDataFilter().filter(record)
    assert "陈桂" not in record.getMessage()
