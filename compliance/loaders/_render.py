"""Find and run the external renderers (helm, kubectl, kustomize) safely.

The scanned repository is untrusted input, so a renderer is only ever one of
those binaries found outside it, run with no shell, a timeout, bounded output
and a scrubbed environment: an empty PATH (so kustomize cannot start git or
helm, and helm no plugin), fresh empty helm config/cache/plugin folders, and
no proxy or credential variables from the caller.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 60.0
MAX_STDERR = 64 * 1024

# How a user gets each tool; printed whenever one is missing.
INSTALL_HINTS = {
    "helm": "install helm v3 or v4 (https://helm.sh/docs/intro/install/), or run "
    "scripts/install-render-tools.sh; or render yourself and pipe it: "
    "`helm template CHART | compliance scan -`",
    "kubectl": "install kubectl >= 1.21 (https://kubernetes.io/docs/tasks/tools/) or kustomize, or run "
    "scripts/install-render-tools.sh; or build yourself and pipe it: "
    "`kubectl kustomize DIR | compliance scan -`",
}
# COMPLIANCE_HELM=/path/to/helm etc. pick a binary explicitly.
_OVERRIDE_VARS = {"helm": "COMPLIANCE_HELM", "kubectl": "COMPLIANCE_KUBECTL", "kustomize": "COMPLIANCE_KUSTOMIZE"}


class RenderError(Exception):
    """A renderer is missing, failed, timed out or wrote too much."""

    def __init__(self, message: str, *, missing_tool: bool = False):
        super().__init__(message)
        self.message = message
        self.missing_tool = missing_tool


@dataclass(frozen=True, slots=True)
class Completed:
    stdout: str
    stderr: str
    returncode: int


def beside_interpreter() -> list[Path]:
    """The venv's bin directory, where scripts/setup.sh installs helm and kubectl."""
    return [Path(sys.executable).parent]


def find_tool(name: str, *, untrusted: Path | None = None) -> Path | None:
    """The absolute path of an executable renderer, or None.

    Args:
        name: "helm", "kubectl" or "kustomize".
        untrusted: the scanned directory; a binary inside it is never used, nor are
            relative PATH entries (".", "bin"), which would resolve inside the scan.
    """
    override = os.environ.get(_OVERRIDE_VARS.get(name, ""), "")
    candidates = [Path(override)] if override else [
        Path(entry) / name for entry in os.environ.get("PATH", "").split(os.pathsep) if entry
    ]
    # Beside the interpreter: scripts/setup.sh installs helm and kubectl into the venv's bin,
    # which is not on PATH when .venv/bin/compliance is run directly.
    if not override:
        candidates += [directory / name for directory in beside_interpreter()]
    guard = untrusted.resolve() if untrusted is not None else None
    for candidate in candidates:
        if not candidate.is_absolute():
            continue
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if guard is not None and (real == guard or guard in real.parents):
            continue
        if real.is_file() and os.access(real, os.X_OK):
            return candidate
    return None


def require_tool(name: str, *, untrusted: Path | None = None) -> Path:
    """Like find_tool, but raise RenderError(missing_tool=True) with install advice."""
    found = find_tool(name, untrusted=untrusted)
    if found is None:
        hint = INSTALL_HINTS.get(name, f"install {name}")
        raise RenderError(f"{name} not found on PATH: {hint}", missing_tool=True)
    return found


def _scrubbed_env(home: Path) -> dict[str, str]:
    """Only what the renderers need; everything points into a throwaway folder."""
    empty_bin = home / "empty-path"
    empty_bin.mkdir(exist_ok=True)
    env = {
        "PATH": str(empty_bin),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home),
        # helm: no user repositories, registry logins, plugins or cache.
        "HELM_CACHE_HOME": str(home / "helm-cache"),
        "HELM_CONFIG_HOME": str(home / "helm-config"),
        "HELM_DATA_HOME": str(home / "helm-data"),
        "HELM_PLUGINS": str(home / "helm-plugins"),
        "HELM_NO_PLUGINS": "1",
        "KUBECONFIG": str(home / "kubeconfig-none"),
        # kustomize: exec/container KRM functions need these set; make sure they are not.
        "KUSTOMIZE_PLUGIN_HOME": str(home / "kustomize-plugins"),
    }
    return env


def run(argv: list[str], *, cwd: Path, timeout: float = DEFAULT_TIMEOUT, max_output: int) -> Completed:
    """Run a renderer with no shell, a scrubbed environment, a timeout and bounded output.

    Args:
        argv: the command; argv[0] must be an absolute path from find_tool.
        cwd: working directory.
        timeout: seconds before the process is killed.
        max_output: bytes of stdout accepted; more is refused, not truncated.

    Raises:
        RenderError: the process could not start, timed out, or wrote too much.
    """
    with tempfile.TemporaryDirectory(prefix="compliance-render-") as home:
        try:
            proc = subprocess.Popen(  # noqa: S603 - argv is a list, argv[0] an absolute tool path
                argv, cwd=cwd, env=_scrubbed_env(Path(home)), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            )
        except OSError as exc:
            raise RenderError(f"cannot run {Path(argv[0]).name}: {exc.strerror or exc}") from None
        try:
            out, err = _collect(proc, timeout=timeout, max_output=max_output, tool=Path(argv[0]).name)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    return Completed(_text(out), _text(err), proc.returncode)


def _collect(proc: subprocess.Popen, *, timeout: float, max_output: int, tool: str) -> tuple[bytes, bytes]:
    """Read stdout and stderr together until both close, within the limits."""
    assert proc.stdout is not None and proc.stderr is not None
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ, out)
        sel.register(proc.stderr, selectors.EVENT_READ, err)
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise RenderError(f"{tool} did not finish within {timeout:g} s (killed)")
            for key, _ in sel.select(timeout=left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buffer = key.data
                if buffer is out and len(out) + len(chunk) > max_output:
                    raise RenderError(f"{tool} output is larger than the {max_output // (1024 * 1024)} MiB "
                                      "limit (raise it with --max-file-size)")
                if buffer is err and len(err) >= MAX_STDERR:
                    continue  # keep reading so the process never blocks, but keep no more
                buffer.extend(chunk)
    remaining = deadline - time.monotonic()
    try:
        proc.wait(timeout=max(remaining, 0.1))
    except subprocess.TimeoutExpired:
        raise RenderError(f"{tool} did not finish within {timeout:g} s (killed)") from None
    return bytes(out), bytes(err)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def first_error_line(stderr: str) -> str:
    """The renderer's error, on one line, without its "Error: " prefix and noise."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("Use --debug", "WARNING:", "Warning:"))]
    text = " ".join(lines) if lines else "no error message"
    for prefix in ("Error: ", "error: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text[:2000]


def document_base(detail: str) -> int:
    """An offset for Source.document that differs between renders.

    The same template or base file yields one object per render (each environment,
    each overlay); a distinct document number keeps their Resource.key apart, so
    coverage and reports count them as the separate deployed objects they are.
    """
    return (zlib.crc32(detail.encode("utf-8")) % 100_000) * 10_000


def copy_tree(src: Path, dest: Path) -> None:
    """Copy a folder keeping symlinks as links (never following them out of the tree)."""
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".git", "node_modules", ".terraform"))
