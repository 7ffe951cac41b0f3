"""Django's own messages in plain Chinese, and no doubled punctuation in any message.

Django's zh_Hans catalogue says "确保该变量包含不超过 5 字符 (目前字符数 6)。" for a too-long
field; locale/zh_Hans/LC_MESSAGES/django.po (first in LOCALE_PATHS) overrides those msgids.
Import messages are put together from parts ("{column}：{message}", joined by "；"), where "。；"
or "：:" creep in; apps.core.text tidies them.
"""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import translation
from django.utils.translation import trans_real

from apps.core import imports, spreadsheets
from apps.core.imports import ImportRow
from apps.core.text import DOUBLED_PUNCTUATION, join_messages, tidy_punctuation
from apps.members import roster


def _catalogue():
    with translation.override("zh-hans"):
        catalog = trans_real.translation("zh-hans")._catalog
        # Each msgid as the portal shows it: ours where we override Django's.
        return {key: catalog[key] for key in set(catalog.keys())}


def test_no_translation_has_doubled_punctuation():
    doubled = {key: text for key, text in _catalogue().items() if DOUBLED_PUNCTUATION.search(str(text))}
    assert not doubled


def test_the_check_finds_doubled_punctuation():
    for text in ("请核对。。", "姓名：:未填写", "位数不对。；出生日期不对。", "请填写，。"):
        assert DOUBLED_PUNCTUATION.search(text), text
    for text in ("请核对。", "第 1.5 条", "1,000 人", "（见附件）。", "…"):
        assert not DOUBLED_PUNCTUATION.search(text), text


def test_djangos_validator_messages_read_plainly():
    catalogue = _catalogue()
    assert not [text for text in catalogue.values() if str(text).startswith("确保")]

    class Form(forms.Form):
        name = forms.CharField(max_length=5)
        code = forms.CharField(min_length=3)
        members = forms.IntegerField(min_value=0, max_value=100)
        held_on = forms.DateField(validators=[MinValueValidator(datetime.date(2000, 1, 1))])

    with translation.override("zh-hans"):
        errors = Form({"name": "六个字的名字", "code": "甲", "members": "-1", "held_on": "1999-12-31"}).errors
        assert errors["name"] == ["最多 5 个字（现在是 6 个）。"]
        assert errors["code"] == ["至少 3 个字（现在是 1 个）。"]
        assert errors["members"] == ["不能小于 0。"]
        assert errors["held_on"] == ["不能小于 2000-01-01。"]  # a date reads as plainly as a number
        assert Form({"members": "101"}).errors["members"] == ["不能大于 100。"]


def test_tidy_keeps_the_last_mark_of_a_run_in_full_width():
    assert tidy_punctuation("身份证号码：：位数不对。；出生日期不对。。") == "身份证号码：位数不对；出生日期不对。"
    assert tidy_punctuation("姓名:：未填写") == "姓名：未填写"
    assert tidy_punctuation("共 1.5 万人。") == "共 1.5 万人。"
    assert join_messages(["姓名：未填写。", "手机号码：不是有效的 11 位手机号码。"]) == (
        "姓名：未填写；手机号码：不是有效的 11 位手机号码。"
    )


def test_a_rows_messages_are_tidied_where_they_are_shown_and_reported():
    row = ImportRow(row=3, values={}, errors=["身份证号码：" + "位数不对。"], warnings=["性别：：请核对。。"])
    assert row.messages == ["身份证号码：位数不对。", "性别：请核对。"]


def test_a_roster_problem_built_from_djangos_messages_has_no_doubled_punctuation():
    error = ValidationError("：内容不对。", code="invalid")
    with translation.override("zh-hans"):
        message = roster._problem("notes", error, "备注", "notes", None)
    assert message == "备注：：内容不对。"  # what the parts make
    assert ImportRow(row=1, values={}, errors=[message]).messages == ["备注：内容不对。"]  # what is shown


@pytest.mark.parametrize("module", [roster, imports, spreadsheets], ids=lambda m: m.__name__)
def test_the_import_modules_messages_have_no_doubled_punctuation(module):
    texts = [value for value in vars(module).values() if isinstance(value, str)]
    texts += [
        value
        for mapping in vars(module).values()
        if isinstance(mapping, dict)
        for value in mapping.values()
        if isinstance(value, str)
    ]
    assert texts
    assert not [text for text in texts if DOUBLED_PUNCTUATION.search(text)]
