"""Static values and references of one Terraform module instance read from `.tf` files.

What is known without running Terraform: literals, variables (bound by the
calling `module` block, else their defaults, else `.tfvars` in a root), locals
that resolve, string templates over those and `jsonencode` of a literal object.
Everything else (other resources' attributes, data sources, functions,
conditionals) is UNKNOWN, which rules never report as a violation.

References are followed the way Terraform evaluates them: a resource name is an
address in this module instance; `var.x` is the calling block's argument read in
the caller; `local.x` is the local's own expression; `module.c.out` is the
child's output expression read in the child. What cannot be followed (a remote
module's output, a local that does not exist) is unresolved, with the module
instance it stopped in, so rules treat such a link as unknown.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path as FsPath
from typing import Any

from ..model import InputIssue
from . import Loaded
from ._terraform_common import resource_ref
from ._text import LoadError, read_text

UNKNOWN = object()  # a value known only at apply time
META_ARGS = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}
_INTERP = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
# A resource name: its type has an underscore (aws_vpc); never the part after a dot
# (module.eks_cluster.vpc_id is a module output, not a resource "eks_cluster").
_REF = re.compile(r"(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[\w-]*\.[A-Za-z_][\w-]*)")
_VAR = re.compile(r"(?<![\w.-])var\.([A-Za-z_][\w-]*)")
_LOCAL = re.compile(r"(?<![\w.-])local\.([A-Za-z_][\w-]*)")
_EACH = re.compile(r"(?<![\w.-])each\.value\b")
_MODULE = re.compile(r"(?<![\w.-])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?")
_SIMPLE = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)$")
_JSONENCODE = re.compile(r"^jsonencode\((.*)\)$", re.S)
_MERGE = re.compile(r"^merge\((.*)\)$", re.S)
_MAX_FOLLOW = 10_000  # expressions visited per attribute: bounds hand-made cycles of locals


def hcl_load(text: str) -> dict:
    """Parse HCL text with python-hcl2.

    Raises:
        LoadError: the text is not valid HCL, or the installed `hcl2` is not python-hcl2 8.
    """
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


@functools.lru_cache(maxsize=4096)
def _parsed_expression(text: str) -> Any:
    """An expression's text parsed as HCL (UNKNOWN when it does not parse).

    Cached: every instance of a module evaluates the same `merge(...)` and
    `jsonencode(...)` texts, and python-hcl2 costs about a millisecond each.
    Callers only read the result.
    """
    try:
        return hcl_load(f"x = {text}\n").get("x")
    except LoadError:
        return UNKNOWN


def unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def unquoted(mapping: Any) -> dict:
    """A parsed block's entries with their keys unquoted and python-hcl2's metadata left out."""
    if not isinstance(mapping, dict):
        return {}
    # "__is_block__" (python-hcl2 8), "__start_line__"/"__end_line__" (bc-python-hcl2) are metadata.
    return {unquote(k): v for k, v in mapping.items() if not (k.startswith("__") and k.endswith("__"))}


class HclModule:
    """Variables, locals, outputs and provider regions of one module instance.

    Args:
        docs: the parsed `.tf` files of the module's directory.
        prefix: the instance's module address (`module.net`, "" for a root).
        parent: the calling module instance (None for a root).
        call_args: the calling block's arguments as parsed (raw expressions).
        tfvars_dir: a root's directory, whose terraform.tfvars and *.auto.tfvars are read.
        inherited_regions: provider regions passed down by the caller.
    """

    def __init__(self, docs: list[dict], *, prefix: str = "", parent: HclModule | None = None,
                 call_args: dict[str, Any] | None = None, tfvars_dir: FsPath | None = None,
                 inherited_regions: dict[str, str] | None = None, max_bytes: int = 32 * 1024 * 1024,
                 out: Loaded | None = None):
        self.prefix = prefix
        self.parent = parent
        self.call_args = call_args or {}
        self.children: dict[str, list[HclModule | None]] = {}  # None: a remote source, not read
        self.variables: dict[str, Any] = {}
        self.outputs_raw: dict[str, Any] = {}
        self._locals_raw: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        for doc in docs:
            for entry in doc.get("locals") or []:
                self._locals_raw.update(unquoted(entry))
            for entry in doc.get("output") or []:
                for name, spec in unquoted(entry).items():
                    self.outputs_raw[name] = unquoted(spec).get("value")
        for doc in docs:
            for entry in doc.get("variable") or []:
                for name, spec in unquoted(entry).items():
                    spec = unquoted(spec)
                    if parent is not None and name in self.call_args:
                        # Read in the caller, where the argument's names live.
                        self.variables[name] = parent.value(self.call_args[name])
                    else:
                        self.variables[name] = self.value(spec["default"]) if "default" in spec else UNKNOWN
        if tfvars_dir is not None and out is not None:
            self._tfvars(tfvars_dir, max_bytes, out)
        self.regions: dict[str, str] = dict(inherited_regions or {})
        for doc in docs:
            for entry in doc.get("provider") or []:
                for pname, spec in unquoted(entry).items():
                    spec = unquoted(spec)
                    key = pname if "alias" not in spec else f"{pname}.{self.value(spec['alias'])}"
                    region = self.value(spec.get("region", UNKNOWN))
                    if isinstance(region, str):
                        self.regions[key] = region

    def _tfvars(self, directory: FsPath, max_bytes: int, out: Loaded) -> None:
        # Terraform reads terraform.tfvars, then *.auto.tfvars in name order (roots only).
        names = ["terraform.tfvars", *sorted(p.name for p in directory.glob("*.auto.tfvars"))]
        for name in names:
            file = directory / name
            if not file.is_file():
                continue
            try:
                doc = hcl_load(read_text(file, max_bytes))
            except LoadError as exc:
                out.issues.append(InputIssue(file.as_posix(), exc.message, exc.line))
                continue
            for key, raw in unquoted(doc).items():
                self.variables[key] = self.value(raw)

    def _local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self._locals_raw or name in self._resolving:
            return UNKNOWN
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
            return self.variables.get(name, UNKNOWN) if kind == "var" else self._local(name)
        merged = _MERGE.match(expr)
        if merged:
            return self._merge(merged.group(1))
        encoded = _JSONENCODE.match(expr)
        if encoded:
            parsed = _parsed_expression(encoded.group(1))
            if parsed is UNKNOWN:
                return UNKNOWN
            inner = self.value(parsed)
            if has_unknown(inner):
                return UNKNOWN
            return json.dumps(inner, separators=(",", ":"))
        return UNKNOWN

    def _merge(self, arguments: str) -> Any:
        # merge(local.common_tags, { Name = "x" }), the usual way tags are written: a map
        # when every argument is a map (values inside may still be unknown).
        parts = _parsed_expression(f"[{arguments}]")
        if parts is UNKNOWN:
            return UNKNOWN
        out: dict[str, Any] = {}
        for part in parts if isinstance(parts, list) else []:
            value = self.value(part)
            if not isinstance(value, dict):
                return UNKNOWN
            out.update(value)
        return out if isinstance(parts, list) else UNKNOWN

    def value(self, raw: Any) -> Any:
        """The static value of an hcl2 value, UNKNOWN where it depends on apply-time data."""
        if isinstance(raw, str):
            if raw.startswith("${") and raw.endswith("}"):  # hcl2 spells an expression as ${...}
                return self._expression(raw[2:-1])
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                return self._template(raw[1:-1])
            return raw
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in unquoted(raw).items()}
        return raw

    def _template(self, body: str) -> Any:
        heredoc = re.match(r"^<<-?([A-Za-z_]\w*)\n(.*)\n[ \t]*\1$", body, re.S)
        if heredoc:
            body = heredoc.group(2) + "\n"
            if "${" in body or "%{" in body:
                return UNKNOWN
            return body
        if "%{" in body:
            return UNKNOWN
        pieces, last = [], 0
        for match in _INTERP.finditer(body):
            pieces.append(_unescape(body[last:match.start()]))
            value = self._expression(match.group(1))
            if value is UNKNOWN or isinstance(value, (dict, list)):
                return UNKNOWN
            pieces.append(str(value).lower() if isinstance(value, bool) else str(value))
            last = match.end()
        if "${" in body[last:]:
            return UNKNOWN
        pieces.append(_unescape(body[last:]))
        return "".join(pieces)

    def body(self, attrs: dict) -> dict:
        """A resource block's attributes as values; nested blocks become lists like the plan's."""
        out: dict[str, Any] = {}
        for key, raw in attrs.items():
            if key in META_ARGS:
                continue
            if key == "dynamic":
                for entry in raw if isinstance(raw, list) else [raw]:
                    for block_name in unquoted(entry):
                        out[block_name] = UNKNOWN  # generated from for_each: unknown statically
                continue
            if isinstance(raw, list) and raw and all(isinstance(b, dict) and b.get("__is_block__") for b in raw):
                out[key] = [self.body(unquoted(b)) for b in raw]
            else:
                out[key] = self.value(raw)
        return out

    def references(self, attrs: dict) -> tuple[dict[str, list[str]], dict[str, list[dict]]]:
        """Per attribute: resource addresses it refers to, and what could not be followed."""
        refs: dict[str, list[str]] = {}
        unresolved: dict[str, list[dict]] = {}
        for key, raw in attrs.items():
            if key in META_ARGS:
                continue
            found: set[str] = set()
            stuck: set[tuple[str, str]] = set()
            _follow(self, raw, found, stuck, set())
            if found:
                refs[key] = sorted(found)
            if stuck:
                unresolved[key] = [{"scope": s, "reference": r} for s, r in sorted(stuck)]
        return refs, unresolved


def _expressions(raw: Any) -> list[str]:
    """The expression texts inside a parsed value: `${...}` and string interpolations."""
    if isinstance(raw, str):
        return [raw] if raw.startswith("${") else [m.group(1) for m in _INTERP.finditer(raw)]
    if isinstance(raw, list):
        return [e for item in raw for e in _expressions(item)]
    if isinstance(raw, dict):
        return [e for item in raw.values() for e in _expressions(item)]
    return []


def _follow(module: HclModule, raw: Any, found: set[str], stuck: set[tuple[str, str]], seen: set) -> None:
    for text in _expressions(raw):
        key = (id(module), text)
        if key in seen or len(seen) > _MAX_FOLLOW:
            continue
        seen.add(key)
        for candidate in _REF.findall(text):
            ref = resource_ref(candidate)
            if ref:
                found.add(f"{module.prefix}.{ref}" if module.prefix else ref)
        for name in _VAR.findall(text):
            # A root variable is a value given at plan time; an unset argument is its default.
            if module.parent is not None and name in module.call_args:
                _follow(module.parent, module.call_args[name], found, stuck, seen)
        for name in _LOCAL.findall(text):
            if name in module._locals_raw:
                _follow(module, module._locals_raw[name], found, stuck, seen)
            else:
                stuck.add((module.prefix, f"local.{name}"))
        if _EACH.search(text):  # for_each = { a = aws_vpc.a.id }: which resource is unknown
            stuck.add((module.prefix, "each.value"))
        for name, output in _MODULE.findall(text):
            instances = module.children.get(name)
            child_prefix = f"{module.prefix}.module.{name}" if module.prefix else f"module.{name}"
            if not output:
                continue  # the whole module object: its outputs are named elsewhere or unused
            if not instances or any(c is None for c in instances):
                stuck.add((child_prefix, f"output.{output}"))
                continue
            for child in instances:
                assert child is not None
                if output in child.outputs_raw:
                    _follow(child, child.outputs_raw[output], found, stuck, seen)
                else:
                    stuck.add((child.prefix, f"output.{output}"))


def _unescape(text: str) -> str:
    return re.sub(r'\\(["\\nrt])', lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), text)


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def split_unknown(value: Any) -> tuple[Any, Any]:
    """(known values, after_unknown tree) in the plan's shapes; unknown leaves are dropped."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known, unknown = {}, {}
        for key, item in value.items():
            k, u = split_unknown(item)
            if u is True:
                unknown[key] = True
                continue
            known[key] = k
            if u:
                unknown[key] = u
        return known, unknown
    if isinstance(value, list):
        parts = [split_unknown(v) for v in value]
        unknown_list = [u if u else False for _, u in parts]
        return [k for k, _ in parts], (unknown_list if any(unknown_list) else None)
    return value, None
