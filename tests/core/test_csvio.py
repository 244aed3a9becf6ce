"""The CSV reader shared by learner imports and earnings statements, at its edges."""
from dip.core import csvio


def test_an_excel_sep_line_names_the_separator_and_is_not_data():
    data = "sep=;\r\nusername;name\r\namina;Amina, K.\r\n".encode("cp1252")
    header, rows = csvio.read_rows(data)
    assert header == ["username", "name"]
    assert rows == [(3, {"username": "amina", "name": "Amina, K."})]  # line 3 in an editor


def test_excel_unicode_text_is_read():
    text = "username\tname\r\nzaineb\tZaïneb\r\n"
    header, rows = csvio.read_rows("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    assert header == ["username", "name"] and rows[0][1]["name"] == "Zaïneb"
