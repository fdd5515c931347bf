"""Seeds and mutations shared by the hypothesis fuzz tests and the atheris harnesses.

Seeds are real documents from the repository (examples and test fixtures), so
mutations start from the shapes the loaders see every day; the mutations are
the ones that break parsers: flipped bytes, truncation, inserted syntax of the
format (anchors, aliases, tags, merge keys, braces, heredocs), deleted and
duplicated slices.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

K8S_SEEDS = [
    REPO / "examples/payment-platform/k8s/base/hpa.yaml",
    REPO / "examples/payment-platform/k8s/argocd/root-application.yaml",
    REPO / "examples/payment-platform/k8s/overlays/production/patch-deployment.yaml",
    REPO / "examples/payment-platform/k8s/velero/backup-schedule.yaml",
]
PLAN_SEEDS = [REPO / "tests/fixtures/terraform/plan-repo/plans/prod.json"]
HCL_SEEDS = [
    REPO / "tests/fixtures/terraform/hcl-module/main.tf",
    REPO / "tests/fixtures/terraform/hcl-module/variables.tf",
    REPO / "tests/fixtures/terraform/plan-repo/main.tf",
]

# Syntax that makes parsers take their rarer paths.
YAML_TOKENS = [
    b"&a ", b"*a", b"<<: *a\n", b"!!python/object:os.system ", b"!!binary ", b"? ", b"- ", b": ", b"---\n",
    b"...\n", b"{", b"}", b"[", b"]", b"|\n", b">-\n", b"%YAML 1.1\n", b"'", b'"', b"\t", b"#", b"\x00",
    b"\xef\xbb\xbf", b"\xff\xfe", b"kind: List\nitems: [1, {a: b}]\n", b"apiVersion: v1\nkind: Pod\n",
    b"metadata: [x]\n", b"!!str ", b"~", b"\\u0000", b"\n  ", b"items: *a\n",
]
JSON_TOKENS = [
    b"{", b"}", b"[", b"]", b",", b":", b'"', b"null", b"true", b"1e999", b"-0", b"\\u0000", b"\\ud800",
    b'"format_version": "9.9",', b'"planned_values": null,', b'"resources": [1, "x", null],',
    b'"child_modules": [{}],', b'"address": 5,', b'"index": {"a": [1]},', b'"values": [],',
    b'"resource_changes": {"a": 1},', b'"configuration": [],', b'"mode": "data",', b'"type": null,',
    b'"provider_config": {"aws": {"expressions": {"region": {"references": [1]}}}},',
]
HCL_TOKENS = [
    b"{", b"}", b"[", b"]", b"(", b")", b'"', b"${", b"%{", b"<<EOF\n", b"\nEOF\n", b"<<-X\n", b"/*", b"*/",
    b"#", b"//", b"=", b":", b",", b"\\", b"var.", b"local.", b"count = 0\n", b'resource "a_b" "c" {\n',
    b"locals { x = local.x }\n", b'dynamic "d" { for_each = [] content {} }\n', b"jsonencode(", b"\x00",
    b'variable "v" { default = "${var.v}" }\n', b'provider "aws" { alias = 1 region = [] }\n',
]


def mutate(seed: bytes, ops: list[tuple[int, int, int, int]], tokens: list[bytes]) -> bytes:
    """Apply (kind, position, size, token) operations to a seed; positions wrap around its length.

    kinds: 0 flip a byte, 1 truncate, 2 insert a token, 3 delete a slice, 4 duplicate a
    slice, 5 replace a byte with a random one.
    """
    data = bytearray(seed)
    for kind, position, size, token in ops:
        n = len(data)
        at = position % (n + 1)
        if kind == 0 and n:
            data[at % n] ^= 1 << (size % 8)
        elif kind == 1:
            del data[at:]
        elif kind == 2:
            data[at:at] = tokens[token % len(tokens)]
        elif kind == 3:
            del data[at:at + size % 64]
        elif kind == 4:
            data[at:at] = data[at:at + size % 256]
        elif kind == 5 and n:
            data[at % n] = size % 256
    return bytes(data)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail an example that runs longer than `seconds` (a hang), instead of blocking the suite.

    hypothesis' deadline only judges an example after it returns; an infinite loop
    never returns, so an interval timer interrupts it (main thread, POSIX only).
    """
    def _hang(_signum, _frame):
        raise TimeoutError(f"loader still running after {seconds}s: a hang")

    previous = signal.signal(signal.SIGALRM, _hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
