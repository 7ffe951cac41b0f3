"""apps.core.forms.int_param: a query-string id, or None for anything a bigint column cannot hold."""

import pytest

from apps.core.forms import BIGINT_MAX, int_param


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        ("0", 0),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("9" * 19, None),
        ("0" * 18 + "7", 7),
        ("1" * 20, None),
        ("1" * 10_000, None),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_int_param(value, expected):
    assert int_param(value) == expected
