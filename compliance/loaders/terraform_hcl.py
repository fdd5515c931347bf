"""A directory of `.tf` files (one Terraform module) -> Resources, via python-hcl2.

Each `resource` block becomes a Resource whose body has the plan's shape (see
terraform_plan), so one rule reads both: `values` holds what is statically known
(literals, variables' defaults and `.tfvars` values, locals that resolve, string
templates over those, `jsonencode` of a literal object); anything else (other
resources' attributes, data sources, functions, conditionals, dynamic blocks) is
absent from `values` and true in `after_unknown`, and is never a violation.
Addresses are the module's own (`aws_s3_bucket.logs`): a directory is loaded on
its own, with its variables' defaults, whether or not another module calls it.
"""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Any

from .. import environment as env
from ..discover import Target
from ..model import InputIssue, Resource, Source
from . import LoadContext, Loaded
from ._hcl_blocks import parse_blocks, resource_blocks
from ._terraform_common import environment_of, resource_ref
from ._text import LoadError, read_text
from ._tf_index import tf_files
from .terraform_plan import locator as _plan_locator
from .terraform_plan import scan_root_of

_UNKNOWN = object()  # a value known only at apply time
_META_ARGS = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}
_INTERP = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_REF = re.compile(r"\b((?:data\.)?[a-z][a-z0-9]*_[\w-]*\.[A-Za-z_][\w-]*)")
_SIMPLE = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)$")
_JSONENCODE = re.compile(r"^jsonencode\((.*)\)$", re.S)


def load(target: Target, context: LoadContext) -> Loaded:
    """Load every resource of the `.tf` files in the target directory."""
    assert target.path is not None
    out = Loaded(locate=locator(target, context))
    scan_root = scan_root_of(target)
    parsed: list[tuple[FsPath, str, str, dict]] = []
    for file in tf_files(target.path):
        shown = _display(file, scan_root)
        try:
            text = read_text(file, context.max_file_size)
            parsed.append((file, shown, text, _hcl_load(text)))
        except LoadError as exc:
            out.issues.append(InputIssue(shown, exc.message, exc.line))
    module = _Module(parsed, target.path, context.max_file_size, out)
    path_env = context.environment or env.from_path(target.display)
    for _file, shown, text, doc in parsed:
        blocks = resource_blocks(parse_blocks(text))
        for entry in doc.get("resource") or []:
            for rtype, named in _unquoted(entry).items():
                for name, block in _unquoted(named).items():
                    resource = module.resource(rtype, name, block, shown, blocks.get((rtype, name)), path_env,
                                               context.environment)
                    if resource is not None:
                        out.resources.append(resource)
    out.resources.sort(key=lambda r: (r.source.file, r.source.start_line))
    return out


def locator(target: Target, context: LoadContext):
    """locate(resource, path): the line of the attribute inside its resource block."""
    return _plan_locator(target, context)


def _hcl_load(text: str) -> dict:
    import hcl2

    try:
        options = hcl2.SerializationOptions(with_comments=False)  # comments are not values
    except AttributeError:
        # bc-python-hcl2 (pulled in by checkov) installs a module of the same name with an
        # older, incompatible API; reading .tf with it would give wrong values.
        raise LoadError("cannot read .tf files: the installed `hcl2` module is not python-hcl2 8 "
                        "(bc-python-hcl2, installed by checkov, replaces it); run "
                        "pip install --force-reinstall 'python-hcl2>=8,<9'") from None
    try:
        return hcl2.loads(text, serialization_options=options)
    except Exception as exc:  # lark raises many types; all carry line/column when known
        # Deep nesting exhausts the recursive parser; lark may wrap that in a VisitError.
        if isinstance(exc, RecursionError) or isinstance(getattr(exc, "orig_exc", None), RecursionError):
            raise LoadError("HCL nested too deeply for the parser (hundreds of levels); refused") from None
        line = getattr(exc, "line", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LoadError(f"invalid HCL: {first}", line if isinstance(line, int) and line > 0 else None) from None


def _display(path: FsPath, scan_root: FsPath | None) -> str:
    if scan_root is not None:
        try:
            return path.relative_to(scan_root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _unquoted(mapping: Any) -> dict:
    if not isinstance(mapping, dict):
        return {}
    # "__is_block__" (python-hcl2 8), "__start_line__"/"__end_line__" (bc-python-hcl2) are metadata.
    return {_unquote(k): v for k, v in mapping.items() if not (k.startswith("__") and k.endswith("__"))}


class _Module:
    """Variables, locals and provider regions of one directory, and value resolution."""

    def __init__(self, parsed: list[tuple[FsPath, str, str, dict]], directory: FsPath, max_bytes: int, out: Loaded):
        self.variables: dict[str, Any] = {}
        self._locals_raw: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        for _file, _shown, _text, doc in parsed:
            for entry in doc.get("variable") or []:
                for name, spec in _unquoted(entry).items():
                    spec = _unquoted(spec)
                    self.variables[name] = self.value(spec["default"]) if "default" in spec else _UNKNOWN
            for entry in doc.get("locals") or []:
                self._locals_raw.update(_unquoted(entry))
        self._tfvars(directory, max_bytes, out)
        self.regions: dict[str, str] = {}
        for _file, _shown, _text, doc in parsed:
            for entry in doc.get("provider") or []:
                for pname, spec in _unquoted(entry).items():
                    spec = _unquoted(spec)
                    key = pname if "alias" not in spec else f"{pname}.{self.value(spec['alias'])}"
                    region = self.value(spec.get("region", _UNKNOWN))
                    if isinstance(region, str):
                        self.regions[key] = region

    def _tfvars(self, directory: FsPath, max_bytes: int, out: Loaded) -> None:
        # Terraform reads terraform.tfvars, then *.auto.tfvars in name order.
        names = ["terraform.tfvars", *sorted(p.name for p in directory.glob("*.auto.tfvars"))]
        for name in names:
            file = directory / name
            if not file.is_file():
                continue
            try:
                doc = _hcl_load(read_text(file, max_bytes))
            except LoadError as exc:
                out.issues.append(InputIssue(file.as_posix(), exc.message, exc.line))
                continue
            for key, raw in _unquoted(doc).items():
                self.variables[key] = self.value(raw)

    def _local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self._locals_raw or name in self._resolving:
            return _UNKNOWN
        self._resolving.add(name)
        value = self.value(self._locals_raw[name])
        self._resolving.discard(name)
        self._locals[name] = value
        return value

    def _expression(self, expr: str) -> Any:
        expr = expr.strip()
        if expr in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[expr]
        simple = _SIMPLE.match(expr)
        if simple:
            kind, name = simple.groups()
            return self.variables.get(name, _UNKNOWN) if kind == "var" else self._local(name)
        encoded = _JSONENCODE.match(expr)
        if encoded:
            import json

            try:
                inner = self.value(_hcl_load(f"x = {encoded.group(1)}\n").get("x"))
            except LoadError:
                return _UNKNOWN
            if _has_unknown(inner):
                return _UNKNOWN
            return json.dumps(inner, separators=(",", ":"))
        return _UNKNOWN

    def value(self, raw: Any) -> Any:
        """The static value of an hcl2 value, _UNKNOWN where it depends on apply-time data."""
        if isinstance(raw, str):
            if raw.startswith("${") and raw.endswith("}"):  # hcl2 spells an expression as ${...}
                return self._expression(raw[2:-1])
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                return self._template(raw[1:-1])
            return raw
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in _unquoted(raw).items()}
        return raw

    def _template(self, body: str) -> Any:
        heredoc = re.match(r"^<<-?([A-Za-z_]\w*)\n(.*)\n[ \t]*\1$", body, re.S)
        if heredoc:
            body = heredoc.group(2) + "\n"
            if "${" in body or "%{" in body:
                return _UNKNOWN
            return body
        if "%{" in body:
            return _UNKNOWN
        pieces, last = [], 0
        for match in _INTERP.finditer(body):
            pieces.append(_unescape(body[last:match.start()]))
            value = self._expression(match.group(1))
            if value is _UNKNOWN or isinstance(value, (dict, list)):
                return _UNKNOWN
            pieces.append(str(value).lower() if isinstance(value, bool) else str(value))
            last = match.end()
        if "${" in body[last:]:
            return _UNKNOWN
        pieces.append(_unescape(body[last:]))
        return "".join(pieces)

    def resource(self, rtype: str, name: str, block: Any, shown: str, node, path_env: str | None,
                 forced: str | None) -> Resource | None:
        attrs = _unquoted(block)
        count = self.value(attrs.get("count", 1))
        line, end = (node.line, node.end_line) if node is not None else (1, 1)
        if count == 0:
            return None
        values, unknown = _split(self._body(attrs))
        provider = attrs.get("provider")
        provider_key = provider[2:-1] if isinstance(provider, str) and provider.startswith("${") else (
            rtype.split("_", 1)[0])
        body = {
            "address": f"{rtype}.{name}",
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_name": f"registry.terraform.io/hashicorp/{rtype.split('_', 1)[0]}",
            "values": values if isinstance(values, dict) else {},
            "after_unknown": unknown if isinstance(unknown, dict) else {},
            "references": _references(attrs),
            "actions": [],
        }
        region = self.regions.get(provider_key)
        if region:
            body["region"] = region
        return Resource(family="terraform", type=rtype, name=name, id=body["address"], body=body,
                        source=Source(shown, line, end), address=body["address"],
                        environment=forced or path_env or environment_of(body["values"]))

    def _body(self, attrs: dict) -> dict:
        out: dict[str, Any] = {}
        for key, raw in attrs.items():
            if key in _META_ARGS:
                continue
            if key == "dynamic":
                for entry in raw if isinstance(raw, list) else [raw]:
                    for block_name in _unquoted(entry):
                        out[block_name] = _UNKNOWN  # generated from for_each: unknown statically
                continue
            if isinstance(raw, list) and raw and all(isinstance(b, dict) and b.get("__is_block__") for b in raw):
                out[key] = [self._body(_unquoted(b)) for b in raw]
            else:
                out[key] = self.value(raw)
        return out


def _unescape(text: str) -> str:
    return re.sub(r'\\(["\\nrt])', lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _has_unknown(value: Any) -> bool:
    if value is _UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _split(value: Any) -> tuple[Any, Any]:
    """(known values, after_unknown tree) in the plan's shapes; unknown leaves are dropped."""
    if value is _UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known, unknown = {}, {}
        for key, item in value.items():
            k, u = _split(item)
            if u is True:
                unknown[key] = True
                continue
            known[key] = k
            if u:
                unknown[key] = u
        return known, unknown
    if isinstance(value, list):
        parts = [_split(v) for v in value]
        unknown_list = [u if u else False for _, u in parts]
        return [k for k, _ in parts], (unknown_list if any(unknown_list) else None)
    return value, None


def _references(attrs: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, raw in attrs.items():
        if key in _META_ARGS:
            continue
        found: set[str] = set()
        _collect_refs(raw, found)
        if found:
            out[key] = sorted(found)
    return out


def _collect_refs(raw: Any, found: set[str]) -> None:
    if isinstance(raw, str):
        parts = [raw] if raw.startswith("${") else [m.group(1) for m in _INTERP.finditer(raw)]
        for part in parts:
            for candidate in _REF.findall(part):
                ref = resource_ref(candidate)
                if ref:
                    found.add(ref)
    elif isinstance(raw, list):
        for item in raw:
            _collect_refs(item, found)
    elif isinstance(raw, dict):
        for item in raw.values():
            _collect_refs(item, found)
