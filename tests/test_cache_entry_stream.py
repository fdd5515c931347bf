"""The whole-run cache entry is written in pieces (issue #10: a x10 corpus stays under 200 MiB
with the cache on): the pieces make one JSON document that reads back as the same report, and a
report JSON cannot hold is not cached."""

from __future__ import annotations

import json

import pytest
from test_json_writer_speed_paths import EXAMPLE, _unusual_report

from compliance._cache_report import report_from_json, report_json_chunks
from compliance.scan import ScanOptions, scan


def _rows(report):
    return [(r.rule.id, r.resource.id, r.status, r.message, tuple(r.path), r.line, r.end_line, r.details,
             r.waiver, r.in_baseline) for r in report.results]


def test_pieces_read_back_as_the_same_report():
    for report in (_unusual_report(), scan(ScanOptions(paths=[str(EXAMPLE)], root=EXAMPLE, jobs=1))):
        pieces = list(report_json_chunks(report))
        assert len(pieces) > 2 + 7  # resources and each result column come as pieces of their own
        again = report_from_json(json.loads("".join(pieces)))
        assert _rows(again) == _rows(report)
        assert [r.id for r in again.resources] == [r.id for r in report.resources]


def test_a_value_json_cannot_hold_fails_before_any_piece():
    report = _unusual_report()
    report.results[4].details = {"when": object()}
    with pytest.raises(TypeError):
        report_json_chunks(report)
