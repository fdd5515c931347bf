"""Write fixtures/expected.json for every rule folder (or those named) from a real scan.

Usage: python scripts/update_rule_fixtures.py [FOLDER ...]
Review the diff before committing: expected.json is the rule's contract.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from rule_fixtures import dump, expected_path, observed, rule_folders  # noqa: E402


def main(argv: list[str]) -> int:
    folders = [Path(a).resolve() for a in argv] or rule_folders()
    for folder in folders:
        text = dump(observed(folder))
        target = expected_path(folder)
        old = target.read_text() if target.exists() else None
        if old != text:
            target.write_text(text)
            print(f"updated {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
