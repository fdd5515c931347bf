"""The whole-run cache entry is written in pieces (issue #10: a x10 corpus stays under 200 MiB
with the cache on): the pieces are the JSON of report_to_json, and a report JSON cannot hold is
not cached."""

from __future__ import annotations

import json

from test_json_writer_speed_paths import EXAMPLE, _unusual_report

from compliance._cache_report import report_from_json, report_json_chunks, report_to_json
from compliance.scan import ScanOptions, scan


def test_pieces_are_the_json_of_the_plain_data():
    for report in (_unusual_report(), scan(ScanOptions(paths=[str(EXAMPLE)], root=EXAMPLE, jobs=1))):
        text = "".join(report_json_chunks(report))
        assert json.loads(text) == json.loads(json.dumps(report_to_json(report)))
        again = report_from_json(json.loads(text))
        assert [(r.rule.id, r.resource.id, r.status, r.message, tuple(r.path), r.line, r.end_line, r.details)
                for r in again.results] == [
            (r.rule.id, r.resource.id, r.status, r.message, tuple(r.path), r.line, r.end_line, r.details)
            for r in report.results]


def test_a_value_json_cannot_hold_fails_before_any_piece():
    report = _unusual_report()
    report.results[4].details = {"when": object()}
    try:
        report_json_chunks(report)
    except TypeError:
        pass
    else:
        raise AssertionError("an object in details must not be cached")
