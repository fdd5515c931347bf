"""Run `test_*` rules of *_test.rego files, the way `opa test` does.

The default engine is the in-process one scans use; `opa` runs the same tests
under real OPA (opa-golib-python-bindings), the oracle the rule library is
proven against.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .engines.rego import new_engine, package_ref
from .engines.rego_metadata import RegoModule, parse_module
from .errors import InputError, PolicyError

_TEST = re.compile(r"^(test_\w+)\b", re.M)


@dataclass(frozen=True, slots=True)
class TestOutcome:
    package: str
    name: str
    file: str
    status: str  # PASS, FAIL or ERROR
    message: str = ""


def collect(paths: list[Path]) -> list[RegoModule]:
    modules = []
    for root in paths:
        if not root.exists():
            raise InputError(f"path not found: {root}")
        files = [root] if root.is_file() else sorted(root.rglob("*.rego"))
        for file in files:
            try:
                source = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise PolicyError(f"{file}: cannot read: {exc}") from None
            modules.append(parse_module(file.as_posix(), source))
    return modules


def run(paths: list[Path], *, engine: str = "regorus", match: str | None = None) -> list[TestOutcome]:
    """Load every .rego under paths (rules, libraries and tests) and run the tests."""
    modules = collect(paths)
    tests = [(m, name) for m in modules if m.path.endswith("_test.rego") for name in _TEST.findall(m.source)]
    if match:
        pattern = re.compile(match)
        tests = [(m, n) for m, n in tests if pattern.search(f"{m.package}.{n}")]
    evaluate = _opa(modules) if engine == "opa" else _regorus(modules)
    # One query per package, not per test: each distinct query is compiled anew
    # (OPA prepares every query string), which made a per-test loop take minutes.
    by_package: dict[tuple[str, str], list[str]] = {}
    for module, name in tests:
        by_package.setdefault((module.package, module.path), []).append(name)
    outcomes = []
    packages = sorted({package for package, _ in by_package})
    try:  # everything in one query first; a package whose tests error is retried on its own
        everything = evaluate("x := {\n" + ",\n".join(f'"{p}": {package_ref(p)}' for p in packages) + "\n}")
    except Exception:
        everything = None
    for (package, path), names in by_package.items():
        if isinstance(everything, dict):
            document = everything.get(package)
        else:
            try:
                document = evaluate(f"x := {package_ref(package)}")
            except Exception:
                document = None  # some test errors: run them one by one to say which
        for name in names:
            if isinstance(document, dict):
                value = document.get(name)
            else:
                try:
                    value = evaluate(f"x := {package_ref(package)}.{name}")
                except Exception as exc:
                    outcomes.append(TestOutcome(package, name, path, "ERROR", str(exc).strip()))
                    continue
            outcomes.append(TestOutcome(package, name, path, "PASS" if value is True else "FAIL"))
    return outcomes


def _regorus(modules: list[RegoModule]):
    engine = new_engine(modules)

    def evaluate(query: str):
        result = json.loads(engine.eval_query_as_json(query)).get("result") or []
        return result[0]["bindings"]["x"] if result else None

    return evaluate


def _opa(modules: list[RegoModule]):
    try:
        import opa_bindings
    except ImportError:
        raise InputError(
            "the OPA engine needs opa-golib-python-bindings: "
            "pip install --ignore-requires-python opa-golib-python-bindings==0.4.4"
        ) from None
    engine = opa_bindings.OpaEngine()
    for module in modules:
        try:
            engine.add_policy(module.path, module.source)
        except Exception as exc:
            raise PolicyError(f"cannot compile {module.path} under OPA: {exc}") from None

    def evaluate(query: str):
        rows = engine.eval_query(query)
        return _opa_value(rows)

    return evaluate


def _opa_value(rows):
    # opa_bindings returns one dict of bindings per solution; [] means undefined.
    return rows[0].get("x") if rows else None
