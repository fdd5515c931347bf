"""The SARIF writer's shortcuts give exactly what the plain way gives.

compliance/reporters/_locations.py computes GitHub's primaryLocationLineHash from prefix sums
(C loops) instead of rolling the hash unit by unit, only as far into a file as the lines asked
for, once per distinct file content, reading each file once; and it places files with os.path
and a per-directory cache instead of pathlib. _sarif_results.result_text formats each result's
JSON directly. Each shortcut is compared here with a plain reference: a line-by-line
transliteration of codeql-action's fingerprints.ts, the pathlib code the locator used before,
and the encoder on result_json's dicts.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.model import AppliesTo, Origin, Resource, Result, Rule, Severity, Source, Status
from compliance.reporters import _locations, sarif
from compliance.reporters._locations import LineHashes, Locator, line_hashes
from compliance.reporters._sarif_results import physical_json, physical_text, result_json, result_text
from compliance.scan import ScanReport

MANIFEST = Path(__file__).parent / "fixtures" / "sarif" / "manifests" / "deploy.yaml"


def fingerprints_ts(text: str) -> dict[int, str]:
    """github/codeql-action src/fingerprints.ts `hash`, statement by statement (a ring of 100 units)."""
    mask, block, mod = (1 << 64) - 1, 100, 37
    first_mod = pow(mod, block, 1 << 64)
    window = [0] * block
    line_numbers = [-1] * block
    state = {"hash": 0, "index": 0}
    counts: dict[str, int] = {}
    out: dict[int, str] = {}

    def output_hash() -> None:
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update_hash(current: int) -> None:
        begin = window[state["index"]]
        window[state["index"]] = current
        state["hash"] = (mod * state["hash"] + current - first_mod * begin) & mask
        state["index"] = (state["index"] + 1) % block

    line_number, line_start, prev_cr = 0, True, False
    data = text.encode("utf-16-le", errors="surrogatepass")
    units = [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)] + [65535]
    for current in units:
        if current in (32, 9) or (prev_cr and current == 10):
            prev_cr = False
            continue
        if current == 13:
            current, prev_cr = 10, True
        else:
            prev_cr = False
        if line_numbers[state["index"]] != -1:
            output_hash()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[state["index"]] = line_number
        if current == 10:
            line_start = True
        update_hash(current)
    for _ in range(block):
        if line_numbers[state["index"]] != -1:
            output_hash()
        update_hash(0)
    return out


@pytest.fixture
def small_span(monkeypatch):
    # Spans of 7 units: every text below crosses many spans, and lines longer than one.
    monkeypatch.setattr(_locations, "_SPAN", 7)


# ---------------------------------------------------------------- the hash itself

CASES = [
    "",
    "\n",
    "a",
    " a\nb\n  \t\tc\n d",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
    "Lorem ipsum dolor sit amet.\n" * 10,
    "x" * 250 + "\n" + "y" * 99 + "\nz",  # lines longer than a window and than a span
    "\r \n\r\t\n\r\r\n\n",  # a blank between CR and LF keeps both breaks
    "caf\u00e9: \u00fcber\n\u2028line\n",  # non-ASCII, one unit each
    "emoji: \U0001f600\U0001f601\nnext \U0001f602\n",  # surrogate pairs: two units each
    "same\nsame\nsame\n" * 40,  # repeated windows: counts go up
]


def test_reference_is_codeql_actions():
    # The transliteration gives codeql-action's own test vectors (as tests/test_sarif.py does).
    assert fingerprints_ts(" a\nb\n  \t\tc\n d") == {
        1: "271789c17abda88f:1", 2: "54703d4cd895b18:1", 3: "180aee12dab6264:1", 4: "a23a3dc5e078b07b:1"}
    assert fingerprints_ts("") == {1: "c129715d7a2bc9a3:1"}


@pytest.mark.parametrize("text", CASES)
def test_line_hashes_equal_fingerprints_ts(text: str):
    assert line_hashes(text) == fingerprints_ts(text)


@pytest.mark.parametrize("text", CASES)
def test_line_hashes_equal_fingerprints_ts_across_small_spans(small_span, text: str):
    assert line_hashes(text) == fingerprints_ts(text)
    hashes = LineHashes.of_bytes(text.encode("utf-8"))
    assert {n: hashes.line(n) for n in range(1, hashes.lines + 1)} == fingerprints_ts(text)


_PIECES = st.sampled_from(["a", "B", "0", " ", "\t", "\n", "\r", "\r\n", "\u00e9", "\u4e2d", "\U0001f600",
                           "key: value\n", "x" * 120])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_line_hashes_equal_fingerprints_ts_on_any_text(pieces: list[str]):
    text = "".join(pieces)
    assert line_hashes(text) == fingerprints_ts(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_file_bytes_hash_as_their_decoded_text(data: bytes):
    # Invalid UTF-8 reads as U+FFFD, as the text would; ASCII files skip decoding entirely.
    expected = fingerprints_ts(data.decode("utf-8", errors="replace"))
    hashes = LineHashes.of_bytes(data)
    assert {n: hashes.line(n) for n in range(1, hashes.lines + 1)} == expected


def test_line_past_the_end_is_none():
    hashes = LineHashes.of_bytes(b"a\nb\n")
    assert hashes.lines == 3
    assert [hashes.line(n) for n in (0, 4, -1)] == [None, None, None]


def test_lines_are_hashed_only_as_far_as_asked(small_span):
    text = "".join(f"line {i}\n" for i in range(1, 201))
    expected = fingerprints_ts(text)
    hashes = LineHashes.of_bytes(text.encode())
    assert hashes.hashed == 0  # nothing read until a line is asked for
    assert hashes.line(3) == expected[3]
    assert 3 <= hashes.hashed < 10  # a span of 7 units holds a line or two
    assert hashes.line(150) == expected[150]
    assert 150 <= hashes.hashed < 160
    assert hashes.line(2) == expected[2]  # earlier lines: already there
    assert hashes.line(201) == expected[201]
    assert hashes.hashed == 201


def test_counts_carry_across_spans(small_span):
    # The same window far apart: its count reaches 3 although the spans between saw others.
    text = "repeat\n" + "".join(f"other {i}\n" for i in range(40)) + "repeat\n" + "x\n" * 30 + "repeat\n"
    expected = fingerprints_ts(text)
    hashes = LineHashes.of_text(text)
    assert hashes.line(73) == expected[73]
    assert {n: hashes.line(n) for n in range(1, hashes.lines + 1)} == expected


# ---------------------------------------------------------------- the locator's caches

def _rule() -> Rule:
    return Rule("TST-001", "privileged", "Privileged", "Why.", Severity.high, "Fix it.", "python",
                applies_to=AppliesTo("kubernetes", ("Deployment",)))


def _result(file: str, line: int, *, origin: Origin | None = None) -> Result:
    resource = Resource("kubernetes", "Deployment", "web", "Deployment/shop/web", {"kind": "Deployment"},
                        Source(file, 1, 40, 0, (), origin), "shop")
    return Result(_rule(), resource, Status.failed, "privileged", ("spec",), line, line)


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(MANIFEST, tmp_path / folder / "deploy.yaml")
    (tmp_path / "c.yaml").write_text("kind: Other\n" + MANIFEST.read_text())
    return tmp_path


def _count_reads(monkeypatch) -> list[str]:
    """The names of the files read with Path.read_bytes from now on."""
    reads: list[str] = []
    original = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return reads


def test_copies_of_a_file_are_hashed_once(copies: Path, monkeypatch):
    made = []
    original = LineHashes.of_bytes

    def counted(data: bytes) -> LineHashes:
        made.append(len(data))
        return original(data)

    monkeypatch.setattr(LineHashes, "of_bytes", staticmethod(counted))
    reads = _count_reads(monkeypatch)
    locator = Locator(root=copies, repo_root=copies)
    expected = fingerprints_ts(MANIFEST.read_text())
    shifted = fingerprints_ts((copies / "c.yaml").read_text())
    got = [locator.line_hash(locator.place(_result(file, line)))
           for file in ("a/deploy.yaml", "b/deploy.yaml", "c.yaml", "a/deploy.yaml")
           for line in (21, 2, 25)]
    assert got == [expected[21], expected[2], expected[25]] * 2 + [shifted[21], shifted[2], shifted[25]] + [
        expected[21], expected[2], expected[25]]
    assert made == [MANIFEST.stat().st_size, (copies / "c.yaml").stat().st_size]  # a/ and b/ share one
    assert reads == ["deploy.yaml", "deploy.yaml", "c.yaml"]  # each file read once


def test_evicted_hashes_are_made_again_with_the_same_answer(copies: Path, monkeypatch):
    reads = _count_reads(monkeypatch)
    locator = Locator(root=copies, repo_root=copies, cache_bytes=1)  # keeps only the latest file
    first = locator.line_hash(locator.place(_result("a/deploy.yaml", 21)))
    other = locator.line_hash(locator.place(_result("c.yaml", 22)))
    again = locator.line_hash(locator.place(_result("a/deploy.yaml", 21)))
    assert first == again == fingerprints_ts(MANIFEST.read_text())[21]
    assert other == fingerprints_ts((copies / "c.yaml").read_text())[22]
    assert reads == ["deploy.yaml", "c.yaml", "deploy.yaml"]


def test_unreadable_and_missing_files_have_no_line_hash(tmp_path: Path, monkeypatch):
    (tmp_path / "gone.yaml").write_text("a: 1\n")
    locator = Locator(root=tmp_path, repo_root=tmp_path)
    place = locator.place(_result("gone.yaml", 1))
    (tmp_path / "gone.yaml").unlink()  # vanished between the scan and the report
    assert place.disk == tmp_path.resolve() / "gone.yaml"
    assert locator.line_hash(place) is None
    assert locator.line_hash(place) is None  # remembered, not retried
    stdin = locator.place(_result("-", 3))
    assert (stdin.uri, stdin.relative, stdin.disk) == ("-", True, None)
    assert locator.line_hash(stdin) is None


# ---------------------------------------------------------------- placing files

def pathlib_uri(root: Path, repo_root: Path, file: str) -> tuple[str, bool, Path | None]:
    """What Locator.uri gave with pathlib (before the os.path rewrite)."""
    candidate = Path(file)
    if not candidate.is_absolute():
        candidate = root.absolute() / candidate
    if not candidate.is_file():
        return quote(file, safe="/"), True, None
    real = candidate.resolve()
    for path in (real, candidate.absolute()):
        try:
            return quote(path.relative_to(repo_root.resolve()).as_posix(), safe="/"), True, real
        except ValueError:
            continue
    return real.as_uri(), False, real


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside dir"
    for folder in (repo / "k8s" / "sub", repo / "scan", outside):
        folder.mkdir(parents=True)
    for path in (repo / "k8s" / "deploy.yaml", repo / "k8s" / "sub" / "x y#%.yaml", outside / "far.yaml",
                 repo / "top.yaml"):
        path.write_text("a: 1\n")
    (repo / "k8s" / "linked.yaml").symlink_to(repo / "k8s" / "sub" / "x y#%.yaml")
    (repo / "k8s" / "out.yaml").symlink_to(outside / "far.yaml")
    (repo / "k8s" / "dirlink").symlink_to(repo / "k8s" / "sub", target_is_directory=True)
    (repo / "scan" / "up").symlink_to(repo / "k8s", target_is_directory=True)
    files = ["deploy.yaml", "sub/x y#%.yaml", "linked.yaml", "out.yaml", "dirlink/x y#%.yaml", "./deploy.yaml",
             "sub//../deploy.yaml", "../top.yaml", "../../outside dir/far.yaml", str(outside / "far.yaml"),
             str(repo / "k8s" / "deploy.yaml"), "../scan/up/deploy.yaml", "-", "missing.yaml", "sub", ""]
    return repo, repo / "k8s", files


def test_uri_equals_the_pathlib_answer(layout):
    repo, root, files = layout
    for scan_root, repo_root in ((root, repo), (root, root), (repo / "scan", repo), (root, repo / "scan")):
        locator = Locator(root=scan_root, repo_root=repo_root)
        for file in files:
            assert locator.uri(file) == pathlib_uri(scan_root, repo_root, file), (scan_root, repo_root, file)


def test_uri_examples(layout):
    repo, root, _files = layout
    locator = Locator(root=root, repo_root=repo)
    assert locator.uri("linked.yaml") == ("k8s/sub/x%20y%23%25.yaml", True, repo / "k8s" / "sub" / "x y#%.yaml")
    far = (repo.parent / "outside dir" / "far.yaml")
    # Linked from inside the repository to outside it: named by the link.
    assert locator.uri("out.yaml") == ("k8s/out.yaml", True, far)
    assert locator.uri(str(far)) == (far.as_uri(), False, far)


def test_on_disk_agrees_with_place(copies: Path):
    locator = Locator(root=copies, repo_root=copies)
    results = [_result("a/deploy.yaml", 3), _result("-", 3), _result("missing.yaml", 1),
               _result("-", 2, origin=Origin("helm", "c.yaml", 4)),
               _result("a/deploy.yaml", 2, origin=Origin("terraform-plan", "missing.tf", 1)),
               _result("a/deploy.yaml", 2, origin=Origin("helm", None, None))]
    assert [locator.on_disk(r) for r in results] == [True, False, False, True, False, True]
    assert [locator.on_disk(r) for r in results] == [locator.place(r).disk is not None for r in results]


# ---------------------------------------------------------------- end to end

def test_sarif_of_copies_and_standard_input(copies: Path):
    results = [_result("a/deploy.yaml", 21), _result("b/deploy.yaml", 21), _result("c.yaml", 22),
               _result("-", 5)]
    report = ScanReport(rules=[_rule()], resources=[r.resource for r in results], results=results, skipped=[],
                        issues=[], files_scanned=4)
    out = io.StringIO()
    warnings = sarif.render(report, out, root=copies, repo_root=copies, category="t", controls={})
    run = json.loads(out.getvalue())["runs"][0]
    line_hash = fingerprints_ts(MANIFEST.read_text())[21]
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["partialFingerprints"].get("primaryLocationLineHash")) for r in run["results"]] == [
        ("a/deploy.yaml", line_hash), ("b/deploy.yaml", line_hash),
        ("c.yaml", fingerprints_ts((copies / "c.yaml").read_text())[22]), ("-", None)]
    assert warnings == ["1 SARIF results come from standard input and name no repository file; code scanning "
                        "cannot place them (scan files, or render charts to files)"]
    log, _ = sarif.build(report, root=copies, repo_root=copies, category="t", controls={})
    assert out.getvalue() == sarif.dumps(log)


def test_tables_grow_with_the_span(monkeypatch):
    monkeypatch.setattr(_locations, "_TABLES", [])
    monkeypatch.setattr(_locations, "_SPAN", 5)
    inverse, powers = _locations._tables()
    assert (len(inverse), len(powers)) == (105, 5)
    monkeypatch.setattr(_locations, "_SPAN", 9)
    inverse, powers = _locations._tables()
    assert (len(inverse), len(powers)) == (109, 9)
    assert all(value * pow(37, k, 1 << 64) % (1 << 64) == 1 for k, value in enumerate(inverse))
    assert powers == [pow(37, k + 99, 1 << 64) for k in range(9)]
    text = "".join(f"{i}\n" for i in range(30))
    assert line_hashes(text) == fingerprints_ts(text)


# ---------------------------------------------------------------- results formatted directly

def _odd_results(root: Path) -> list[Result]:
    """Results of every shape result_json knows: waived, rendered, baseline, odd strings and values.

    (A rule or resource without an id never gets here: compliance.fingerprint needs both.)
    """
    (root / "k8s").mkdir()
    shutil.copy(MANIFEST, root / "k8s" / "deploy.yaml")
    (root / "outside.yaml").write_text("a: 1\n")
    plain = _result("k8s/deploy.yaml", 21)
    waived = _result("k8s/deploy.yaml", 25)
    waived.status = Status.waived
    waived.waiver = {"reason": 'says "why"\n\u2028 \U0001f600', "owner": "t\u00e9am", "days": 30, "ratio": 0.5,
                     "ok": True, "nested": {"dropped": 1}, "none": None}
    bare_waiver = _result("k8s/deploy.yaml", 26)
    bare_waiver.status, bare_waiver.waiver = Status.waived, None
    rendered = _result("k8s/deploy.yaml", 30, origin=Origin("helm", "outside.yaml", 1, "chart"))
    rendered.in_baseline = True
    odd = _result("-", 7)
    odd.message, odd.path = "", ("spec", "containers", 0, 'na"me', "\x01")
    odd.resource.id, odd.resource.type, odd.resource.environment = "Pod/\u00e9\t", None, "prod\u00e9"
    untitled = _result(str(root / "outside.yaml"), 1)  # outside the repository: a file URI
    untitled.rule = Rule("TST-\u00e9", "n", None, "d", Severity.low, "r", "python",  # type: ignore[arg-type]
                         applies_to=AppliesTo("kubernetes", ("Pod",)))
    untitled.message = ""
    odd_message = _result("k8s/deploy.yaml", 2)
    odd_message.message = 42  # type: ignore[assignment]
    odd_message.resource.environment = ""
    return [plain, plain, waived, bare_waiver, rendered, odd, untitled, odd_message]


@pytest.mark.parametrize("baseline", [False, True])
def test_result_text_is_the_encoded_result_json(tmp_path: Path, baseline: bool):
    locator = Locator(root=tmp_path, repo_root=tmp_path)
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    seen_text: dict[str, int] = {}
    seen_dict: dict[str, int] = {}
    for index, result in enumerate(_odd_results(tmp_path)):
        text = result_text(result, index, locator, seen_text, baseline=baseline)
        assert text == encode(result_json(result, index, locator, seen_dict, baseline=baseline)), result
    assert seen_text == seen_dict
    # Six findings of one rule on one resource and field, told apart by their count.
    assert sorted(seen_text.values()) == [1, 1, 6]


def test_physical_text_is_the_encoded_physical_json():
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    for args in (("k8s/a%20b.yaml", True, 1, 3), ("file:///x/y.yaml", False, 10, 10), ("\u00e9\"", True, 2, 2),
                 (None, True, 1, 1), ("a", False, None, None)):
        assert physical_text(*args) == encode(physical_json(*args)), args
