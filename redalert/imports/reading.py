"""Reading an uploaded file as a table, streaming its rows: CSV (UTF-8, with or without BOM, comma, semicolon or
tab separated) or Excel .xlsx (openpyxl in read-only mode, the first sheet). The file is checked by its content,
never by its name."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from redalert.imports.models import FileFormat
from redalert.imports.values import text

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
BOM = b"\xef\xbb\xbf"


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS))


class FileRejected(Exception):
    """The file as a whole cannot be imported; `code` is a reason of redalert.imports.problems."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def detect_format(data: bytes) -> str:
    """CSV or XLSX by content: a ZIP container is a workbook, anything else must be UTF-8 text."""
    if not data:
        raise FileRejected("file_empty")
    if data.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("old_excel")
    return FileFormat.CSV


@dataclass
class Table:
    """The header and a way to walk the rows again (a job reads them twice: to count, then to import)."""

    header: list[str]
    file_format: str
    data: bytes
    delimiter: str = ","
    _text: str = field(default="", repr=False)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(line number as a spreadsheet shows it, cells) of every row that is not blank, after the header."""
        if self.file_format == FileFormat.XLSX:
            yield from _xlsx_rows(self.data)
        else:
            yield from _csv_rows(self._text, self.delimiter)

    def count(self) -> int:
        return sum(1 for _row in self.rows())


def _blank(cells: list[Any] | tuple[Any, ...]) -> bool:
    return all(text(c) == "" for c in cells)


def _csv_reader(content: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)


def _csv_rows(content: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    reader = _csv_reader(content, delimiter)
    try:
        next(reader, None)
        for index, cells in enumerate(reader, start=2):
            if index - 1 > max_rows():
                raise FileRejected("too_many_rows", limit=max_rows())
            if not _blank(cells):
                yield index, cells
    except csv.Error:
        raise FileRejected("not_csv") from None


def _decode(data: bytes) -> str:
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected("not_utf8") from None
    if "\x00" in content:
        raise FileRejected("not_csv")
    return content


def _sniff_delimiter(first_line: str) -> str:
    """The separator of the header line: the most frequent of semicolon, comma and tab."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _load_workbook(data: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise FileRejected("not_xlsx") from None
    except Exception:  # openpyxl raises its own errors for broken parts of a workbook
        raise FileRejected("not_xlsx") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    workbook = _load_workbook(data)
    try:
        sheet = workbook.worksheets[0]
        for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index == 1:
                continue
            if index - 1 > max_rows():
                raise FileRejected("too_many_rows", limit=max_rows())
            if not _blank(cells):
                yield index, list(cells)
    except FileRejected:
        raise
    except Exception:
        raise FileRejected("not_xlsx") from None
    finally:
        workbook.close()


def _trim(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def open_table(data: bytes) -> Table:
    """The file as a table; FileRejected when it is not a CSV or XLSX file that can be read, or has no header."""
    if len(data) > max_bytes():
        raise FileRejected("file_too_large", limit=max_bytes() // (1024 * 1024))
    file_format = detect_format(data)
    if file_format == FileFormat.XLSX:
        workbook = _load_workbook(data)
        try:
            if not workbook.worksheets:
                raise FileRejected("not_xlsx")
            first = next(workbook.worksheets[0].iter_rows(values_only=True, max_row=1), None)
        except FileRejected:
            raise
        except Exception:
            raise FileRejected("not_xlsx") from None
        finally:
            workbook.close()
        header = _trim([text(c) for c in first or ()])
        if not header:
            raise FileRejected("file_empty")
        return Table(header=header, file_format=file_format, data=data)
    content = _decode(data)
    if not content.strip():
        raise FileRejected("file_empty")
    delimiter = _sniff_delimiter(content.split("\n", 1)[0])
    try:
        first_row = next(_csv_reader(content, delimiter), [])
    except csv.Error:
        raise FileRejected("not_csv") from None
    header = _trim([c.strip() for c in first_row])
    if len(header) < 2:
        raise FileRejected("no_header")
    return Table(header=header, file_format=file_format, data=data, delimiter=delimiter, _text=content)
