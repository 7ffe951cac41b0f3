from apps.core.widgets import QuickSelect


def test_quick_select_marks_the_choice_and_escapes_names():
    widget = QuickSelect(choices=[("", "全部"), (1, "白塔埠镇"), (2, "<script>x</script>工会")])
    html = widget.render("union", 2, attrs={"id": "id_union", "class": "form-select"})
    assert html.startswith('<select class="form-select" id="id_union" name="union">')
    assert '<option value="2" selected>&lt;script&gt;x&lt;/script&gt;工会</option>' in html
    assert '<option value="1">白塔埠镇</option>' in html
    assert "<script>" not in html
