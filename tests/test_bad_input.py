"""Hostile and broken inputs through the real pipeline and the CLI (issue 2 part 10, issue 12).

Every input is generated in tmp_path. Each case checks what the user sees: the
exact input error (file, line, message) or skip reason, that the other files were
still scanned with their findings, and the exit code.
"""

from __future__ import annotations

import codecs
import json
import os
import pickle
import shutil
import socket
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from helpers import fails, run
from typer.testing import CliRunner

from compliance.cli import app
from compliance.model import InputIssue, Skipped
from compliance.summary import summarize

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        privileged: true
"""
PRIVILEGED_FINDING = 'container "app" runs privileged (securityContext.privileged: true)'


def k8s001(report, file: str = "good.yaml") -> list[tuple[str, str, str, str]]:
    return [f for f in fails(report, "K8S-001") if f[2].startswith(f"{file}:")]


def tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """Write files under root/in (bytes verbatim) next to a good manifest; return root/in."""
    top = root / "in"
    top.mkdir(exist_ok=True)
    (top / "good.yaml").write_text(PRIVILEGED_POD)
    for name, content in files.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return top


def cli(*args: str):
    # A wide terminal so Rich does not wrap the path:line lines under test.
    return CliRunner().invoke(app, ["scan", *args, "--jobs", "1"], env={"COLUMNS": "250"})


def lines_of(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines()]


def table_has(output: str, rule_id: str, location: str) -> bool:
    """A findings-table row names this rule at this file:line (whatever the column layout)."""
    return any(rule_id in line.split() and location in line.replace("│", " ").split()
               for line in output.splitlines())


# --- malformed YAML -------------------------------------------------------------


MALFORMED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: [unclosed
  namespace: x
"""


def test_bad_input_malformed_yaml_names_file_and_line_and_others_still_scanned(tmp_path):
    top = tree(tmp_path, {"bad.yaml": MALFORMED})
    report = run(tmp_path, str(top))
    assert report.issues == [InputIssue("in/bad.yaml", "invalid YAML: did not find expected ',' or ']'", 5)]
    assert k8s001(report, "in/good.yaml") == [("K8S-001", "Pod/web", "in/good.yaml:10", PRIVILEGED_FINDING)]
    assert summarize(report).input_errors == 1


def test_bad_input_malformed_second_document_keeps_the_first(tmp_path):
    top = tree(tmp_path, {"multi.yaml": PRIVILEGED_POD + "---\n" + MALFORMED})
    report = run(tmp_path, str(top))
    assert report.issues == [InputIssue("in/multi.yaml", "invalid YAML: did not find expected ',' or ']'", 16)]
    assert k8s001(report, "in/multi.yaml") == [("K8S-001", "Pod/web", "in/multi.yaml:10", PRIVILEGED_FINDING)]


def test_bad_input_cli_malformed_exits_2_and_lists_path_line(tmp_path):
    top = tree(tmp_path, {"bad.yaml": MALFORMED})
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 2, result.output
    out = lines_of(result.output)
    assert "Input errors (1): these files were not checked" in out
    assert "  bad.yaml:5: invalid YAML: did not find expected ',' or ']'" in out
    # The good file's finding is still in the table.
    assert table_has(result.output, "K8S-001", "good.yaml:10"), result.output
    assert "Traceback" not in result.output


def test_bad_input_cli_json_lists_errors_and_soft_fail_exits_0(tmp_path):
    top = tree(tmp_path, {"bad.yaml": MALFORMED})
    out_file = tmp_path / "out.json"
    result = cli(str(top), "--root", str(top), "--format", "json", "-o", str(out_file))
    assert result.exit_code == 2
    document = json.loads(out_file.read_text())
    assert document["errors"] == [
        {"path": "bad.yaml", "line": 5, "message": "invalid YAML: did not find expected ',' or ']'"}]
    assert document["summary"]["input_errors"] == 1
    assert cli(str(top), "--root", str(top), "--soft-fail").exit_code == 0


# --- empty, comment-only, binary, encodings ---------------------------------------------


def test_bad_input_empty_and_blank_files_are_skipped_and_counted(tmp_path):
    top = tree(tmp_path, {"empty.yaml": b"", "blank.yaml": b"  \n\n\t\n", "comments.yaml": "# nothing\n---\n"})
    report = run(top, str(top))
    assert report.issues == []
    assert report.skipped == [
        Skipped("blank.yaml", "empty file"),
        Skipped("comments.yaml", "no documents (only comments or --- separators)"),
        Skipped("empty.yaml", "empty file"),
    ]
    assert summarize(report).skipped_by_reason == {
        "empty file": 2, "no documents": 1}
    result = cli(str(top), "--root", str(top), "--verbose")
    assert result.exit_code == 1  # the good pod's findings, no input error
    assert "  empty.yaml: empty file" in lines_of(result.output)


def test_bad_input_binary_file_named_yaml(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    top = tree(tmp_path, {"logo.yaml": png})
    report = run(top, str(top))
    assert report.issues == [InputIssue("logo.yaml", "binary file (contains NUL bytes), not YAML or JSON", 3)]
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]


def test_bad_input_nul_bytes_in_text(tmp_path):
    text = PRIVILEGED_POD.encode().replace(b"  name: web\n", b"  name: web\x00\n")
    top = tree(tmp_path, {"nul.yaml": text})
    report = run(top, str(top))
    assert report.issues == [InputIssue("nul.yaml", "binary file (contains NUL bytes), not YAML or JSON", 4)]


def test_bad_input_invalid_utf8_names_the_line(tmp_path):
    latin1 = PRIVILEGED_POD.replace("  name: web\n", "  name: web\n  # caf\u00e9 au lait\n").encode("latin-1")
    top = tree(tmp_path, {"latin1.yaml": latin1})
    report = run(top, str(top))
    offset = latin1.index(b"\xe9")
    assert report.issues == [InputIssue("latin1.yaml", f"not valid UTF-8 (byte offset {offset})", 5)]
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 2
    assert f"  latin1.yaml:5: not valid UTF-8 (byte offset {offset})" in lines_of(result.output)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8-bom.yaml", codecs.BOM_UTF8 + PRIVILEGED_POD.encode()),
        ("utf16le-bom.yaml", codecs.BOM_UTF16_LE + PRIVILEGED_POD.encode("utf-16-le")),
        ("utf16be-bom.yaml", codecs.BOM_UTF16_BE + PRIVILEGED_POD.encode("utf-16-be")),
        ("utf16le-nobom.yaml", PRIVILEGED_POD.encode("utf-16-le")),
        ("utf16be-nobom.yaml", PRIVILEGED_POD.encode("utf-16-be")),
    ],
)
def test_bad_input_bom_and_utf16_load_like_utf8(tmp_path, name, data):
    top = tree(tmp_path, {name: data})
    report = run(top, str(top))
    assert report.issues == [] and report.skipped == []
    # Same resource, same findings at the same lines as the plain UTF-8 file.
    expected = [(rule, res, where.replace("good.yaml", name), msg) for rule, res, where, msg in fails(report)
                if where.startswith("good.yaml:")]
    assert [f for f in fails(report) if f[2].startswith(f"{name}:")] == sorted(expected, key=lambda f: (
        int(f[2].split(":")[1]), f[0]))
    assert k8s001(report, name) == [("K8S-001", "Pod/web", f"{name}:10", PRIVILEGED_FINDING)]


# --- alias, merge-key and recursion bombs --------------------------------------------------


def billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_bad_input_alias_bomb_refused_before_expansion(tmp_path):
    # 9**40 nodes once expanded: no machine could build it, so finishing at all
    # proves the loader refused from the composed graph without expanding it.
    top = tree(tmp_path, {"lol.yaml": billion_laughs(40)})
    tracemalloc.start()
    try:
        report = run(top, str(top))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.issues == [InputIssue(
        "lol.yaml", "YAML aliases expand to more than 1,000,000 nodes (an alias bomb?); refused", 7)]
    assert peak < 64 * 1024 * 1024
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]


def test_bad_input_merge_key_bomb_refused(tmp_path):
    # Each level merges the previous mapping 9 times: PyYAML's flatten_mapping
    # copies every merged pair, so the pair lists grow 9x per level.
    text = "m0: &m0 {" + ", ".join(f"k{i}: v" for i in range(9)) + "}\n"
    for i in range(1, 30):
        text += f"m{i}: &m{i}\n  <<: [" + ", ".join([f"*m{i - 1}"] * 9) + "]\n"
    top = tree(tmp_path, {"merge.yaml": text})
    report = run(top, str(top))
    assert report.issues == [InputIssue(
        "merge.yaml", "YAML aliases expand to more than 1,000,000 nodes (an alias bomb?); refused", 11)]


def test_bad_input_recursive_alias_refused_not_hung(tmp_path):
    recursive = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: loop\n  labels: *m\n"
    top = tree(tmp_path, {"recursive.yaml": recursive})
    report = run(top, str(top))
    assert report.issues == [InputIssue(
        "recursive.yaml", "YAML anchor is used inside its own value (a recursive structure); refused", 3)]


def test_bad_input_ordinary_anchors_and_merge_keys_still_load(tmp_path):
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: &labels {app: web}
  annotations:
    <<: *labels
    team: payments
spec:
  containers:
    - &app
      name: app
      image: nginx:1.25
      securityContext: {privileged: true}
"""
    top = tree(tmp_path, {"anchors.yaml": text})
    report = run(top, str(top))
    assert report.issues == []
    [resource] = [r for r in report.resources if r.source.file == "anchors.yaml"]
    assert resource.body["metadata"]["annotations"] == {"app": "web", "team": "payments"}
    assert k8s001(report, "anchors.yaml") == [("K8S-001", "Pod/web", "anchors.yaml:14", PRIVILEGED_FINDING)]


# --- deep nesting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("flow.yaml", "[" * 10_000 + "]" * 10_000 + "\n", "YAML nested too deeply (the parser stops at 1,000 levels)"),
        ("block.yaml", "- " * 10_000 + "x\n", "YAML nested too deeply (the parser stops at 1,000 levels)"),
        ("mapping.yaml", "a: " + "{a: " * 10_000 + "x" + "}" * 10_000 + "\n",
         "YAML nested too deeply (the parser stops at 1,000 levels)"),
    ],
)
def test_bad_input_yaml_nested_10000_deep(tmp_path, name, data, message):
    top = tree(tmp_path, {name: data})
    report = run(top, str(top))
    assert report.issues == [InputIssue(name, message, 1)]
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"  {name}:1: {message}" in lines_of(result.output)


def test_bad_input_json_nested_10000_deep(tmp_path):
    deep = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}, "data": ' + (
        '{"a": ' * 10_000) + '"x"' + "}" * 10_000 + "}\n"
    top = tree(tmp_path, {"deep.json": deep, "list.json": "[" * 10_000 + "]" * 10_000})
    report = run(top, str(top))
    assert [(i.path, i.message) for i in report.issues] == [
        ("deep.json", "JSON nested too deeply (the parser stops near 1,000 levels)"),
        ("list.json", "JSON nested too deeply (the parser stops near 1,000 levels)"),
    ]
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- size limit ---------------------------------------------------------------------------


def test_bad_input_50mb_file_refused_by_default_limit(tmp_path):
    top = tree(tmp_path, {})
    with open(top / "huge.yaml", "wb") as stream:
        # Sparse: 50 MiB on the file system at no disk cost. The loader checks the
        # size before reading, so this is also the "bounded memory" case.
        stream.truncate(50 * 1024 * 1024)
    report = run(top, str(top))
    assert report.issues == [InputIssue(
        "huge.yaml", "file is larger than the 32 MiB limit (raise it with --max-file-size)", None)]
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 2
    assert "  huge.yaml: file is larger than the 32 MiB limit (raise it with --max-file-size)" in lines_of(
        result.output)


def big_multi_document(count: int = 50, size: int = 100_000) -> tuple[str, int]:
    """About count*size bytes of ConfigMaps, then the privileged pod; its privileged line."""
    blob = "x" * size
    docs = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  blob: {blob}\n"
            for i in range(count)]
    text = "---\n".join([*docs, PRIVILEGED_POD])
    return text, text.count("\n") - 1 + 1  # privileged: is the last line


def test_bad_input_max_file_size_refuses_then_lets_through(tmp_path):
    text, privileged_line = big_multi_document()
    assert len(text) > 5_000_000
    top = tree(tmp_path, {"big.yaml": text})
    refused = cli(str(top), "--root", str(top), "--max-file-size", "1")
    assert refused.exit_code == 2
    assert "  big.yaml: file is larger than the 1 MiB limit (raise it with --max-file-size)" in lines_of(
        refused.output)

    report = run(top, str(top), max_file_size=8 * 1024 * 1024)
    assert report.issues == []
    assert [r.id for r in report.resources if r.source.file == "big.yaml"] == [
        *(f"ConfigMap/cm-{i}" for i in range(50)), "Pod/web"]
    assert k8s001(report, "big.yaml") == [("K8S-001", "Pod/web", f"big.yaml:{privileged_line}", PRIVILEGED_FINDING)]
    allowed = cli(str(top), "--root", str(top), "--max-file-size", "8", "--format", "json")
    assert allowed.exit_code == 1  # findings, no input error
    assert json.loads(allowed.output)["errors"] == []


# --- tags that construct objects ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag_text", "shown"),
    [
        ("!!python/object/apply:os.system ['touch {marker}']", "!!python/object/apply:os.system"),
        ("!!python/object:os.system {{}}", "!!python/object:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
    ],
)
def test_bad_input_python_tags_refused_never_executed(tmp_path, tag_text, shown):
    marker = tmp_path / "pwned"
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evil\ndata: {tag_text.format(marker=marker)}\n"
    top = tree(tmp_path, {"evil.yaml": text})
    report = run(top, str(top))
    assert report.issues == [InputIssue(
        "evil.yaml", f"YAML tag {shown} is not allowed: only plain data is read, no object is constructed; refused",
        5)]
    assert not marker.exists()
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]


# --- symlinks, special and unreadable files ----------------------------------------------------


def test_bad_input_symlink_loop_and_outside_root_not_followed(tmp_path):
    top = tree(tmp_path, {"app/pod.yaml": PRIVILEGED_POD})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(PRIVILEGED_POD.replace("web", "outside"))
    (top / "app" / "loop").symlink_to(top / "app", target_is_directory=True)
    (top / "app" / "up").symlink_to("..", target_is_directory=True)
    (top / "outside.yaml").symlink_to(outside / "secret.yaml")
    (top / "outside-dir").symlink_to(outside, target_is_directory=True)
    report = run(top, str(top))
    assert report.issues == []
    assert report.skipped == [
        Skipped("app/loop", "symlinked directory not followed"),
        Skipped("app/up", "symlinked directory not followed"),
        Skipped("outside-dir", "symlinked directory not followed"),
        Skipped("outside.yaml", "symlink not followed"),
    ]
    assert [r.source.file for r in report.resources] == ["app/pod.yaml", "good.yaml"]
    assert summarize(report).skipped_by_reason == {"symlink not followed": 1, "symlinked directory not followed": 3}


def test_bad_input_fifo_named_yaml_is_refused_without_blocking(tmp_path):
    top = tree(tmp_path, {})
    # Opening a FIFO for reading blocks until a writer appears; the loader opens
    # non-blocking and refuses anything but a regular file, so no writer is needed.
    os.mkfifo(top / "pipe.yaml")
    report = run(top, str(top))
    assert report.issues == [InputIssue("pipe.yaml", "not a regular file (a FIFO); not read", None)]
    assert k8s001(report) == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]


def test_bad_input_socket_named_yaml_cannot_be_read_even_as_root(tmp_path):
    top = tree(tmp_path, {})
    # open(2) on a Unix socket fails with ENXIO for every user, root included:
    # a real read failure that needs no permission tricks.
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(top / "sock.yaml"))
        report = run(top, str(top))
        result = cli(str(top), "--root", str(top))
    assert report.issues == [InputIssue("sock.yaml", "cannot read: No such device or address", None)]
    assert result.exit_code == 2
    assert "  sock.yaml: cannot read: No such device or address" in lines_of(result.output)


NOBODY = 65534


def scan_as(uid: int, top: Path) -> tuple[list[InputIssue], list[tuple[str, str, str, str]]]:
    """Scan top in a forked child running as uid; return its input issues and K8S-001 findings.

    The child is forked (not exec'd) because the interpreter lives under /root,
    which another user cannot read; every module it needs is already imported.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            report = run(top, str(top))
            payload = pickle.dumps((report.issues, k8s001(report)))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            payload = pickle.dumps(repr(exc))
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        data = stream.read()
    os.waitpid(pid, 0)
    outcome = pickle.loads(data)
    assert not isinstance(outcome, str), outcome
    return outcome


def test_bad_input_permission_denied(tmp_path):
    """A chmod 000 file: root reads it anyway, so as root the scan runs in a child as nobody."""
    if os.geteuid() != 0:
        top = tree(tmp_path, {"secret.yaml": PRIVILEGED_POD})
        (top / "secret.yaml").chmod(0)
        report = run(top, str(top))
        assert report.issues == [InputIssue("secret.yaml", "cannot read: Permission denied", None)]
        return
    # tmp_path sits under a 0700 directory that nobody cannot enter: use a world-readable one.
    work = Path(tempfile.mkdtemp(prefix="compliance-perm-"))
    try:
        work.chmod(0o755)
        top = tree(work, {"secret.yaml": PRIVILEGED_POD})
        run(top, str(top))  # warm-up as root: imports and caches everything the child will use
        (top / "secret.yaml").chmod(0)
        issues, findings = scan_as(NOBODY, top)
    finally:
        shutil.rmtree(work)
    assert issues == [InputIssue("secret.yaml", "cannot read: Permission denied", None)]
    assert findings == [("K8S-001", "Pod/web", "good.yaml:10", PRIVILEGED_FINDING)]


# --- documents that are not Kubernetes objects, and List kinds -------------------------------------


def test_bad_input_non_object_documents_skipped_with_reason_and_line(tmp_path):
    text = "- a\n- b\n---\njust a string\n---\nkind: Pod\nmetadata: {name: x}\n---\n" + PRIVILEGED_POD
    top = tree(tmp_path, {"mixed.yaml": text})
    report = run(top, str(top))
    assert report.issues == []
    assert report.skipped == [
        Skipped("mixed.yaml", "document is a list, not a Kubernetes object", 1),
        Skipped("mixed.yaml", "document is a str, not a Kubernetes object", 4),
        Skipped("mixed.yaml", "document has no apiVersion/kind (not a Kubernetes object)", 6),
    ]
    assert k8s001(report, "mixed.yaml") == [("K8S-001", "Pod/web", "mixed.yaml:18", PRIVILEGED_FINDING)]
    assert summarize(report).skipped == 3


LIST = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data: {a: b}
  - kind: Secret
    metadata: {name: no-api-version}
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: app
          image: nginx:1.25
          securityContext:
            privileged: true
"""

DEPLOYMENT_LIST = """\
{
  "apiVersion": "apps/v1",
  "kind": "DeploymentList",
  "items": [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "pay"},
     "spec": {"template": {"spec": {"containers": [
       {"name": "api", "image": "api:1.0",
        "securityContext": {"privileged": true}}]}}}}
  ]
}
"""


def test_bad_input_v1_list_expanded_with_item_lines(tmp_path):
    top = tree(tmp_path, {"list.yaml": LIST})
    report = run(top, str(top))
    listed = [(r.id, r.source.start_line, r.source.end_line) for r in report.resources
              if r.source.file == "list.yaml"]
    assert listed == [("ConfigMap/settings", 4, 8), ("Pod/web", 11, 20)]
    assert report.skipped == [Skipped(
        "list.yaml", "List item 1: document has no apiVersion/kind (not a Kubernetes object)", 9)]
    assert k8s001(report, "list.yaml") == [("K8S-001", "Pod/web", "list.yaml:20", PRIVILEGED_FINDING)]


def test_bad_input_deployment_list_json_expanded_with_item_lines(tmp_path):
    top = tree(tmp_path, {"deployments.json": DEPLOYMENT_LIST})
    report = run(top, str(top))
    assert report.issues == []
    listed = [(r.id, r.source.start_line) for r in report.resources if r.source.file == "deployments.json"]
    assert listed == [("Deployment/pay/api", 5)]
    assert k8s001(report, "deployments.json") == [(
        "K8S-001", "Deployment/pay/api", "deployments.json:8",
        'container "api" runs privileged (securityContext.privileged: true)')]


# --- everything at once through the CLI --------------------------------------------------------


def test_bad_input_cli_all_at_once_exit_2_every_file_listed(tmp_path):
    top = tree(tmp_path, {
        "bad.yaml": MALFORMED,
        "lol.yaml": billion_laughs(12),
        "latin1.yaml": "a: caf\u00e9\n".encode("latin-1"),
        "empty.yaml": b"",
        "utf16.yaml": codecs.BOM_UTF16_LE + PRIVILEGED_POD.encode("utf-16-le"),
    })
    result = cli(str(top), "--root", str(top), "--verbose")
    assert result.exit_code == 2, result.output
    out = lines_of(result.output)
    start = out.index("Input errors (3): these files were not checked")
    assert out[start + 1:start + 4] == [
        "  bad.yaml:5: invalid YAML: did not find expected ',' or ']'",
        "  latin1.yaml:1: not valid UTF-8 (byte offset 6)",
        "  lol.yaml:7: YAML aliases expand to more than 1,000,000 nodes (an alias bomb?); refused",
    ]
    assert "  empty.yaml: empty file" in out
    assert table_has(result.output, "K8S-001", "utf16.yaml:10"), result.output
    assert "Traceback" not in result.output


# --- duplicate keys (issue 12) -----------------------------------------------------------------

DUPLICATED = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: payments
spec:
  syncPolicy:
    automated:
      prune: false
    syncOptions: [CreateNamespace=true]
    automated:
      prune: true
      selfHeal: true
---
apiVersion: v1
kind: Pod
metadata: {name: web, name: api}
spec:
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        privileged: false
        privileged: true
"""


def test_bad_input_duplicate_keys_warn_with_key_and_line_and_scan_goes_on(tmp_path):
    top = tree(tmp_path, {"dup.yaml": DUPLICATED})
    report = run(top, str(top))
    assert report.issues == []
    assert report.warnings == [
        "dup.yaml:10: duplicate key 'automated': YAML keeps only this value, the one on line 7 is ignored",
        "dup.yaml:16: duplicate key 'name': YAML keeps only this value, the one on line 16 is ignored",
        "dup.yaml:23: duplicate key 'privileged': YAML keeps only this value, the one on line 22 is ignored",
    ]
    # The file is scanned as the cluster reads it: the last value wins.
    [app] = [r for r in report.resources if r.type == "Application"]
    assert app.body["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert k8s001(report, "dup.yaml") == [("K8S-001", "Pod/api", "dup.yaml:23", PRIVILEGED_FINDING)]
    result = cli(str(top), "--root", str(top))
    assert result.exit_code == 1  # findings; a warning alone never fails the scan
    out = lines_of(result.output)
    start = out.index("Warnings (3)")
    assert out[start + 1] == (
        "  dup.yaml:10: duplicate key 'automated': YAML keeps only this value, the one on line 7 is ignored")


def test_bad_input_merge_keys_are_not_duplicates_but_repeats_beside_them_are(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: &l {app: a, tier: b}\n"
            "  annotations:\n    <<: *l\n    app: override\n    note: x\n    note: y\n")
    top = tree(tmp_path, {"merge.yaml": text})
    report = run(top, str(top))
    assert report.warnings == [
        "merge.yaml:10: duplicate key 'note': YAML keeps only this value, the one on line 9 is ignored"]
    [cm] = [r for r in report.resources if r.type == "ConfigMap"]
    assert cm.body["metadata"]["annotations"] == {"app": "override", "tier": "b", "note": "y"}


def test_bad_input_symlink_loops_terminate_with_follow_symlinks(tmp_path):
    top = tree(tmp_path, {"app/pod.yaml": PRIVILEGED_POD})
    # Two loops: os.walk(followlinks=True) alone would explore 2**40 paths.
    (top / "app" / "loop").symlink_to(top / "app", target_is_directory=True)
    (top / "app" / "up").symlink_to("..", target_is_directory=True)
    report = run(top, str(top), follow_symlinks=True)
    assert report.skipped == [
        Skipped("app/loop", "symlinked directory already scanned (a loop)"),
        Skipped("app/up", "symlinked directory already scanned (a loop)"),
    ]
    assert [r.source.file for r in report.resources] == ["app/pod.yaml", "good.yaml"]


def test_bad_input_stdin_bomb_and_binary_refused(tmp_path):
    runner = CliRunner()
    bomb = runner.invoke(app, ["scan", "-", "--root", str(tmp_path)], input=billion_laughs(40),
                         env={"COLUMNS": "250"})
    assert bomb.exit_code == 2
    assert ("  <stdin>:7: YAML aliases expand to more than 1,000,000 nodes (an alias bomb?); refused"
            in lines_of(bomb.output))
    binary = runner.invoke(app, ["scan", "-", "--root", str(tmp_path)], input=b"\x00\x01\x02" * 100,
                           env={"COLUMNS": "250"})
    assert binary.exit_code == 2
    assert "  <stdin>:1: binary file (contains NUL bytes), not YAML or JSON" in lines_of(binary.output)


def test_the_summary_groups_skips_without_the_counts_inside_their_reasons():
    from compliance.model import Skipped as Skip
    from compliance.scan import ScanReport

    report = ScanReport([], [], [], [Skip("a.json", "1 data source(s) read by the plan, not checked"),
                                     Skip("b.json", "3 data source(s) read by the plan, not checked"),
                                     Skip("c.json", "empty file")], [], files_scanned=3)
    assert summarize(report).skipped_by_reason == {
        "data source(s) read by the plan, not checked": 2, "empty file": 1}
