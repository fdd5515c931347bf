"""JUnit XML, as GitLab, Jenkins and most CI systems read it.

One testsuite per rule, one testcase per rule x resource: a resource that passes
is a passing testcase, one that fails carries a `<failure>` listing every
violation with file:line, a rule error is an `<error>`, and a fully waived one is
`<skipped>` with the waiver's reason. Input files that could not be read form a
last suite of errors so CI shows them. No timestamps or durations: same scan,
same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import IO

from ..model import Result, Rule, Status, format_path
from ..scan import ScanReport

# XML 1.0 cannot carry most control characters; a hostile manifest must not break the report.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(report: ScanReport, stream: IO[str]) -> None:
    """Write the scan as a JUnit XML document.

    Args:
        report: the scan to write.
        stream: where the XML goes.
    """
    cases: dict[tuple, list[Result]] = {}
    for result in report.results:
        res = result.resource
        cases.setdefault((result.rule.id, res.source.file, res.source.document, res.id), []).append(result)

    root = ET.Element("testsuites", name="compliance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    rules = {rule.id: rule for rule in report.rules}
    for rule_id in sorted({key[0] for key in cases}):
        rule = rules.get(rule_id) or cases[next(k for k in cases if k[0] == rule_id)][0].rule
        keys = sorted(k for k in cases if k[0] == rule_id)
        suite = _suite(root, f"{rule.id} {rule.name}", (cases[k] for k in keys), rule)
        for name in totals:
            totals[name] += int(suite.get(name, "0"))
    if report.issues:
        suite = ET.SubElement(root, "testsuite", name="input files", tests=str(len(report.issues)),
                              failures="0", errors=str(len(report.issues)), skipped="0")
        for issue in report.issues:
            where = f"{issue.path}:{issue.line}" if issue.line else issue.path
            case = ET.SubElement(suite, "testcase", name=_clean(issue.path), classname="input", file=_clean(issue.path))
            error = ET.SubElement(case, "error", message=_clean(f"{where}: {issue.message}"), type="InputError")
            error.text = _clean(f"{where}: {issue.message}")
        totals["tests"] += len(report.issues)
        totals["errors"] += len(report.issues)
    for name, value in totals.items():
        root.set(name, str(value))

    ET.indent(root, space="  ")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def _suite(parent: ET.Element, name: str, groups: Iterable[list[Result]], rule: Rule) -> ET.Element:
    suite = ET.SubElement(parent, "testsuite", name=_clean(name))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="severity", value=rule.severity.value)
    ET.SubElement(props, "property", name="title", value=_clean(rule.title))
    for results in groups:
        counts["tests"] += 1
        first = results[0]
        res = first.resource
        case = ET.SubElement(suite, "testcase", name=_clean(f"{res.id} ({res.source.file})"), classname=rule.id,
                             file=_clean(res.source.file), line=str(first.line or res.source.start_line))
        errors = [r for r in results if r.status is Status.error]
        failed = [r for r in results if r.status is Status.failed]
        waived = [r for r in results if r.status is Status.waived]
        if errors:
            counts["errors"] += 1
            element = ET.SubElement(case, "error", message=_clean(errors[0].message), type="RuleError")
            element.text = _details(errors)
        elif failed:
            counts["failures"] += 1
            message = failed[0].message if len(failed) == 1 else f"{len(failed)} violations: {failed[0].message}; ..."
            element = ET.SubElement(case, "failure", message=_clean(message), type=rule.severity.value)
            element.text = _details(failed)
        elif waived:
            counts["skipped"] += 1
            reason = (waived[0].waiver or {}).get("reason") or "waived"
            ET.SubElement(case, "skipped", message=_clean(f"waived: {reason}"))
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _details(results: list[Result]) -> str:
    lines = []
    for result in results:
        path = format_path(result.path)
        where = f"{result.resource.source.file}:{result.line}"
        lines.append(f"{where} {path}: {result.message}" if path else f"{where}: {result.message}")
    return _clean("\n".join(lines))
