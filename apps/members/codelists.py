"""The member's 民族, 文化程度 and 政治面貌 as standard codes (choices.Ethnicity, Education,
PoliticalStatus), and the one function that reads what offices write into a code.

The member form, Django admin, the services and the roster import all ask :func:`code_for`, so
"汉", "汉族", "Han" and "01" are the same 汉族 everywhere, and a value none of them knows gets
the same Chinese fix-it message, listing what is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from .choices import Education, Ethnicity, PoliticalStatus


@dataclass(frozen=True)
class CodeList:
    field: str  # the Member field
    label: str  # as the office calls the column
    choices: type[models.TextChoices]
    aliases: dict[str, str]  # written form (normalised) -> code
    hint: str  # the accepted forms, for the fix-it message

    def code_for(self, value) -> str | None:
        """The code of what was written ('' for nothing written), or None when it cannot be read."""
        key = normalise(value)
        if not key:
            return ""
        return self.aliases.get(key)

    def label_of(self, code: str) -> str:
        return str(self.choices(code).label) if code in self.choices.values else ""

    def message(self, value) -> str:
        return f"{self.label}：无法识别“{_shown(value)}”，{self.hint}"


def normalise(value) -> str:
    """Full-width to half-width, no spaces, Latin letters in lower case: '汉 族' -> '汉族', 'HAN' -> 'han'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text).lower()


def _shown(value) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 20 else text[:20] + "…"


def _with_codes(choices, aliases: dict[str, str]) -> dict[str, str]:
    """Every label and every code (also a 1-digit code without its 0: '1' for '01') reads as the code."""
    table = {}
    for code, label in choices.choices:
        table[normalise(label)] = code
        table[code] = code
        table[code.lstrip("0") or code] = code
    table.update({normalise(alias): code for alias, code in aliases.items()})
    return table


def _ethnicity_aliases() -> dict[str, str]:
    aliases = {}
    for code, label in Ethnicity.choices:
        if label.endswith("族"):
            aliases[label[:-1]] = code  # 汉, 回, 蒙古, 土家 ...
            aliases[label + "人"] = code
    aliases.update(
        {
            # Pinyin, as some systems export it (GB/T 3304's romanisation and the plain pinyin).
            "han": "01",
            "hanzu": "01",
            "mongol": "02",
            "menggu": "02",
            "hui": "03",
            "zang": "04",
            "tibetan": "04",
            "uygur": "05",
            "uyghur": "05",
            "miao": "06",
            "yi": "07",
            "zhuang": "08",
            "chaoxian": "10",
            "korean": "10",
            "man": "11",
            "manchu": "11",
            "tujia": "15",
            # Undetermined groups are 97 (其他) in GB/T 3304; the original word is kept in the
            # member's note when it differs from the label (see codelists.unmapped_note).
            "穿青人": "97",
            "穿青族": "97",
            "其他": "97",
            "其它": "97",
            "未识别民族": "97",
            "其他民族": "97",
            "外国血统": "98",
            "入籍": "98",
            "外籍": "98",
        }
    )
    return aliases


EDUCATION_ALIASES = {
    "研究生教育": "10",
    "博士": "10",
    "博士研究生": "10",
    "硕士": "10",
    "硕士研究生": "10",
    "研究生毕业": "10",
    "本科": "20",
    "大本": "20",
    "大学": "20",
    "学士": "20",
    "本科毕业": "20",
    "大学本科毕业": "20",
    "大专": "30",
    "专科": "30",
    "高职": "30",
    "大专毕业": "30",
    "中专": "41",
    "中专毕业": "41",
    "中等专业学校": "41",
    "中等专科学校": "41",
    "职高": "42",
    "职业高中毕业": "42",
    "技校": "43",
    "中技": "43",
    "技工": "43",
    "高中": "60",
    "高中毕业": "60",
    "普通高级中学": "60",
    "初级中学": "70",
    "初中毕业": "70",
    "小学毕业": "80",
    "其它": "90",
    "文盲": "90",
    "半文盲": "90",
    "扫盲班": "90",
}

POLITICAL_ALIASES = {
    "党员": "01",
    "共产党员": "01",
    "中国共产党党员": "01",
    "中共": "01",
    "预备党员": "02",
    "中国共产党预备党员": "02",
    "团员": "03",
    "共青团": "03",
    "中国共产主义青年团团员": "03",
    "民革": "04",
    "民革党员": "04",
    "中国国民党革命委员会会员": "04",
    "民盟": "05",
    "中国民主同盟盟员": "05",
    "民建": "06",
    "中国民主建国会会员": "06",
    "民进": "07",
    "中国民主促进会会员": "07",
    "农工党": "08",
    "中国农工民主党党员": "08",
    "致公党": "09",
    "中国致公党党员": "09",
    "九三学社": "10",
    "台盟": "11",
    "台湾民主自治同盟盟员": "11",
    "无党派": "12",
    "无党派民主人士": "12",
    "普通群众": "13",
    "无": "13",
}


def _hint(choices, examples: str = "") -> str:
    labels = "、".join(str(label) for label in choices.labels)
    return f"请填写以下之一：{labels}{examples}。"


ETHNICITY = CodeList(
    field="ethnicity",
    label="民族",
    choices=Ethnicity,
    aliases=_with_codes(Ethnicity, _ethnicity_aliases()),
    hint="请填写民族全称或简称，如“汉族”或“汉”、“回族”或“回”（56 个民族及“其他”，见花名册模板的“填写说明”页）。",
)
EDUCATION = CodeList(
    field="education",
    label="文化程度",
    choices=Education,
    aliases=_with_codes(Education, EDUCATION_ALIASES),
    hint=_hint(Education, "（也可写“大专”“本科”“中专”“高中”等常用简称）"),
)
POLITICAL_STATUS = CodeList(
    field="political_status",
    label="政治面貌",
    choices=PoliticalStatus,
    aliases=_with_codes(PoliticalStatus, POLITICAL_ALIASES),
    hint=_hint(PoliticalStatus, "（也可写“党员”“预备党员”“团员”等常用简称）"),
)
CODE_LISTS = {code_list.field: code_list for code_list in (ETHNICITY, EDUCATION, POLITICAL_STATUS)}


def code_for(field: str, value) -> str:
    """The code of `value` for the Member field `field` ('' for nothing written); a value that
    cannot be read raises a ValidationError on that field, in Chinese, listing what is accepted."""
    code_list = CODE_LISTS[field]
    code = code_list.code_for(value)
    if code is None:
        raise ValidationError({field: code_list.message(value)}, code="unknown_code")
    return code


def codes_clean(data: dict) -> dict:
    """`data` with each code-list field it holds read into its code; every unreadable field's
    message at once (a ValidationError by field)."""
    cleaned, errors = dict(data), {}
    for field in CODE_LISTS:
        if field in cleaned:
            try:
                cleaned[field] = code_for(field, cleaned[field])
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


# The codes that stand for "something else": the word written is kept beside them (穿青人 is 97).
CATCH_ALL_CODES = {"ethnicity": "97", "education": "90"}


def unmapped_part(field: str, value) -> str:
    """What the note keeps of one field's original text: '民族：穿青人' when no code reads it or
    only a catch-all code does (and the text is not that code's own label); '' otherwise."""
    code_list = CODE_LISTS[field]
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    code = code_list.code_for(text)
    if code is None or (code == CATCH_ALL_CODES.get(field) and normalise(text) not in _PLAIN_CATCH_ALL):
        return f"{code_list.label}：{text}"
    return ""


_PLAIN_CATCH_ALL = {"其他", "其它", "97", "90", normalise(Ethnicity.OTHER.label), "未识别民族"}


def unmapped_note(originals: dict[str, str]) -> str:
    """The note keeping what a code could not say, from {field: original text}:
    '民族：穿青人；文化程度：扫盲'. Empty when every code says it all."""
    return "；".join(part for field, text in originals.items() if (part := unmapped_part(field, text)))


def note_without(note: str, fields) -> str:
    """The note less the parts of `fields` (a field given a code again no longer needs its original)."""
    labels = tuple(f"{CODE_LISTS[field].label}：" for field in fields)
    return "；".join(part for part in (note or "").split("；") if part and not part.startswith(labels))


def note_after_update(member, changes: dict) -> str | None:
    """The member's code-list note once `changes` ({field: code}) are written: a code-list field
    given a new value drops its original text (it is answered now). None: the note stays as it is.
    The one rule of services.member_update and of the roster import's updates."""
    answered = [name for name in CODE_LISTS if name in changes and changes[name] != getattr(member, name)]
    if not answered or not member.code_list_note:
        return None
    return note_without(member.code_list_note, answered)
