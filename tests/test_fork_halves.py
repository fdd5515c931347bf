"""Cross-resource rules split over two processes give what one process gives."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import compliance.evaluate as evaluate_module
from compliance._fork_halves import run_halves
from compliance.reporters.json_report import render as render_json
from compliance.scan import ScanOptions, scan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "payment-platform"


def test_halves_come_back_in_order_with_the_childs_answers():
    def work(part):
        return [(item * item, os.getpid()) for item in part]

    answer = list(run_halves(work, range(10), 4))
    assert [square for square, _ in answer] == [i * i for i in range(10)]
    pids = [pid for _, pid in answer]
    assert set(pids[:4]) == {os.getpid()} and os.getpid() not in pids[4:]  # the second half ran elsewhere


def test_a_failing_child_half_is_computed_again_here_and_raises_here():
    parent = os.getpid()

    def work(part):
        if os.getpid() != parent and 7 in part:
            raise RuntimeError("only in the child")
        if 9 in part:
            raise ValueError("bad item 9")
        return list(part)

    assert list(run_halves(work, range(8), 4)) == list(range(8))  # the child failed; its half was redone here
    with pytest.raises(ValueError, match="bad item 9"):
        list(run_halves(work, range(10), 4))


def test_a_child_that_dies_loses_nothing():
    parent = os.getpid()

    def work(part):
        if os.getpid() != parent:
            os._exit(3)  # killed, out of memory: no answer at all
        return [item + 1 for item in part]

    assert list(run_halves(work, range(6), 3)) == [1, 2, 3, 4, 5, 6]


def test_an_empty_half_runs_everything_here():
    assert list(run_halves(lambda part: [os.getpid() for _ in part], range(3), 0)) == [os.getpid()] * 3
    assert list(run_halves(lambda part: [os.getpid() for _ in part], range(3), 3)) == [os.getpid()] * 3


def test_a_child_that_dies_midway_keeps_what_it_sent_and_the_rest_is_computed_here(monkeypatch):
    import compliance._fork_halves as fork_halves

    monkeypatch.setattr(fork_halves, "BATCH", 2)  # the child sends (10, 11) and (12, 13), then dies
    parent = os.getpid()

    def work(part):
        for item in part:
            if item == 14 and os.getpid() != parent:
                os._exit(9)
            yield (item, os.getpid() == parent)

    answer = list(run_halves(work, range(20), 10))
    assert [item for item, _ in answer] == list(range(20))  # nothing lost, nothing twice
    assert [here for _, here in answer] == [True] * 10 + [False] * 4 + [True] * 6


def _report(monkeypatch, *, jobs: int, split_at: int) -> str:
    monkeypatch.setattr(evaluate_module, "SPLIT_MIN_RESOURCES", split_at)
    report = scan(ScanOptions(paths=[str(EXAMPLE)], root=EXAMPLE, jobs=jobs))
    out = io.StringIO()
    render_json(report, out)
    return out.getvalue()


def test_the_example_scanned_with_split_cross_resource_rules_is_byte_identical(monkeypatch):
    calls: list[tuple[int, int]] = []
    real = evaluate_module.run_halves

    def counted(func, items, split):
        calls.append((split, len(items)))
        return real(func, items, split)

    monkeypatch.setattr(evaluate_module, "run_halves", counted)
    serial = _report(monkeypatch, jobs=1, split_at=1)
    assert calls == []  # --jobs 1: one process throughout
    split = _report(monkeypatch, jobs=2, split_at=1)
    assert len(calls) == 1 and 0 < calls[0][0] < calls[0][1]  # both halves had work
    assert split == serial
    # Cross-resource findings of both engines: Python (K8S-050, K8S-041) and Rego (AWS-080).
    for rule_id in ("K8S-050", "K8S-041", "AWS-080"):
        assert f'"rule_id": "{rule_id}"' in split
    assert split.count('"rule_id": "K8S-050",\n      "severity": "medium",\n      "status": "fail"') == 2
