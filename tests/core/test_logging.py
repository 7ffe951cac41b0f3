import logging

from apps.core.logging import RedactPersonalDataFilter, redact


def test_citizen_ids_and_mobiles_are_masked():
    assert redact("id 32072219800101123X mobile 13812345678") == "id 320722********123X mobile 138****5678"


def test_filter_rewrites_the_record_it_lets_through():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "member %s", ("320722198001011234",), None)
    assert RedactPersonalDataFilter().filter(record) is True
    assert record.getMessage() == "member 320722********1234"
