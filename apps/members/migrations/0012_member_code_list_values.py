from django.db import migrations

from apps.members.codelists import CODE_LISTS, unmapped_part


def codes_from_free_text(apps, schema_editor):
    """Each distinct text of the three columns, read into its code by the portal's one mapping
    (codelists.code_for: "汉"/"汉族" -> 01, "大专" -> 30, "党员" -> 01 ...).

    A text no code reads is never lost: the member's column is left empty and the text goes into
    code_list_note ("民族：穿青人；文化程度：扫盲"), as does a text read only as a catch-all code
    (穿青人 -> 97 其他). The history's events are converted alike (without the note)."""
    with schema_editor.connection.cursor() as cursor:
        for field, code_list in CODE_LISTS.items():
            column = schema_editor.quote_name(field)
            cursor.execute(f"SELECT DISTINCT {column} FROM members_member WHERE {column} <> ''")  # noqa: S608
            texts = [text for (text,) in cursor.fetchall()]
            cursor.execute(f"SELECT DISTINCT {column} FROM members_memberevent WHERE {column} <> ''")  # noqa: S608
            event_texts = {text for (text,) in cursor.fetchall()}
            for text in texts:
                code = code_list.code_for(text)
                part = unmapped_part(field, text)
                if part:
                    cursor.execute(
                        "UPDATE members_member SET code_list_note = "  # noqa: S608
                        "CASE WHEN code_list_note = '' THEN %s ELSE code_list_note || '；' || %s END "
                        f"WHERE {column} = %s",
                        [part, part, text],
                    )
                if code != text:
                    cursor.execute(
                        f"UPDATE members_member SET {column} = %s WHERE {column} = %s",  # noqa: S608
                        [code or "", text],
                    )
            for text in event_texts:
                code = code_list.code_for(text)
                if code and code != text:
                    cursor.execute(
                        f"UPDATE members_memberevent SET {column} = %s WHERE {column} = %s",  # noqa: S608
                        [code, text],
                    )



class Migration(migrations.Migration):
    """The values of 民族, 文化程度 and 政治面貌 read into their codes (on its own: PostgreSQL refuses
    the schema changes around it in a transaction that updated the rows).

    The history triggers are off between 0011 and 0013, so the conversion writes no events: it
    changes how a value is stored, not what it says (the older events are converted alike, so a
    later change does not read "汉族 → 汉族").
    """

    dependencies = [("members", "0011_member_code_lists")]

    operations = [migrations.RunPython(codes_from_free_text, migrations.RunPython.noop)]
