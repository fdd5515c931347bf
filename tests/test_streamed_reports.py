"""Streamed JSON and SARIF writers give the bytes the one-document writers gave; packed bodies change nothing.

The reference writers below are the previous implementations (build the whole
document, then serialize it once), kept here as the golden.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
from pathlib import Path

import pytest
from helpers import reference_json

from compliance import scan as scan_module
from compliance.model import Resource, Source
from compliance.reporters import json_report, sarif
from compliance.reporters._meter import SizeMeter
from compliance.scan import ScanOptions, ScanReport, scan

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "payment-platform"


def _reference_sarif(report: ScanReport, **kwargs) -> tuple[str, list[str]]:
    log, warnings = sarif.build(report, **kwargs)
    text = sarif.dumps(log)
    if len(text.encode("utf-8")) > sarif.MAX_GZIP_BYTES:
        packed = len(gzip.compress(text.encode("utf-8"), mtime=0))
        if packed > sarif.MAX_GZIP_BYTES:
            warnings.append(f"SARIF is {packed:,} bytes gzip-compressed; GitHub rejects uploads above "
                            f"{sarif.MAX_GZIP_BYTES:,} bytes (scan fewer paths per category)")
    return text, warnings


def _scan(jobs: int = 1) -> ScanReport:
    return scan(ScanOptions(paths=[str(EXAMPLE)], root=EXAMPLE, jobs=jobs))


@pytest.fixture(scope="module")
def report() -> ScanReport:
    return _scan()


def _json(report: ScanReport) -> str:
    out = io.StringIO()
    json_report.render(report, out)
    return out.getvalue()


def _sarif(report: ScanReport, **kwargs) -> tuple[str, list[str]]:
    out = io.StringIO()
    warnings = sarif.render(report, out, **kwargs)
    return out.getvalue(), warnings


def test_streamed_json_is_byte_identical_to_the_one_document_writer(report):
    assert len(report.results) > 300 and len(report.resources) > 50  # the whole example, not a toy
    text = _json(report)
    assert text == reference_json(report)
    assert json.loads(text)["results"][0]["rule_id"] == report.results[0].rule.id


def test_streamed_json_writes_empty_lists_and_the_baseline_the_same_way(report):
    empty = ScanReport(rules=report.rules[:2], resources=[], results=[], skipped=[], issues=[], files_scanned=0,
                       warnings=["w"], controls={})
    empty.baseline_fixed = [{"rule": "K8S-001", "resource": "Pod/x"}]
    text = _json(empty)
    assert text == reference_json(empty)
    assert '  "resources": [],\n' in text and '  "results": [],\n' in text
    assert json.loads(text)["baseline"] == {"fixed": [{"rule": "K8S-001", "resource": "Pod/x"}]}


def test_streamed_sarif_is_byte_identical_to_the_one_document_writer(report):
    kwargs = {"root": EXAMPLE, "repo_root": EXAMPLE, "category": "compliance/example", "controls": report.controls}
    text, warnings = _sarif(report, **kwargs)
    assert (text, warnings) == _reference_sarif(report, **kwargs)
    assert text.endswith('"version":"2.1.0"}\n')
    failed = sum(r.status.value in ("fail", "waived") for r in report.results)
    assert len(json.loads(text)["runs"][0]["results"]) == failed


def test_streamed_sarif_matches_when_truncated_and_with_a_baseline(report):
    report.baseline_fixed = []
    try:
        kwargs = {"root": EXAMPLE, "repo_root": EXAMPLE, "controls": report.controls, "max_results": 3}
        text, warnings = _sarif(report, **kwargs)
        assert (text, warnings) == _reference_sarif(report, **kwargs)
        run = json.loads(text)["runs"][0]
        assert [r["baselineState"] for r in run["results"]] == ["new", "new", "new"]
        assert run["properties"]["truncated"]["kept"] == 3
        assert warnings[0].startswith(f"{run['properties']['truncated']['total']:,} results exceed the limit of 3")
    finally:
        report.baseline_fixed = None


def test_sarif_size_warning_gives_the_exact_gzip_size(report, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 2_000)
    text, warnings = _sarif(report, root=EXAMPLE, repo_root=EXAMPLE, controls=report.controls)
    packed = len(gzip.compress(text.encode("utf-8"), mtime=0))
    assert warnings[-1] == (f"SARIF is {packed:,} bytes gzip-compressed; GitHub rejects uploads above 2,000 bytes "
                            "(scan fewer paths per category)")


@pytest.mark.parametrize("chunks", [["abc"], ["x" * 700, "é" * 300, "{}" * 900], [str(i) * 50 for i in range(400)]])
def test_size_meter_counts_utf8_bytes_and_the_gzip_size(chunks):
    out = io.StringIO()
    meter = SizeMeter(out, limit=1_000)
    for chunk in chunks:
        meter.write(chunk)
    data = "".join(chunks).encode("utf-8")
    assert out.getvalue() == "".join(chunks)
    assert meter.size == len(data)
    assert meter.gzip_size() == len(gzip.compress(data, mtime=0))
    assert meter.gzip_size() == len(gzip.compress(data, mtime=0))  # asking twice gives the same answer


def test_packed_bodies_change_no_result(report, monkeypatch):
    """The same scan with bodies never packed gives byte-identical JSON and SARIF."""
    assert all(r._body is None for r in report.resources if r._packed is not None)
    # Bodies the cross-resource Rego rules copy into their engine (Terraform's) stay decoded; the rest are packed.
    assert {r.family for r in report.resources if r.pinned} == {"terraform"}
    assert all((r._packed is None and r._body) if r.pinned else r._packed for r in report.resources)
    monkeypatch.setattr(Resource, "pack", lambda self: None)
    unpacked = _scan()
    assert all(r._packed is None and r._body for r in unpacked.resources)
    kwargs = {"root": EXAMPLE, "repo_root": EXAMPLE, "controls": report.controls}
    assert _json(unpacked) == _json(report)
    assert _sarif(unpacked, **kwargs) == _sarif(report, **kwargs)
    assert [r.body for r in unpacked.resources] == [r.body for r in report.resources]


def test_pool_workers_send_packed_bodies_and_results_do_not_change(report, monkeypatch):
    monkeypatch.setattr(scan_module, "POOL_MIN_FILES", 1)  # the example's 15 files through a forked pool
    many = _scan(jobs=2)
    assert _json(many) == _json(report)
    assert all((r._packed is None and r._body) if r.pinned else (r._body is None and r._packed)
               for r in many.resources)
    assert [r.pinned for r in many.resources] == [r.family == "terraform" for r in many.resources]


def test_a_packed_resource_reads_pickles_and_compares_as_before():
    body = {"metadata": {"name": "web", "annotations": {"a": "b"}}, "spec": {"replicas": 2}}
    resource = Resource("kubernetes", "Deployment", "web", "Deployment/default/web", body, Source("d.yaml", 1, 9),
                        namespace="default")
    twin = Resource("kubernetes", "Deployment", "web", "Deployment/default/web", json.loads(json.dumps(body)),
                    Source("d.yaml", 1, 9), namespace="default")
    resource.pack()
    assert resource._body is None and resource._packed
    assert resource == twin and resource.body == body and resource.body is resource.body
    resource.pack()  # cheap again: only the decoded copy goes
    copy = pickle.loads(pickle.dumps(resource))
    assert copy._body is None and copy.body == body and copy == twin
    resource.body = {"kind": "Pod"}  # setting a body forgets the packed one
    assert resource._packed is None and resource.body == {"kind": "Pod"}
    empty = Resource("kubernetes", "Pod", "p", "Pod/p", {}, Source("p.yaml", 1, 1))
    empty.pack()
    assert empty.body == {} and empty._packed is None
    assert Resource("kubernetes", "Pod", "p", "Pod/p", {}, Source("p.yaml", 1, 1)).labels == {}


def test_directly_formatted_results_match_the_encoder_on_unusual_values(report):
    """Quotes, backslashes, control characters, non-ASCII, None, baselines, details and waivers."""
    import dataclasses

    from compliance.model import Result, Status

    base = next(r for r in report.results if r.status is Status.failed)
    src = base.resource
    odd = Resource(src.family, src.type, 'we"b\\\\x\u00e9\u2603', src.id, {}, src.source)  # no namespace, environment
    variants = [
        dataclasses.replace(base, message='say "hi"\n\ttab \x01 \u00fc\u4e2d \U0001f600', resource=odd),
        dataclasses.replace(base, in_baseline=True, path=("spec", "containers", 0, "image")),
        dataclasses.replace(base, details={"allowed": ["a", "b"], "n": 1.5, "ok": True}),
        dataclasses.replace(base, status=Status.waived, waiver={"reason": "r\u00e9", "expires": "2027-01-01"}),
        dataclasses.replace(base, line=0, end_line=123456789, message=""),
    ]
    assert all(isinstance(v, Result) for v in variants)
    for controls in ({}, {base.rule.id: ["pci-dss-4.0.1:1.3.1", "gdpr:Art.32"]}):
        odd_report = ScanReport(rules=report.rules, resources=[base.resource], results=variants, skipped=[],
                                issues=[], files_scanned=1, controls=controls)
        assert _json(odd_report) == reference_json(odd_report)


def test_at_most_decoded_limit_bodies_stay_decoded(monkeypatch):
    from compliance import model

    monkeypatch.setattr(model, "DECODED_LIMIT", 3)
    monkeypatch.setattr(model, "_DECODED", model.deque())
    resources = [Resource("kubernetes", "Pod", f"p{i}", f"Pod/p{i}", {"metadata": {"name": f"p{i}"}},
                          Source("p.yaml", i + 1, i + 1)) for i in range(6)]
    for resource in resources:
        resource.pack()
    names = [r.body["metadata"]["name"] for r in resources]
    assert names == ["p0", "p1", "p2", "p3", "p4", "p5"]
    assert [r._body is not None for r in resources] == [False, False, False, True, True, True]
    assert resources[0].body == {"metadata": {"name": "p0"}}  # decoded again; p3 goes back to bytes
    assert [r._body is not None for r in resources] == [True, False, False, False, True, True]


def test_a_tiny_decoded_limit_changes_no_result(report, monkeypatch):
    """Cross-resource rules and waivers read bodies over and over: evicting after every two is still exact."""
    from compliance import model

    monkeypatch.setattr(model, "DECODED_LIMIT", 2)
    tiny = _scan()
    kwargs = {"root": EXAMPLE, "repo_root": EXAMPLE, "controls": report.controls}
    assert _json(tiny) == _json(report)
    assert _sarif(tiny, **kwargs) == _sarif(report, **kwargs)
