"""Run in a separate process: decide every built-in rule on every fixture under real OPA.

Prints JSON {"<fixture path>#<doc index>": {"<rule id>": [sorted deny items]}} on stdout.
OPA's Go runtime must not share a process with forked scan workers, hence a
process of its own (DESIGN.md, Engines).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from compliance.engines.rego import load_policies, package_ref


def decisions(rego_root: Path, evaluate) -> dict:
    policies = load_policies([rego_root], labels=["rego"])
    out: dict = {}
    for fixture in sorted(rego_root.glob("*/*/fixtures/*.yaml")):
        for index, doc in enumerate(yaml.safe_load_all(fixture.read_text())):
            if not isinstance(doc, dict) or doc.get("kind") is None:
                continue
            key = f"{fixture.relative_to(rego_root).as_posix()}#{index}"
            out[key] = {}
            for rule in policies.rules:
                if rule.needs_inventory or (rule.applies_to.types and doc["kind"] not in rule.applies_to.types):
                    continue
                value = evaluate(f"x := {package_ref(rule.package)}.deny", doc)
                out[key][rule.id] = sorted(json.dumps(v, sort_keys=True) for v in value or [])
    return out


def opa_evaluator(rego_root: Path):
    import opa_bindings

    engine = opa_bindings.OpaEngine()
    for file in sorted(rego_root.rglob("*.rego")):
        if not file.name.endswith("_test.rego"):
            engine.add_policy(file.as_posix(), file.read_text())
    engine.add_data({"compliance": {"params": {}}})

    def evaluate(query, doc):
        rows = engine.eval_query(query, input=doc)
        return rows[0]["x"] if rows else None

    return evaluate


def regorus_evaluator(rego_root: Path):
    from compliance.engines.rego import new_engine

    policies = load_policies([rego_root], labels=["rego"])
    engine = new_engine(policies.modules)

    def evaluate(query, doc):
        engine.set_input(doc)
        result = json.loads(engine.eval_query_as_json(query)).get("result") or []
        return result[0]["bindings"]["x"] if result else None

    return evaluate


if __name__ == "__main__":
    root = Path(sys.argv[1])
    which = sys.argv[2]
    evaluator = opa_evaluator(root) if which == "opa" else regorus_evaluator(root)
    json.dump(decisions(root, evaluator), sys.stdout, sort_keys=True)
