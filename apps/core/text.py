"""Chinese message text: no doubled punctuation where messages are put together.

A message built from parts ("{label}：{message}", messages joined by "；") easily ends up with
"。；", "：:" or "。。" when a part brings its own punctuation. `tidy_punctuation` keeps the
last mark of such a run, in its full-width form; `DOUBLED_PUNCTUATION` finds one (the
catalogue and import-message tests use it). A full stop between ASCII digits or letters
("1.5", "v2.0") and an ellipsis ("…") are left alone.
"""

import re

_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}
_CJK_MARKS = "。，；：！？、"
_ASCII_MARKS = ",;:!?."
DOUBLED_PUNCTUATION = re.compile(
    rf"[{_CJK_MARKS}][{_CJK_MARKS}{re.escape(_ASCII_MARKS)}\s]*[{_CJK_MARKS}{re.escape(_ASCII_MARKS)}]"
    rf"|[{re.escape(_ASCII_MARKS)}]\s*[{_CJK_MARKS}]"
)


def tidy_punctuation(text: str) -> str:
    """'身份证号码：：位数不对。；' -> '身份证号码：位数不对；'."""
    return DOUBLED_PUNCTUATION.sub(lambda match: _FULL_WIDTH.get(match.group()[-1], match.group()[-1]), str(text))


def join_messages(messages) -> str:
    """A row's messages on one line, "；" between them: '姓名：未填写。' + '手机：…。' ->
    '姓名：未填写；手机：…。' (each message brings its own full stop)."""
    return tidy_punctuation("；".join(str(message) for message in messages))
