"""Reading CSV (UTF-8, BOM, UTF-16, Windows-1256), JSONL and XLSX, with row numbers; and
the files that cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exchange.errors import ExchangeFileError
from exchange.readers import detect_format, open_table
from tests.exchange.conftest import write_jsonl, write_xlsx

CSV_TEXT = "عنوان,شرح,استان\nحسابدار,آشنا به سپیدار,تهران\nراننده پایه یک,حمل بار,فارس\n"


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "cp1256":  # the code page has no Persian yeh: Persian files use the Arabic
        text = text.replace("ی", "ي")
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with a BOM, as Excel's "Unicode text"
        ("utf-16-be", "utf-16"),
        ("cp1256", "cp1256"),
    ],
)
def test_csv_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "in.csv"
    data = _encode(CSV_TEXT, encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    table = open_table(path)
    assert table.encoding == expected
    assert table.header == ("عنوان", "شرح", "استان")
    rows = list(table.rows())
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].cells == {"عنوان": "حسابدار", "شرح": "آشنا به سپیدار", "استان": "تهران"}
    assert rows[1].cells["استان"] == "فارس"


def test_cp1256_with_zwnj_and_persian_letters(tmp_path: Path) -> None:
    text = "عنوان,مهارت‌ها\nکارشناس پشتیبانی,گزارش‌نویسی، پاسخ‌گویی\n"
    path = tmp_path / "in.csv"
    path.write_bytes(_encode(text, "cp1256"))
    table = open_table(path)
    assert table.encoding == "cp1256"
    rows = list(table.rows())
    # The Arabic yeh the code page forces is read as the Persian one.
    assert rows[0].cells == {"عنوان": "کارشناس پشتیبانی", "مهارت‌ها": "گزارش‌نویسی، پاسخ‌گویی"}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(CSV_TEXT.replace(",", delimiter), encoding="utf-8")
    assert open_table(path).header == ("عنوان", "شرح", "استان")


def test_csv_row_numbers_are_lines_across_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        'title,text\n\na,"line one\nline two"\nb,c\n', encoding="utf-8"
    )  # a blank line, then a record over two lines
    rows = list(open_table(path).rows())
    assert [(r.number, r.cells["title"]) for r in rows] == [(3, "a"), (5, "b")]
    assert rows[0].cells["text"] == "line one\nline two"


def test_csv_extra_cells_make_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("title,text\na,b,c\nd,e,\n", encoding="utf-8")
    rows = list(open_table(path).rows())
    assert rows[0].problem is not None and "cells" in rows[0].problem
    assert rows[1].problem is None  # an empty trailing cell is fine


def test_jsonl_rows_and_a_bad_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"title": "حسابدار", "text": "سپیدار", "skills": ["اکسل", "سپیدار"]},
            '{"title": "broken",',
            "",
            "[1, 2]",
            {"عنوان": "راننده", "شرح": "حمل بار", "سابقه": 5},
        ],
    )
    rows = list(open_table(path).rows())
    assert [(r.number, r.problem is None) for r in rows] == [
        (1, True),
        (2, False),
        (4, False),
        (5, True),
    ]
    assert rows[0].cells["skills"] == ["اکسل", "سپیدار"]
    assert rows[1].problem is not None and rows[1].problem.startswith("invalid JSON")
    assert rows[2].problem == "expected a JSON object"
    assert rows[3].cells["سابقه"] == 5


def test_xlsx_first_sheet_with_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [
            ["عنوان", "شرح", "سابقه", "تاریخ"],
            ["حسابدار", "سپیدار", 3, dt.datetime(2023, 8, 8)],
            [None, None, None, None],
            ["راننده", "=1+1", 5.0, "1402-05-17"],
        ],
        text_cells=["B4"],
    )
    table = open_table(path)
    assert table.format == "xlsx" and table.header == ("عنوان", "شرح", "سابقه", "تاریخ")
    rows = list(table.rows())
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].cells["سابقه"] == 3
    assert rows[0].cells["تاریخ"] == dt.datetime(2023, 8, 8)
    assert rows[1].cells["شرح"] == "=1+1"  # text that looks like a formula stays text


@pytest.mark.parametrize(
    ("name", "content", "given", "expected"),
    [
        ("a.csv", b"x", None, "csv"),
        ("a.TSV", b"x", None, "csv"),
        ("a.jsonl", b"x", None, "jsonl"),
        ("a.ndjson", b"x", None, "jsonl"),
        ("a.xlsx", b"x", None, "xlsx"),
        ("a.dat", b"PK\x03\x04rest", None, "xlsx"),
        ("a.dat", b'\xef\xbb\xbf{"title": 1}', None, "jsonl"),
        ("a.dat", b"title,text", None, "csv"),
        ("a.txt", b"x", "jsonl", "jsonl"),
    ],
)
def test_detect_format(
    tmp_path: Path, name: str, content: bytes, given: str | None, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(path, given) == expected


@pytest.mark.parametrize(
    ("name", "content", "given", "message"),
    [
        ("missing.csv", None, None, "no such file"),
        ("empty.csv", b"", None, "is empty"),
        ("blank.csv", b"\n \n\r\n", None, "no rows"),
        ("blank.jsonl", b"\n\n", None, "no records"),
        ("array.jsonl", b'[{"title": "a"}]', None, "JSON array"),
        ("binary.csv", b"title,text\n\x00\x01\x02\x03", None, "binary"),
        ("control.csv", b"title,text\n\x01\x02\x03", None, "binary"),
        ("latin1.csv", "title,text\ncafé,naïve résumé façade\n".encode("latin-1"), None, "UTF-8"),
        ("book.csv", b"PK\x03\x04" + b"\x00" * 64, None, "--format xlsx"),
        ("book.xlsx", b"title,text\na,b\n", None, "not a readable .xlsx"),
        ("old.xls", b"\xd0\xcf\x11\xe0", None, ".xls"),
        ("a.csv", b"title,text\na,b\n", "xml", "unknown format"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: bytes | None, given: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ExchangeFileError, match=message):
        open_table(path, given)


def test_a_bad_byte_after_the_sample_names_its_line(tmp_path: Path) -> None:
    good = "title,text\n" + "حسابدار,سپیدار\n" * 60_000  # over the 1 MiB sample
    path = tmp_path / "mixed.csv"
    path.write_bytes(good.encode("utf-8") + "راننده,حمل\n".encode("cp1256"))
    table = open_table(path)
    with pytest.raises(ExchangeFileError, match="line 60002: the text is not valid utf-8"):
        list(table.rows())
