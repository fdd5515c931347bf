"""The JSON report: every result, passes included, in a stable order.

Same inputs give byte-identical output: keys are sorted, lists are ordered by
file, line, rule and resource, and no timestamp is written. The bytes are those of
json.dump(indent=2, sort_keys=True, ensure_ascii=False) on the dicts below; results and
resources are formatted directly (Python's indenting encoder is pure Python and was most
of the time of a 25,000-result report), the parts they repeat encoded once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from .. import __version__
from ..model import Resource, Result, Rule, format_path
from ..scan import ScanReport
from ..summary import summarize

SCHEMA = "compliance/scan-report/v1"


def rule_dict(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "description": rule.description,
        "severity": rule.severity.value,
        "remediation": rule.remediation,
        "engine": rule.engine,
        "applies_to": {"family": rule.applies_to.family, "types": list(rule.applies_to.types)},
        "environments": list(rule.environments),
        "params": rule.params,
        "references": list(rule.references),
        "source": rule.source,
    }


def resource_dict(resource: Resource) -> dict:
    src = resource.source
    out = {
        "id": resource.id,
        "family": resource.family,
        "type": resource.type,
        "name": resource.name,
        "namespace": resource.namespace,
        "environment": resource.environment,
        "file": src.file,
        "start_line": src.start_line,
        "end_line": src.end_line,
    }
    if resource.api_version:
        out["api_version"] = resource.api_version
    if resource.address:
        out["address"] = resource.address
    if src.origin:
        out["origin"] = {k: getattr(src.origin, k) for k in ("kind", "file", "line", "detail")}
    return out


def result_dict(result: Result, controls: dict[str, list[str]] | None = None) -> dict:
    res = result.resource
    out = {
        "rule_id": result.rule.id,
        "rule": result.rule.name,
        "severity": result.rule.severity.value,
        "status": result.status.value,
        "resource": {"id": res.id, "type": res.type, "name": res.name, "namespace": res.namespace,
                     "environment": res.environment},
        "file": res.source.file,
        "line": result.line,
        "end_line": result.end_line,
        "path": format_path(result.path),
        "message": result.message,
        "controls": (controls or {}).get(result.rule.id, []),
    }
    if result.details:
        out["details"] = result.details
    if result.waiver:
        out["waiver"] = result.waiver
    if result.in_baseline:
        out["in_baseline"] = True
    return out


def render(report: ScanReport, stream: IO[str]) -> None:
    """Write the report as indented JSON with sorted keys.

    Streamed: the resources and results are serialized one at a time and written
    in batches, never held as one big document; the bytes are those that
    json.dump(document, indent=2, sort_keys=True, ensure_ascii=False) gives.
    """
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    lists: dict[str, Callable[[], Iterator[str]]] = {
        "resources": lambda: _resource_texts(report.resources, encoder),
        "results": lambda: _result_texts(report.results, report.controls, encoder),
    }
    document = {
        "schema": SCHEMA,
        "tool": {"name": "compliance", "version": __version__},
        "summary": summarize(report).as_dict(),
        "rules": [{**rule_dict(r), "controls": report.controls.get(r.id, [])} for r in report.rules],
        **{key: _marker(key) for key in lists},
        "frameworks": report.frameworks,
        "skipped": [{"path": s.path, "reason": s.reason, "line": s.line} for s in report.skipped],
        "errors": [{"path": i.path, "line": i.line, "message": i.message} for i in report.issues],
        "warnings": list(report.warnings),
        "waivers": report.waiver_register,
        "disabled_rules": report.disabled_rules,
    }
    if report.baseline_fixed is not None:
        document["baseline"] = {"fixed": report.baseline_fixed}
    text = encoder.encode(document)
    # The skeleton holds one marker string per streamed list, at depth 1 ("  " indent).
    for key, texts in sorted(lists.items(), key=lambda kv: text.index(encoder.encode(_marker(kv[0])))):
        head, _, text = text.partition(encoder.encode(_marker(key)))
        stream.write(head)
        _write_list(stream, texts())
    stream.write(text)
    stream.write("\n")


def _marker(key: str) -> str:
    # A control character is always escaped by the encoder, so no real value can look like this.
    return f"\x00compliance:{key}\x00"


def _write_list(stream: IO[str], texts: Iterable[str], *, batch: int = 1024) -> None:
    """A list value at depth 1 whose items come formatted at depth 2; written in big chunks."""
    chunk: list[str] = []
    separator = "[\n    "
    for text in texts:
        chunk.append(separator)
        chunk.append(text)
        separator = ",\n    "
        if len(chunk) >= batch:
            stream.write("".join(chunk))
            chunk.clear()
    chunk.append("[]" if separator == "[\n    " else "\n  ]")
    stream.write("".join(chunk))


# What the indenting encoder uses for a str with ensure_ascii=False (the C function when built).
_quote = json.encoder.encode_basestring
_KEY = ",\n      "  # between two keys of an item of a top-level list (depth 3)
_INNER = "\n        "  # before a key of a dict inside such an item (depth 4)
_SCALARS = {None: "null", True: "true", False: "false"}


def _dict_text(item: dict, encoder: json.JSONEncoder, indent: str) -> str:
    """A dict of mostly strings and numbers whose keys sit at `indent`, as the indenting encoder writes it.

    Strings, ints, booleans, None and dicts of them (an origin) are written directly; anything else
    (a float, a list) by the encoder, re-indented. Keys are plain identifiers (resource_dict's),
    written as they are.
    """
    parts = []
    for key in sorted(item):
        value = item[key]
        kind = type(value)
        if kind is str:
            text = _quote(value)
        elif kind is int:
            text = int.__repr__(value)
        elif value is None or kind is bool:
            text = _SCALARS[value]
        elif kind is dict and all(type(k) is str and k.isidentifier() for k in value):
            text = _dict_text(value, encoder, indent + "  ")  # an origin: one level deeper, same rules
        else:
            text = encoder.encode(value).replace("\n", indent)
        parts.append(f'"{key}": {text}')
    return "{" + indent + ("," + indent).join(parts) + indent[:-2] + "}" if parts else "{}"


def _resource_texts(resources: Iterable[Resource], encoder: json.JSONEncoder) -> Iterator[str]:
    """Each resource_dict at depth 2."""
    for resource in resources:
        yield _dict_text(resource_dict(resource), encoder, "\n      ")


def _result_texts(results: Iterable[Result], controls: dict[str, list[str]] | None,
                  encoder: json.JSONEncoder) -> Iterator[str]:
    """Each result_dict at depth 2, byte for byte as the indenting encoder writes it.

    Results repeat a few rules, resources, messages and paths: the text of each of those
    parts is made once (by the encoder itself, re-indented) and reused, so a result costs a
    few lookups and one f-string. tests/test_json_writer_speed_paths.py compares this with
    json.dumps of result_dict on unusual values too (details, waivers, non-str messages).
    """
    controls = controls or {}

    def nested(value: object) -> str:  # any value at depth 3, exactly as the encoder nests it
        return encoder.encode(value).replace("\n", "\n      ")

    # Rules, resources and paths by object: results hold them, so their ids stay unique meanwhile.
    rules: dict[int, tuple[str, str]] = {}
    resources: dict[int, tuple[str, str]] = {}
    statuses: dict[object, str] = {}
    messages: dict[str, str] = {}
    paths: dict[int, str] = {}
    number = int.__repr__
    current_file = None
    for result in results:
        rule, resource = result.rule, result.resource
        if resource.source.file != current_file:
            # Results come file by file: the resources of earlier files are done with, so memory stays flat.
            current_file = resource.source.file
            resources.clear()
        rule_text = rules.get(id(rule))
        if rule_text is None:
            rule_text = rules[id(rule)] = (
                '{\n      "controls": ' + nested(controls.get(rule.id, [])),
                f'{_KEY}"rule": {nested(rule.name)}{_KEY}"rule_id": {nested(rule.id)}'
                f'{_KEY}"severity": {nested(rule.severity.value)}{_KEY}"status": ')
        resource_text = resources.get(id(resource))
        if resource_text is None:
            item = result_dict(result)["resource"]  # the same fields result_dict writes
            resource_text = resources[id(resource)] = (
                f'{_KEY}"file": {nested(resource.source.file)}',
                f'{_KEY}"resource": {_dict_text(item, encoder, _INNER)}')
        status = statuses.get(result.status)
        if status is None:
            status = statuses[result.status] = nested(result.status.value)
        message = result.message
        if type(message) is str:
            text = messages.get(message)
            if text is None:
                text = messages[message] = _quote(message)
            message = text
        else:
            message = nested(message)
        path = paths.get(id(result.path))
        if path is None:  # the scan and the cache share one object per distinct path
            path = paths[id(result.path)] = _quote(format_path(result.path))
        line, end = result.line, result.end_line
        line = number(line) if type(line) is int else nested(line)
        end = number(end) if type(end) is int else nested(end)
        if result.details or result.waiver or result.in_baseline:
            yield "".join((
                rule_text[0],
                f'{_KEY}"details": {nested(result.details)}' if result.details else "",
                f'{_KEY}"end_line": {end}', resource_text[0],
                f'{_KEY}"in_baseline": true' if result.in_baseline else "",
                f'{_KEY}"line": {line}{_KEY}"message": {message}{_KEY}"path": {path}',
                resource_text[1], rule_text[1], status,
                f'{_KEY}"waiver": {nested(result.waiver)}' if result.waiver else "",
                "\n    }"))
        else:
            yield (f'{rule_text[0]}{_KEY}"end_line": {end}{resource_text[0]}{_KEY}"line": {line}'
                   f'{_KEY}"message": {message}{_KEY}"path": {path}{resource_text[1]}{rule_text[1]}{status}\n    }}')
