"""The JSON report's direct formatter gives json.dump's exact bytes on every shape a result can take.

json_report formats results and resources itself (memoized parts, f-strings) instead of going
through the indenting encoder; these tests put unusual values through it (details, waivers,
baseline marks, non-string messages, list paths, missing lines, Unicode and control characters,
origins, floats) and compare with json.dump of the dicts the report is defined by. The cache's
compact entry layout (compliance/_cache_report.py) must give back the same report.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import reference_json

from compliance._cache_report import report_from_json, report_json_chunks
from compliance.model import AppliesTo, Origin, Resource, Result, Rule, Severity, Source, Status
from compliance.reporters import json_report
from compliance.scan import ScanOptions, ScanReport, scan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "payment-platform"


def _entry(report: ScanReport) -> dict:
    """The whole-run cache entry's report, as the cache writes it and reads it back."""
    return json.loads("".join(report_json_chunks(report)))


def _written(report: ScanReport) -> str:
    out = io.StringIO()
    json_report.render(report, out)
    return out.getvalue()


def _rule(rule_id: str, name: str, severity: Severity = Severity.high) -> Rule:
    return Rule(rule_id, name, f"Title of {name}", "Why.", severity, "Fix it.", "python",
                applies_to=AppliesTo("kubernetes", ("Pod",)))


def _resource(name: str, *, file: str = "apps/pod.yaml", namespace: str | None = "shop",
              origin: Origin | None = None, environment: str | None = None) -> Resource:
    return Resource("kubernetes", "Pod", name, f"Pod/{namespace}/{name}" if namespace else f"Pod/{name}",
                    {"kind": "Pod"}, Source(file, 3, 20, 1, (), origin), namespace, "v1", None, environment)


def _unusual_report() -> ScanReport:
    one = _rule("K8S-001", "privileged-container")
    two = _rule("K8S-002", "host-network", Severity.low)
    web = _resource("web", environment="production")
    api = _resource("api\u00e9\U0001f600", file="charts/app/templates/\"quoted\".yaml", namespace=None,
                    origin=Origin("helm", "charts/app/templates/pod.yaml", 7, "chart app"))
    shared_path = ("spec", "containers", 0, "securityContext", "privileged")
    results = [
        Result(one, web, Status.failed, 'container "app" runs privileged', shared_path, 18, 18),
        Result(one, web, Status.failed, 'container "app" runs privileged', ("spec", "containers", 1), 22, 22),
        Result(two, web, Status.passed),
        Result(one, api, Status.waived, "tab\there \u2028 line\nnew \x01 ctrl \\ back", shared_path, 5, 6,
               waiver={"owner": "team-a", "reason": "accepted", "expires": "2027-01-01", "days": 30}),
        Result(two, api, Status.failed, "with details", ("spec",), 9, 9,
               details={"b": [1, 2.5, None, True], "a": {"z": "é", "y": []}, "empty": {}}),
        Result(two, api, Status.failed, "known", ["spec", "hostNetwork"], 10, 11, in_baseline=True),
        Result(one, api, Status.error, None, (), None, None),  # type: ignore[arg-type]
        Result(two, web, Status.failed, 42, (), 0, 0, details={}, waiver={}),  # type: ignore[arg-type]
    ]
    report = ScanReport(rules=[one, two], resources=[web, api], results=results, skipped=[], issues=[],
                        files_scanned=2, warnings=["w \u00fc"],
                        controls={"K8S-001": ["pci-dss-4.0.1:2.2.5", "soc2:CC6.1 \u00e9"], "K8S-002": []})
    report.baseline_fixed = [{"rule": "K8S-009", "resource": "Pod/x"}]
    return report


def test_json_writer_matches_json_dump_on_unusual_results():
    report = _unusual_report()
    text = _written(report)
    assert text == reference_json(report)
    results = json.loads(text)["results"]
    assert results[3]["waiver"] == {"owner": "team-a", "reason": "accepted", "expires": "2027-01-01", "days": 30}
    assert results[3]["message"] == "tab\there \u2028 line\nnew \x01 ctrl \\ back"
    assert results[4]["details"] == {"b": [1, 2.5, None, True], "a": {"z": "é", "y": []}, "empty": {}}
    assert results[5]["in_baseline"] is True and results[5]["path"] == "spec.hostNetwork"
    assert (results[6]["message"], results[6]["line"], results[6]["end_line"]) == (None, None, None)
    assert results[7]["message"] == 42 and "details" not in results[7] and "waiver" not in results[7]
    assert json.loads(text)["resources"][1]["origin"] == {"kind": "helm", "file": "charts/app/templates/pod.yaml",
                                                          "line": 7, "detail": "chart app"}


def test_json_writer_matches_json_dump_on_the_example_and_after_the_cache_layout():
    report = scan(ScanOptions(paths=[str(EXAMPLE)], root=EXAMPLE, jobs=1))
    assert len(report.results) > 300
    text = _written(report)
    assert text == reference_json(report)
    again = report_from_json(_entry(report))
    assert _written(again) == text


def test_cache_layout_round_trips_unusual_results():
    report = _unusual_report()
    again = report_from_json(_entry(report))
    again.baseline_fixed = report.baseline_fixed  # not cached: --baseline is compared after the scan
    assert _written(again) == _written(report)
    assert [(r.rule.id, r.resource.id, r.status, r.message, r.path, r.line, r.end_line, r.details, r.waiver,
             r.in_baseline) for r in again.results] == \
        [(r.rule.id, r.resource.id, r.status, r.message, tuple(r.path), r.line, r.end_line, r.details, r.waiver,
          r.in_baseline) for r in report.results]
    # Results share one object per distinct path and message, as the scan's own results do.
    assert again.results[0].path is again.results[3].path


def test_cache_layout_keeps_bool_and_int_path_parts_apart():
    report = _unusual_report()
    report.results[0].path = ("items", 1)
    report.results[1].path = ("items", True)
    again = report_from_json(_entry(report))
    assert (again.results[0].path, again.results[1].path) == (("items", 1), ("items", True))
    assert type(again.results[1].path[1]) is bool
    again.baseline_fixed = report.baseline_fixed
    assert _written(again) == _written(report)


@pytest.mark.parametrize("damage", [
    lambda d: d.update(layout=1),
    lambda d: d["results"]["rule"].append(0),  # columns of different lengths
    lambda d: d["results"]["message"].__setitem__(0, len(d["messages"])),  # out of range
    lambda d: d["results"]["resource"].__setitem__(0, -1),  # negative: would pick the last resource
    lambda d: d.pop("special"),
    lambda d: d["special"][0].__setitem__(0, -1),
])
def test_cache_layout_rejects_damaged_entries(damage):
    data = _entry(_unusual_report())
    damage(data)
    with pytest.raises((KeyError, TypeError, ValueError, IndexError)):
        report_from_json(data)


def test_cache_layout_refuses_an_unhashable_message():
    report = _unusual_report()
    report.results[0].message = ["not", "hashable"]  # type: ignore[assignment]
    with pytest.raises(TypeError):
        report_json_chunks(report)


@pytest.mark.parametrize("baseline", [None, []])
def test_sarif_direct_results_match_the_sarif_om_objects(tmp_path, baseline):
    """Failed, waived (suppression with the waiver's values), rendered (related location), on-disk (line hash)
    and not-on-disk results: the streamed writer's dicts give the bytes of sarif.dumps(sarif.build(...))."""
    from compliance.reporters import sarif

    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "pod.yaml").write_text("".join(f"line: {n}\n" for n in range(1, 30)))
    (tmp_path / "charts" / "app" / "templates").mkdir(parents=True)
    (tmp_path / "charts" / "app" / "templates" / "pod.yaml").write_text("kind: Pod\n" * 12)
    report = _unusual_report()
    del report.results[7]  # a non-str message: fingerprints (both ways) need text
    report.baseline_fixed = baseline
    kwargs = {"root": tmp_path, "repo_root": tmp_path, "category": "compliance/t", "controls": report.controls}
    out = io.StringIO()
    warnings = sarif.render(report, out, **kwargs)
    log, expected_warnings = sarif.build(report, **kwargs)
    assert (out.getvalue(), warnings) == (sarif.dumps(log), expected_warnings)
    results = json.loads(out.getvalue())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["K8S-001", "K8S-001", "K8S-001", "K8S-002", "K8S-002"]
    assert results[2]["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "accepted",
                                           "properties": {"days": 30, "expires": "2027-01-01", "owner": "team-a"}}]
    assert results[2]["relatedLocations"][0]["message"] == {"text": "rendered resource"}
    assert "primaryLocationLineHash" in results[0]["partialFingerprints"]
    assert [r.get("baselineState") for r in results] == (
        [None] * 5 if baseline is None else ["new", "new", "new", "new", "unchanged"])
