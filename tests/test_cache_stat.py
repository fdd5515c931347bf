"""The cache's stat index: unchanged files are not read again, and any edit is still seen.

A file's recorded content hash is reused only while its stat signature (size, mtime, ctime, inode)
is the one recorded with it, and only for files last changed more than RACY_NS before the walk.
Files in these tests are fresh, so tests that need them trusted move that limit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import HARDENED_POD, fails, write

import compliance._cache_keys as keys
import compliance.scan as scan_module
from compliance.scan import ScanOptions, scan

PRIVILEGED = ("K8S-001", "Pod/shop/api", "tree/apps/api.yaml:18", 'container "app" runs privileged '
              "(securityContext.privileged: true)")


@pytest.fixture(autouse=True)
def _steady_package(monkeypatch):
    """The package hashed once per test: others editing the working copy must not miss the cache here."""
    memo: dict[tuple, str] = {}
    original = keys.stat_digest
    monkeypatch.setattr(keys, "stat_digest", lambda top, suffix="": memo.setdefault((str(top), suffix),
                                                                                   original(top, suffix)))


def _tree(root: Path) -> Path:
    write(root, "apps/web.yaml", HARDENED_POD.format(name="web", namespace="shop"))
    write(root, "apps/api.yaml", HARDENED_POD.format(name="api", namespace="shop").replace(
        "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n        privileged: true"))
    return root


def _options(root: Path) -> ScanOptions:
    return ScanOptions(paths=[str(root / "tree")], root=root, cache_dir=root / "cache", jobs=1)


def _trust_fresh_files(monkeypatch) -> None:
    # Files written a moment ago count as old enough (the limit lies in the future).
    monkeypatch.setattr(keys, "RACY_NS", -60_000_000_000)


def _count_reads(monkeypatch) -> list[str]:
    """The files whose content the cache's walk reads (file_digest opens them)."""
    opened: list[str] = []

    def counting_open(path, *args, **kwargs):
        opened.append(os.path.basename(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(keys, "open", counting_open, raising=False)
    return opened


def _served(monkeypatch) -> list[bool]:
    """[True] per scan served whole from the run entry, [False] per scan that ran."""
    served: list[bool] = []
    original = scan_module._scan

    def recording(*args, **kwargs):
        served.append(False)
        return original(*args, **kwargs)

    monkeypatch.setattr(scan_module, "_scan", recording)
    return served


def _index(root: Path) -> dict[str, list[str]]:
    (entry,) = (root / "cache" / "v1" / "stats").iterdir()
    return json.loads(entry.read_text())["files"]


def test_cache_stat_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree")
    _trust_fresh_files(monkeypatch)
    scan(_options(tmp_path))
    assert sorted(_index(tmp_path)) == [str(tree / "apps" / "api.yaml"), str(tree / "apps" / "web.yaml")]
    opened, served = _count_reads(monkeypatch), _served(monkeypatch)
    report = scan(_options(tmp_path))
    assert (opened, served) == ([], [])  # no file read, no scan: served from the run entry
    assert fails(report, "K8S-001") == [PRIVILEGED]


def test_cache_stat_same_size_edit_with_restored_mtime_is_re_evaluated(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree")
    _trust_fresh_files(monkeypatch)
    scan(_options(tmp_path))
    api = tree / "apps" / "api.yaml"
    before = api.stat()
    api.write_text(api.read_text().replace("privileged: true", "privileged: null"))  # same length
    os.utime(api, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = api.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    opened, served = _count_reads(monkeypatch), _served(monkeypatch)
    report = scan(_options(tmp_path))
    assert "api.yaml" in opened and "web.yaml" not in opened  # ctime moved: only the edited file is read
    assert served == [False]
    assert fails(report, "K8S-001") == []


def test_cache_stat_file_replaced_with_same_size_and_mtime_is_re_evaluated(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree")
    _trust_fresh_files(monkeypatch)
    scan(_options(tmp_path))
    api = tree / "apps" / "api.yaml"
    before = api.stat()
    replacement = tree / "apps" / ".api.yaml.new"
    replacement.write_text(api.read_text().replace("privileged: true", "privileged: null"))
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, api)  # as an editor saves: a new inode under the old name
    report = scan(_options(tmp_path))
    assert fails(report, "K8S-001") == []


def test_cache_stat_recently_changed_files_are_hashed_until_old_enough(tmp_path, monkeypatch):
    _tree(tmp_path / "tree")
    scan(_options(tmp_path))  # every file changed just now: nothing can stand on its signature yet
    assert not (tmp_path / "cache" / "v1" / "stats").exists()
    opened = _count_reads(monkeypatch)
    scan(_options(tmp_path))
    assert sorted(opened) == ["api.yaml", "web.yaml"]
    assert not (tmp_path / "cache" / "v1" / "stats").exists()
    _trust_fresh_files(monkeypatch)  # time passes: the next hit records them
    scan(_options(tmp_path))
    assert len(_index(tmp_path)) == 2
    opened.clear()
    scan(_options(tmp_path))
    assert opened == []


def test_cache_stat_trusted_stats_keeps_only_old_content_hashes():
    digest = "a" * 64
    now = 100 * 10**9
    old, fresh = now - keys.RACY_NS - 1, now - keys.RACY_NS + 1
    stats = {"old": f"stat:10:{old}:{old}:7", "mtime-fresh": f"stat:10:{fresh}:{old}:8",
             "ctime-fresh": f"stat:10:{old}:{fresh}:9", "big": f"stat:10:{old}:{old}:10",
             "unreadable": f"stat:10:{old}:{old}:11"}
    digests = {"old": digest, "mtime-fresh": digest, "ctime-fresh": digest, "big": f"big:10:{old}",
               "unreadable": "unreadable:13"}
    assert keys.trusted_stats(stats, digests, before_ns=now) == {"old": [stats["old"], digest]}


@pytest.mark.parametrize("files", [[], {"x": "not a pair"}, {"x": ["stat:1", 5]}, "text"])
def test_cache_stat_malformed_index_is_ignored(tmp_path, monkeypatch, files):
    tree = _tree(tmp_path / "tree")
    _trust_fresh_files(monkeypatch)
    scan(_options(tmp_path))
    (entry,) = (tmp_path / "cache" / "v1" / "stats").iterdir()
    entry.write_text(json.dumps({"format": "compliance-cache/v1", "files": files}))
    opened = _count_reads(monkeypatch)
    report = scan(_options(tmp_path))
    assert sorted(opened) == ["api.yaml", "web.yaml"]  # read again, then recorded again
    assert fails(report, "K8S-001") == [PRIVILEGED]
    assert sorted(_index(tmp_path)) == [str(tree / "apps" / "api.yaml"), str(tree / "apps" / "web.yaml")]
