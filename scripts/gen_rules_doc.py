"""Write docs/rules.md, the list of every built-in rule, from the rules' own metadata.

Usage: python scripts/gen_rules_doc.py [--check]
With --check, exit 1 when docs/rules.md is not what the metadata gives (a test runs this).
"""

from __future__ import annotations

import sys
from pathlib import Path

from compliance.controls import controls_for
from compliance.scan import ScanOptions, load_rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def render() -> str:
    policies, python_rules = load_rules(ScanOptions(paths=[]))
    rules = sorted([*policies.rules, *python_rules], key=lambda r: r.id)
    lines = [
        "# Built-in rules",
        "",
        "Generated from each rule's metadata by `scripts/gen_rules_doc.py`; do not edit by hand.",
        "`compliance rules show ID` prints a rule's full page (what, why, remediation, parameters).",
        "",
        "| Id | Name | Severity | Applies to | Environments | Title | Frameworks |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        types = ", ".join(rule.applies_to.types) or "all"
        frameworks = sorted({ref.split(":", 1)[0] for ref in controls_for(rule.id)})
        source = rule.source if rule.engine == "rego" else rule.source.replace(".", "/", 3)
        name = f"[`{rule.name}`](../{source.rsplit('/', 1)[0]}/)" if rule.engine == "rego" else f"`{rule.name}`"
        lines.append(f"| {rule.id} | {name} | {rule.severity.value} | {rule.applies_to.family}: {types} | "
                     f"{', '.join(rule.environments) or 'all'} | {rule.title} | {', '.join(frameworks)} |")
    lines += ["", f"{len(rules)} rules.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.is_file() or DOC.read_text() != text:
            print(f"{DOC} is out of date: run python scripts/gen_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
