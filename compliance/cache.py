"""The results cache: an unchanged re-scan is served without loading or evaluating anything.

Two levels, both plain JSON files under the cache directory (`--cache-dir`, env
`COMPLIANCE_CACHE_DIR`, `cache_dir:` in compliance.yaml, else `${XDG_CACHE_HOME:-~/.cache}/compliance`):

- **Whole run** (`v1/runs/<key>.json`). The key hashes the scanned paths as given, every file and
  symlink under them (content SHA-256; files over --max-file-size by size and mtime), the rules and
  the settings, and today's date (waivers expire by date). The entry holds the finished report
  (rules, resources without bodies, results, skipped files, input errors, warnings, waivers,
  controls) plus the inputs found only while loading (Kustomize bases outside the scanned paths,
  the helm / kustomize / kubectl binaries used), which are checked again before the entry is used.
- **Per file** (`v1/files/<xx>/<key>.json`). The key hashes one target (a file's content; for a Helm
  chart every file under it plus the helm binary; for a Kustomize overlay every file of every
  directory it includes plus the tool), the rules and the settings that change evaluation. The
  entry holds that target's per-resource results. After one file changed, the others are still
  loaded (cross-resource rules see every resource) but not evaluated again.
- **Stat index** (`v1/stats/<key>.json`, one per set of scanned paths). Each file's stat signature
  (size, mtime, ctime, inode) next to the content hash read with it. The next walk does not read a
  file whose signature is unchanged: the recorded hash stands in, and the content hash stays the key.
  Any write changes ctime, which (unlike mtime) cannot be set back, so an edit that keeps the size
  and restores the mtime is still seen. Only files last changed more than 3 s before the walk are
  recorded, so two writes within one timestamp tick cannot hide behind a signature taken between them.

"The rules" are the installed package's code and shipped rego/ and controls/ (by size and mtime),
every file of each --policy directory, the python_rules files and --controls catalogs (by content),
the compliance, regorus and PyYAML versions. "The settings" are params, --env, environment globs,
disabled rules, engines, loader options (with the content of --helm-values files), --max-file-size
and --root; the whole-run key adds waivers, frameworks and settings notices.

Not cached (always scanned in full): standard input, remote OPA (--opa-url), the checkov engine,
--follow-symlinks (whole run only), and Terraform inputs, whose loaders read `.tf` files and modules
found across the tree. A Helm chart or Kustomize overlay whose tool is missing is not cached either.

Safety: entries are JSON, never pickle. Anything unreadable, truncated, of another format version,
or failing a check is ignored and the scan runs normally. Writes are atomic (`_atomic.atomic_text`).
Entries hold results and resource metadata (kind, name, namespace, labels, file and lines), never
resource bodies, so a Secret's data or a Terraform password is never written. A `cache_dir:` in
compliance.yaml that points inside the repository is refused (settings.py): a pull request could
plant entries there. The directory is bounded to MAX_BYTES; the least recently used entries go first.
Clear it by deleting the directory.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _cache_keys as keys
from ._cache_keys import CHART_FILE, canonical, content_digest, file_digest, recheck, sha, tool_identity, tree_digests
from .rules import user_rule_helpers

if TYPE_CHECKING:
    from .discover import Target
    from .loaders import Loaded
    from .scan import ScanOptions, ScanReport

FORMAT = "compliance-cache/v1"
MAX_BYTES = 256 * 1024 * 1024  # disk use of the whole cache directory; least recently used entries go past it
ENV_VAR = "COMPLIANCE_CACHE_DIR"
_TERRAFORM_KINDS = ("terraform-plan", "terraform-hcl")


def default_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """`${XDG_CACHE_HOME:-~/.cache}/compliance`."""
    base = environ.get("XDG_CACHE_HOME") or ""
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache") / "compliance"


class ResultsCache:
    """One scan's view of the cache directory: its keys, lookups and stores."""

    def __init__(self, directory: Path, options: ScanOptions):
        from .resources import data_dir

        self.directory = Path(directory)
        self.options = options
        self.max_bytes = options.max_file_size
        package = Path(__file__).resolve().parent
        rule_files = list(options.python_rule_files) if "python" in options.engines else []
        # A Python rule's own helper modules count as the rule (the files are only ever named with
        # --allow-python-rules: importing them here is what the scan does next anyway).
        helpers = user_rule_helpers(rule_files) if rule_files else []
        user_rules = content_digest([*options.policy_dirs, *options.python_rule_files, *helpers], self.max_bytes)
        helm_values = content_digest([Path(v) for v in options.loader_options.get("helm_values") or ()],
                                      self.max_bytes)
        evaluation = {
            "format": FORMAT, "versions": keys.versions(), "package": keys.stat_digest(package, ".py"),
            "rego": keys.stat_digest(data_dir("rego")), "user_rules": user_rules,
            "environment": options.environment, "environment_globs": list(options.environment_globs),
            "params": options.params, "disabled_rules": options.disabled_rules, "engines": list(options.engines),
            "builtin": options.builtin, "policy_dirs": [str(Path(p).absolute()) for p in options.policy_dirs],
            "loader_options": options.loader_options, "helm_values": helm_values,
            "max_file_size": options.max_file_size, "root": str(Path(options.root).absolute()),
        }
        # Each part hashed on its own and kept in the entries: a miss can be explained without storing
        # the settings themselves (a --helm-set value may be a secret).
        self.parts = {name: sha(canonical(value).encode()) for name, value in evaluation.items()}
        self.eval_hash = sha(canonical(self.parts).encode())
        run = {
            "evaluation": self.eval_hash, "controls": keys.stat_digest(data_dir("controls")),
            "user_controls": content_digest(options.controls_files, self.max_bytes),
            "waivers": options.waivers, "max_waiver_days": options.max_waiver_days,
            "frameworks": list(options.frameworks), "notices": list(options.notices),
            "today": options.today.isoformat(), "paths": list(options.paths),
            "show_duplicates": options.show_duplicates,
        }
        self.parts.update({f"run.{name}": sha(canonical(value).encode()) for name, value in run.items()})
        self.run_hash = sha(canonical(run).encode())
        self.inputs: dict[str, str] | None = None  # everything under the scanned paths, before the scan
        self.run_key: str | None = None
        self.file_keys: dict[str, str] = {}  # target display -> per-file key
        self.external: dict[str, str] = {}  # inputs read from outside the scanned paths
        self.tools: dict[str, str] = {}  # renderer binaries used
        self.run_cacheable = not options.follow_symlinks
        self.scanned = [str(Path(p).absolute()) for p in options.paths]
        self.stats: dict[str, str] = {}  # stat signature of each walked file, taken before hashing it
        self.walk_started = 0  # time.time_ns() when the walk that hashed the inputs began
        self.known: dict[str, list[str]] = {}  # the stat index read before that walk (see _cache_keys.trusted_stats)
        self.file_inputs: dict[str, dict[str, str]] = {}  # target display -> its inputs' digests

    # -- whole run -------------------------------------------------------------------------

    def _walk(self, *, stats_only: bool = False) -> dict[str, str] | None:
        """Every entry under the scanned paths: content digests (and self.stats), or with stats_only only
        stat signatures, to see cheaply after the scan whether anything changed while it ran.

        A file whose stat signature is the one the stat index recorded with its content hash is not read
        again (see _cache_keys.trusted_stats for when a signature is recorded at all).
        """
        found: dict[str, str] = {}
        max_bytes, stats, known = (-1, None, None) if stats_only else (self.max_bytes, self.stats, self.known)
        if not stats_only:
            self.walk_started = time.time_ns()
        for raw in self.options.paths:
            path = Path(raw).absolute()
            if path.is_dir():
                tree_digests(path, found, max_bytes, chart=(path / CHART_FILE).is_file(), stats=stats, known=known)
            elif path.is_file():
                found[str(path)] = file_digest(path, max_bytes, stats, known)
            else:
                return None  # the scan reports the missing path
        return found

    def load_run(self) -> ScanReport | None:
        """The finished report of an identical earlier run, or None (then the scan runs)."""
        if not self.run_cacheable:
            return None
        self.known = self._read_stats()
        self.inputs = self._walk()
        if self.inputs is None:
            self.run_cacheable = False
            return None
        self.run_key = sha(canonical([self.run_hash, sorted(self.inputs.items())]).encode())
        entry = self._read(self._run_path(self.run_key))
        if entry is None or entry.get("key") != self.run_key:
            return None
        try:
            if any(recheck(Path(file), digest, self.max_bytes) != digest
                   for file, digest in entry["external"].items()):
                return None
            for name, identity in entry["tools"].items():
                tool, _, where = name.partition("@")
                if (tool_identity(tool, untrusted=Path(where) if where else None) or "absent") != identity:
                    return None
            from ._cache_report import report_from_json

            report = report_from_json(entry["report"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        self._touch(self._run_path(self.run_key))
        self._store_stats()  # files hashed this time because they had just changed may be trusted now
        return report

    def store_run(self, report: ScanReport) -> None:
        """Keep the finished report, unless an input changed during the scan or cannot be tracked; then keep
        the directory within its bound (workers may have written per-file entries even when no run entry is)."""
        if self.run_cacheable and self.run_key is not None and self.inputs is not None and \
                not any(r.family == "terraform" for r in report.resources) and \
                self._walk(stats_only=True) == {**self.inputs, **self.stats}:
            from ._cache_report import report_json_chunks

            try:
                report_text = report_json_chunks(report)
                head = json.dumps({"format": FORMAT, "key": self.run_key, "parts": self.parts,
                                   "external": self.external, "tools": self.tools},
                                  separators=(",", ":"), ensure_ascii=False, allow_nan=True)
            except (TypeError, ValueError):
                report_text = None  # a value no entry can hold (an unhashable message, a Python rule's details)
            if report_text is not None:
                # Written piece by piece: the whole entry as one string would double its memory.
                self._write_text(self._run_path(self.run_key),
                                 itertools.chain((head[:-1], ',"report":'), report_text, ("}",)))
                self._store_stats()
        self._evict()

    def _stats_path(self) -> Path:
        # One stat index per set of scanned paths and size limit (which decides how a file is digested).
        return self.directory / "v1" / "stats" / f"{sha(canonical([self.scanned, self.max_bytes]).encode())}.json"

    def _read_stats(self) -> dict[str, list[str]]:
        """path -> [stat signature, content hash] recorded by an earlier run; {} when absent or malformed."""
        entry = self._read(self._stats_path())
        files = entry.get("files") if entry is not None else None
        if not isinstance(files, dict) or not all(
                type(v) is list and len(v) == 2 and type(v[0]) is str and type(v[1]) is str for v in files.values()):
            return {}
        return files

    def _store_stats(self) -> None:
        """Record the signatures that can stand for their file's content next time, when they changed."""
        if self.inputs is None:
            return
        trusted = keys.trusted_stats(self.stats, self.inputs, before_ns=self.walk_started)
        if trusted != self.known:
            self._write(self._stats_path(), {"format": FORMAT, "files": trusted})
            self.known = trusted

    # -- per file --------------------------------------------------------------------------

    def note_targets(self, targets: list[Target]) -> None:
        """Work out each target's key (before the pool forks, so workers inherit them)."""
        inputs = self.inputs or {}
        for target in targets:
            if target.path is None or target.kind in _TERRAFORM_KINDS:
                self.run_cacheable = False
                continue
            path = target.path.absolute()
            digests: dict[str, str] = {}
            if target.kind == "helm-chart":
                tree_digests(path, digests, self.max_bytes, chart=True)
                tool = self._tool("helm", path)
                if tool is None:
                    continue
                digests["tool:helm"] = tool
            elif target.kind == "kustomize":
                if not self._kustomize_inputs(path, digests):
                    continue
            else:
                digest = inputs.get(str(path)) or file_digest(path, self.max_bytes)
                if target.kind == "json" and not digest.startswith(("big:", "unreadable:")) and \
                        b'"terraform_version"' in path.read_bytes():
                    self.run_cacheable = False  # a plan: its loader reads .tf files elsewhere
                    continue
                digests[str(path)] = digest
            scanned = self.scanned
            for file, digest in digests.items():
                # A Kustomize base outside the scanned paths is not in the walk: the run entry checks it.
                if not file.startswith("tool:") and not any(
                        file == p or file.startswith(p.rstrip(os.sep) + os.sep) for p in scanned):
                    self.external.setdefault(file, digest)
            self.file_inputs[target.display] = {f: d for f, d in digests.items() if not f.startswith("tool:")}
            self.file_keys[target.display] = sha(canonical(
                [self.eval_hash, target.kind, target.display, sorted(digests.items())]).encode())

    def _tool(self, name: str, where: Path) -> str | None:
        identity = tool_identity(name, untrusted=where)
        if identity is None:
            self.run_cacheable = False  # the loader reports the missing tool; cache nothing of it
            return None
        self.tools[f"{name}@{where}"] = identity
        return identity

    def _kustomize_inputs(self, overlay: Path, digests: dict[str, str]) -> bool:
        from .loaders._kustomize_tree import read_tree

        tree = read_tree(overlay)
        if tree.errors or tree.remote or tree.helm_charts:
            self.run_cacheable = False
            return False
        for directory in tree.dirs:
            tree_digests(directory, digests, self.max_bytes, chart=True)
        digests.update(content_digest(sorted(tree.files), self.max_bytes))
        kustomize = tool_identity("kustomize", untrusted=overlay)
        # The loader prefers kustomize to kubectl: installing it later changes the build, so its absence counts.
        self.tools[f"kustomize@{overlay.resolve()}"] = kustomize or "absent"
        name = "kustomize" if kustomize else "kubectl"
        tool = self._tool(name, overlay.resolve())
        if tool is None:
            return False
        digests[f"tool:{name}"] = tool
        return True

    def file_rows(self, target: Target, loaded: Loaded) -> list[tuple] | None:
        """The cached per-resource results of a loaded target, if its resources are the same ones."""
        from .model import Status

        key = self.file_keys.get(target.display)
        if key is None or any(r.family == "terraform" for r in loaded.resources):
            return None
        path = self._file_path(key)
        if not path.exists():
            return None
        entry = self._read(path)
        try:
            if entry is None or entry.get("key") != key or entry.get("resources") != _identities(loaded.resources):
                raise ValueError("not this target's entry")
            rows = [(rule, int(index), Status(status), message, tuple(where), line, end, details)
                    for rule, index, status, message, where, line, end, details in entry["rows"]]
            if any(not 0 <= row[1] < len(loaded.resources) for row in rows):
                raise ValueError("resource index out of range")
        except (TypeError, ValueError, KeyError):
            with suppress(OSError):
                path.unlink()  # so the parent stores a good one after evaluating
            return None
        self._touch(path)
        return rows

    def store_file(self, target: Target, outcome: Any) -> None:
        """Keep the per-resource results of an evaluated target (in the worker that evaluated it), unless
        its inputs changed while it was loaded."""
        from .model import Status

        key = self.file_keys.get(target.display)
        if key is None or any(r.family == "terraform" for r in outcome.resources):
            return
        if any(recheck(Path(file), digest, self.max_bytes) != digest
               for file, digest in self.file_inputs.get(target.display, {}).items()):
            return
        rows = [[rule, index, status.value if isinstance(status, Status) else str(status), message,
                 list(where), line, end, details]
                for rule, index, status, message, where, line, end, details in outcome.results]
        self._write(self._file_path(key), {"format": FORMAT, "key": key, "resources": _identities(outcome.resources),
                                           "rows": rows})

    # -- storage ---------------------------------------------------------------------------

    def _run_path(self, key: str) -> Path:
        return self.directory / "v1" / "runs" / f"{key}.json"

    def _file_path(self, key: str) -> Path:
        return self.directory / "v1" / "files" / key[:2] / f"{key}.json"

    def _read(self, path: Path) -> dict | None:
        try:
            if path.is_symlink() or path.stat().st_size > MAX_BYTES:
                return None
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None

    def _write(self, path: Path, entry: dict) -> None:
        try:
            text = json.dumps(entry, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError):
            return  # a value JSON cannot hold (a Python rule's details): not cached
        self._write_text(path, [text])

    @staticmethod
    def _write_text(path: Path, parts: Iterable[str]) -> None:
        from ._atomic import atomic_text

        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with atomic_text(path) as stream:
                for part in parts:
                    stream.write(part)
        except OSError:
            pass  # a read-only or full cache directory never fails the scan

    @staticmethod
    def _touch(path: Path) -> None:
        with suppress(OSError):
            os.utime(path)  # least recently used goes first when the directory is over its bound

    def _evict(self) -> None:
        entries = []
        for folder, _dirs, files in os.walk(self.directory / "v1"):
            for name in files:
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                # Disk usage, not length: thousands of small per-file entries take a block each.
                used = max(info.st_size, getattr(info, "st_blocks", 0) * 512)
                entries.append((info.st_mtime_ns, used, os.path.join(folder, name)))
        total = sum(size for _, size, _ in entries)
        for _, size, file in sorted(entries):
            if total <= MAX_BYTES * 0.8:
                break
            try:
                os.unlink(file)
                total -= size
            except OSError:
                pass


def _identities(resources: list) -> list[list]:
    return [[r.id, r.type, r.source.file, r.source.document, r.source.start_line] for r in resources]


def open_cache(options: ScanOptions) -> ResultsCache | None:
    """The cache for this scan, or None when it is off or cannot give correct results."""
    if options.cache_dir is None:
        return None
    if any(p == "-" for p in options.paths) or "checkov" in options.engines or (
            options.opa is not None and "rego" in options.engines):
        return None
    return ResultsCache(Path(options.cache_dir), options)


def choose_dir(*, flag: Path | None, configured: Path | None, config_path: Path | None, paths: Iterable[str],
               environ: Mapping[str, str] = os.environ) -> tuple[Path, str | None]:
    """The cache directory: --cache-dir, else $COMPLIANCE_CACHE_DIR, else compliance.yaml's cache_dir, else
    the default; and a notice when compliance.yaml's value is refused.

    A cache_dir from compliance.yaml that lies inside the repository (beside the file, or under a scanned
    path) is refused: whoever writes the repository could plant entries there that forge a clean result.
    """
    if flag is not None:
        return Path(flag).expanduser().absolute(), None
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser().absolute(), None
    if configured is None:
        return default_dir(environ), None
    chosen = Path(configured).expanduser().absolute().resolve()
    fences = [Path(p).absolute().resolve() for p in paths if p != "-"]
    if config_path is not None:
        fences.append(Path(config_path).absolute().resolve().parent)
    if any(chosen == fence or fence in chosen.parents for fence in fences):
        where = config_path.as_posix() if config_path is not None else "compliance.yaml"
        return default_dir(environ), (f"{where}: cache_dir {configured.as_posix()} is inside the scanned repository, "
                                      "where a planted entry could forge results; using the default cache directory")
    return chosen, None
