"""Reading a registry file: CSV or XLSX, headers in kk, ru or en, rows with their line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


class Field(StrEnum):
    """A registry column; `region` and `ppo` hold names, the rest what `members` stores."""

    IIN = "iin"
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    PATRONYMIC = "patronymic"
    PHONE = "phone"
    REGION = "region"
    PPO = "ppo"
    STATUS = "status"
    JOINED_ON = "joined_on"
    BIRTHPLACE = "birthplace"
    WORKPLACE = "workplace"
    POSITION = "position"
    EDUCATION = "education"
    FAMILY_STATUS = "family_status"


# Accepted headers in English, Russian and Kazakh, matched ignoring case, spaces and "_".
HEADERS: dict[Field, tuple[str, ...]] = {
    Field.IIN: ("iin", "ИИН", "ЖСН"),
    Field.LAST_NAME: ("last_name", "Фамилия", "Тегі"),
    Field.FIRST_NAME: ("first_name", "Имя", "Аты"),
    Field.PATRONYMIC: ("patronymic", "Отчество", "Әкесінің аты"),
    Field.PHONE: ("phone", "Телефон", "Телефон нөмірі"),
    Field.REGION: ("region", "Регион", "Область", "Облыс", "Өңір"),
    Field.PPO: ("ppo", "ППО", "БПҰ"),
    Field.STATUS: ("status", "Статус", "Мәртебесі"),
    Field.JOINED_ON: ("joined_on", "Дата вступления", "Партияға кірген күні"),
    Field.BIRTHPLACE: ("birthplace", "Место рождения", "Туған жері"),
    Field.WORKPLACE: ("workplace", "Место работы", "Жұмыс орны"),
    Field.POSITION: ("position", "Должность", "Лауазымы"),
    Field.EDUCATION: ("education", "Образование", "Білімі"),
    Field.FAMILY_STATUS: ("family_status", "Семейное положение", "Отбасылық жағдайы"),
}
REQUIRED = (Field.IIN, Field.LAST_NAME, Field.FIRST_NAME, Field.REGION, Field.STATUS)


class RegistryFormatError(Exception):
    """The file cannot be read as a registry; the message is one line saying how to fix it.

    `line` is where reading stopped, when rows before it were read (None: nothing was).
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def fold(text: str) -> str:
    return " ".join(text.replace("_", " ").casefold().replace("ё", "е").split())


_FIELD_OF_HEADER = {fold(name): field for field, names in HEADERS.items() for name in names}


def map_columns(header: tuple[str, ...]) -> dict[Field, int]:
    """The column index of each field found in a header row; RegistryFormatError if unusable."""
    if not any(header):
        raise RegistryFormatError("no header row: the first row must name the columns")
    columns: dict[Field, int] = {}
    for index, name in enumerate(header):
        field = _FIELD_OF_HEADER.get(fold(name))
        if field is None:
            continue  # other columns are allowed; they only travel into the report
        if field in columns:
            first = header[columns[field]]
            msg = f"columns {first!r} and {name!r} both mean {field.value}; keep one of them"
            raise RegistryFormatError(msg)
        columns[field] = index
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        wanted = "; ".join(f"{field.value} ({' / '.join(HEADERS[field])})" for field in missing)
        raise RegistryFormatError(f"missing required column: {wanted}")
    return columns


class RegistrySource(Protocol):
    """An open registry file: the header row, and the data rows with their line numbers."""

    header: tuple[str, ...]
    columns: dict[Field, int]
    delimiter: str

    def rows(self) -> Iterator[tuple[int, list[str]]]: ...
    def fraction_read(self) -> float | None: ...
    def close(self) -> None: ...


class _CsvSource:
    def __init__(self, path: Path) -> None:
        self._raw = path.open("rb")
        self._size = max(path.stat().st_size, 1)
        self._lines_read = 0
        try:
            # utf-8-sig drops a byte-order mark if there is one (Excel's "CSV UTF-8" writes it).
            first = self._raw.readline().decode("utf-8-sig")
            self._lines_read = 1
            # Excel writes ";" where "," is the decimal separator: the header row tells which.
            self.delimiter = ";" if first.count(";") > first.count(",") else ","
            self.header = tuple(next(csv.reader([first], delimiter=self.delimiter), []))
            self.columns = map_columns(self.header)
        except UnicodeDecodeError:
            self.close()
            raise RegistryFormatError("the file is not UTF-8: save it as CSV UTF-8") from None
        except RegistryFormatError:
            self.close()
            raise

    def _lines(self) -> Iterator[str]:
        # Decoded line by line (not in blocks), so that a bad byte is reported on its own line.
        for raw in self._raw:
            self._lines_read += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                msg = f"line {self._lines_read}: not UTF-8 text; save the file as CSV UTF-8"
                raise RegistryFormatError(msg, line=self._lines_read) from None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(self._lines(), delimiter=self.delimiter)
        end = 1
        try:
            for cells in reader:
                start, end = end + 1, self._lines_read
                if any(cells):  # blank lines are not rows
                    yield start, cells
        except csv.Error as error:
            # The file's structure is broken from here on (an unclosed quote that grew past
            # the cell limit, a NUL byte): no row after this point can be trusted.
            msg = f"line {end + 1}: the file cannot be read from here on ({error})"
            raise RegistryFormatError(msg, line=end + 1) from None

    def fraction_read(self) -> float | None:
        return min(self._raw.tell() / self._size, 1.0)

    def close(self) -> None:
        self._raw.close()


class _XlsxSource:
    delimiter = ","

    def __init__(self, path: Path) -> None:
        import openpyxl  # ~5 MB resident: only imports from XLSX need it

        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise RegistryFormatError(f"not a readable XLSX file ({error})") from None
        sheet = self._book.worksheets[0]
        self._total: int | None = sheet.max_row  # from the sheet's stated dimension, if any
        self._values = sheet.iter_rows(values_only=True)
        self._line = 1
        try:
            self.header = tuple(_cell_text(value) for value in next(self._values, ()))
            self.columns = map_columns(self.header)
        except RegistryFormatError:
            self.close()
            raise

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        iin = self.columns[Field.IIN]
        try:
            for line, values in enumerate(self._values, start=2):
                self._line = line
                cells = [_cell_text(value) for value in values]
                if iin < len(cells) and isinstance(values[iin], int | float):
                    # A spreadsheet that stored the IIN as a number dropped its leading zero.
                    cells[iin] = cells[iin].zfill(12)
                if any(cells):
                    yield line, cells
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            line = self._line + 1
            msg = f"row {line}: the workbook cannot be read from here on ({error})"
            raise RegistryFormatError(msg, line=line) from None

    def fraction_read(self) -> float | None:
        return min(self._line / self._total, 1.0) if self._total else None

    def close(self) -> None:
        self._book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def open_registry(path: Path) -> RegistrySource:
    """Open a .csv or .xlsx registry and map its header; RegistryFormatError if unusable."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _XlsxSource(path)
    if suffix in (".csv", ".txt"):
        return _CsvSource(path)
    raise RegistryFormatError("expected a .csv or .xlsx file")
