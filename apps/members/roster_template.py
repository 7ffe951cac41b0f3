"""The roster template (花名册模板) offered on the import page: an .xlsx whose first sheet has the
header row the import reads and one example row (never imported: its 备注 says 示例行), a sheet
explaining each column, and the code lists' accepted values, which the first sheet's 民族, 文化程度,
政治面貌, 性别 and 用工形式 columns offer as drop-downs (other forms, such as "汉", stay allowed).

Built from the parser's own tables (roster.HEADER_SYNONYMS, EMPLOYMENT_FORMS, the code lists), so
the template and the import cannot disagree.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .codelists import CODE_LISTS
from .idnumbers import check_character
from .roster import EMPLOYMENT_FORMS, EXAMPLE_ROW_NOTE, HEADER_SYNONYMS

# (field, required, what to write)
COLUMNS = (
    ("seq", False, "可留空。"),
    ("real_name", True, "会员姓名。"),
    ("sex", False, "男 或 女；可留空，以身份证号码为准。"),
    ("ethnicity", False, "民族名称，如“汉族”或“汉”；见“代码表”页。"),
    ("id_number", True, "18 位公民身份号码，末位可为 X；请将单元格设为“文本”格式，以免后几位变成 0。"),
    ("birth", False, "如 1990.01；可留空，以身份证号码为准。"),
    ("education", False, "如“大学专科”（也可写“大专”）；见“代码表”页。"),
    ("political_status", False, "如“中共党员”（也可写“党员”）；见“代码表”页。"),
    ("mobile", False, "11 位手机号码。"),
    ("employment_form", True, "以下之一：" + "、".join(EMPLOYMENT_FORMS) + "。"),
    ("join_date", True, "入会日期，如 2020-03-01 或 2020年3月1日。"),
    ("card_number", False, "已有会员证号的照填；留空则由平台发放。"),
    ("workplace", False, "本工会覆盖的企业名称，与企业登记的名称一致；也可只填统一社会信用代码。"),
    ("workplace_code", False, "工作单位的 18 位统一社会信用代码（填了则以代码为准）。"),
    ("notes", False, "可留空。以“示例行”开头的行不会导入。"),
)
DROPDOWNS = ("sex", "ethnicity", "education", "political_status", "employment_form")
HEADER_FILL = PatternFill("solid", fgColor="FDE2E1")
EXAMPLE_FONT = Font(color="808080", italic=True)


def _example_id() -> str:
    first17 = "32072219900101123"
    return first17 + check_character(first17)


EXAMPLE = {
    "seq": 1,
    "real_name": "张三",
    "sex": "男",
    "ethnicity": "汉族",
    "id_number": _example_id(),
    "birth": "1990.01",
    "education": "大学专科",
    "political_status": "中共党员",
    "mobile": "13800000000",
    "employment_form": "合同工",
    "join_date": "2020-03-01",
    "card_number": "",
    "workplace": "某某有限公司",
    "workplace_code": "",
    "notes": f"{EXAMPLE_ROW_NOTE}：填写前请删除本行",
}


def _header(field: str) -> str:
    return HEADER_SYNONYMS[field][0]


def _code_sheet(book: Workbook) -> dict[str, str]:
    """The 代码表 sheet: one two-column table a list; returns {field: the range of its names}."""
    sheet = book.create_sheet("代码表")
    lists = [
        ("sex", "性别", [("", "男"), ("", "女")]),
        *((field, code_list.label, code_list.choices.choices) for field, code_list in CODE_LISTS.items()),
        ("employment_form", "用工形式", [("", name) for name in EMPLOYMENT_FORMS]),
    ]
    ranges = {}
    for index, (field, title, values) in enumerate(lists):
        code_column, name_column = 3 * index + 1, 3 * index + 2
        sheet.cell(row=1, column=code_column, value=f"{title}代码").font = Font(bold=True)
        sheet.cell(row=1, column=name_column, value=title).font = Font(bold=True)
        for row, (code, name) in enumerate(values, start=2):
            sheet.cell(row=row, column=code_column, value=code or None)
            sheet.cell(row=row, column=name_column, value=str(name))
        letter = get_column_letter(name_column)
        ranges[field] = f"代码表!${letter}$2:${letter}${len(values) + 1}"
        sheet.column_dimensions[letter].width = 22 if field != "ethnicity" else 18
        sheet.column_dimensions[get_column_letter(code_column)].width = 10
    return ranges


def _explanation_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("填写说明")
    sheet.append(["列名", "必填", "填写说明", "也可写作"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for field, required, how in COLUMNS:
        sheet.append([_header(field), "是" if required else "", how, "、".join(HEADER_SYNONYMS[field][1:])])
    sheet.append([])
    for line in (
        "1. 第一张工作表的表头行（列名）请保留；列的顺序可以调整，标题行、空行和末尾的“合计”行不影响导入。",
        "2. 民族、文化程度、政治面貌按国家标准代码登记（GB/T 3304、GB/T 4658、GB/T 4762），"
        "可填写“代码表”中的名称、代码或常用简称（如“汉”“大专”“党员”）。",
        "3. 上传后平台先逐行检查，不写入任何数据；确认后才导入。已登记的会员按身份证号码更新，不会重复登记。",
    ):
        sheet.append([line])
    for letter, width in zip("ABCD", (16, 6, 70, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def roster_template_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "会员花名册"
    sheet.append([_header(field) + ("*" if required else "") for field, required, _how in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    sheet.append([EXAMPLE[field] for field, _required, _how in COLUMNS])
    for cell in sheet[2]:
        cell.font = EXAMPLE_FONT
        cell.number_format = "@"  # text: an ID number typed here keeps all 18 characters
    columns = {field: index for index, (field, _r, _h) in enumerate(COLUMNS, start=1)}
    for field in ("id_number", "mobile", "card_number", "workplace_code"):
        letter = get_column_letter(columns[field])
        for row in range(3, 1003):
            sheet[f"{letter}{row}"].number_format = "@"
    for field, index in columns.items():
        sheet.column_dimensions[get_column_letter(index)].width = 22 if field in ("id_number", "workplace") else 12
    sheet.freeze_panes = "A2"
    ranges = _code_sheet(book)
    for field in DROPDOWNS:
        # A drop-down that still accepts other forms ("汉", "大专"): the import reads those too.
        validation = DataValidation(type="list", formula1=ranges[field], allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(columns[field])
        validation.add(f"{letter}2:{letter}1002")
        sheet.add_data_validation(validation)
    _explanation_sheet(book)
    book.move_sheet("填写说明", offset=-1)  # 会员花名册, 填写说明, 代码表
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
