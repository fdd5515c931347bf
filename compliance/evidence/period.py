"""Evidence periods: 2026-Q4, 2026-H1, 2026-11, 2026, or 2026-10-01..2026-12-31."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import InputError

_FORMS = "YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY or YYYY-MM-DD..YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Period:
    """A labelled span of days, both ends included."""

    label: str
    start: dt.date
    end: dt.date

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def start_utc(self) -> str:
        return f"{self.start.isoformat()}T00:00:00Z"

    def end_utc(self) -> str:
        return f"{self.end.isoformat()}T23:59:59Z"


def parse_period(text: str) -> Period:
    """Parse a period label.

    Raises:
        InputError: the text is none of the accepted forms, or the span is empty.
    """
    value = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
            year, quarter = int(m[1]), int(m[2])
            start = dt.date(year, 3 * quarter - 2, 1)
            return Period(f"{year}-Q{quarter}", start, _month_end(year, 3 * quarter))
        if m := re.fullmatch(r"(\d{4})-[Hh]([12])", value):
            year, half = int(m[1]), int(m[2])
            return Period(f"{year}-H{half}", dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(m[1]), int(m[2])
            return Period(value, dt.date(year, month, 1), _month_end(year, month))
        if m := re.fullmatch(r"(\d{4})", value):
            year = int(m[1])
            return Period(value, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            if end < start:
                raise InputError(f"--period {text!r}: the end is before the start")
            return Period(value, start, end)
    except ValueError as exc:
        raise InputError(f"--period {text!r}: {exc}") from None
    raise InputError(f"--period {text!r}: expected {_FORMS}")


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)
