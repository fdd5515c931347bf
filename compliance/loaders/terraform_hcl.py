"""A directory of `.tf` files (a Terraform root module) -> Resources, via python-hcl2.

Each `resource` block becomes a Resource whose body has the plan's shape (see
terraform_plan), so one rule reads both: `values` holds what is statically known
(see _hcl_eval); anything else is absent from `values` and true in
`after_unknown`, and is never a violation.

Local module calls are followed: `module "net" { source = "../../modules/networking"
vpc_cidr = "10.0.0.0/16" }` loads that directory's resources as
`module.net.aws_vpc.this`, its variables bound from the call's statically known
arguments (else the variable's default, else unknown), each at its line in the
module's own `.tf` file and with the root's environment. Remote sources
(registry, git::, http, s3::, ...) are never fetched: each call is listed as
skipped, with its file and line. A module directory outside the scan root, a
call cycle or nesting deeper than MAX_DEPTH is skipped the same way.

Duplicates, decided: a directory scanned on its own is a root, whatever calls
it; its resources keep their own addresses (`aws_vpc.this`), variables unbound,
no environment from a caller. Resources reached through a call carry the
`module.x.` address and the calling root's environment, and a Source.document of
their own, so the same block instantiated by dev and production counts as two
deployed resources. A root directory holding a plan JSON (`terraform show -json`
output) is read from that plan instead, which has every value the `.tf` files
leave unknown and points its findings at the same `.tf` lines; the directory is
listed as skipped, naming the plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path as FsPath
from typing import Any

from .. import environment as env
from ..discover import Target
from ..model import InputIssue, Resource, Skipped, Source
from . import LoadContext, Loaded
from ._hcl_blocks import Node, parse_blocks, resource_blocks
from ._hcl_eval import HclModule, hcl_load, split_unknown, unquoted
from ._terraform_common import document_for, environment_of
from ._text import LoadError, decode, read_limited, read_text
from ._tf_index import index_dir, is_local_source, tf_files
from .terraform_plan import locator as _plan_locator
from .terraform_plan import scan_root_of

MAX_DEPTH = 16  # nested module calls followed; real configurations nest 2-5 deep
_CALL_META = {"source", "version", "count", "for_each", "providers", "depends_on"}
_PLAN_HEAD = re.compile(r'^\s*\{\s*"format_version"\s*:\s*"[^"]*"\s*,\s*"(terraform_version|planned_values)"')


def load(target: Target, context: LoadContext) -> Loaded:
    """Load every resource of the root module in the target directory and its local modules."""
    assert target.path is not None
    out = Loaded(locate=locator(target, context))
    plan = _plan_beside(target.path, context.max_file_size)
    if plan is not None:
        out.skipped.append(Skipped(target.display, f"Terraform root read from its plan JSON ({plan}), which has "
                                   "the values the .tf files leave unknown"))
        return out
    loader = _Loader(target, context, out)
    loader.load_module(target.path.resolve(), prefix="", parent=None, call_args={}, chain=())
    out.resources.sort(key=lambda r: (r.source.file, r.source.start_line, r.id))
    return out


def locator(target: Target, context: LoadContext):
    """locate(resource, path): the line of the attribute inside its resource block."""
    return _plan_locator(target, context)


def _plan_beside(directory: FsPath, max_bytes: int) -> str | None:
    """The name of a plan JSON in the directory whose root module is this directory's, if any.

    A plan is of this root when its configuration's root module declares one of the
    resources or module calls the `.tf` files declare (how the plan loader finds
    its root too); an unrelated plan next to the files leaves them to this loader.
    """
    try:
        names = sorted(p.name for p in directory.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    except OSError:
        return None
    index = None
    for name in names:
        try:
            with open(directory / name, "rb") as stream:
                head = stream.read(4096).decode("utf-8", "replace").lstrip("\ufeff")
                if not _PLAN_HEAD.match(head):
                    continue
                stream.seek(0)
                doc = json.loads(decode(read_limited(stream, max_bytes)))
        except (OSError, LoadError, ValueError, RecursionError):
            continue
        root = doc.get("configuration", {}).get("root_module") if isinstance(doc, dict) else None
        if not isinstance(root, dict):
            continue
        resources = {(r.get("type"), r.get("name")) for r in root.get("resources") or []
                     if isinstance(r, dict) and isinstance(r.get("type"), str) and isinstance(r.get("name"), str)}
        calls = set(root.get("module_calls") or {}) if isinstance(root.get("module_calls"), dict) else set()
        index = index or index_dir(directory)
        if resources & set(index.resources) or calls & set(index.modules):
            return name
    return None


class _Loader:
    """Loads one root and the local modules it calls, into one Loaded."""

    def __init__(self, target: Target, context: LoadContext, out: Loaded):
        self.target = target
        self.context = context
        self.out = out
        self.scan_root = scan_root_of(target)
        self.limit = (self.scan_root or target.path or FsPath(".")).resolve()
        self.environment = context.environment or env.from_path(target.display)
        # Resources reached through calls get a document number of this root (see the module doc).
        self.document = document_for(target.display)
        self._parsed: dict[FsPath, list[tuple[str, str, list[Node], dict]]] = {}

    def shown(self, path: FsPath) -> str:
        if self.scan_root is not None:
            try:
                return path.relative_to(self.scan_root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def _parse(self, directory: FsPath) -> list[tuple[str, str, list[Node], dict]]:
        # python-hcl2 takes ~10 ms per file: a module called by many blocks (or one with
        # for_each) is parsed once. Values are evaluated per instance, never cached.
        cached = self._parsed.get(directory)
        if cached is not None:
            return cached
        parsed = []
        for file in tf_files(directory):
            shown = self.shown(file)
            try:
                text = read_text(file, self.context.max_file_size)
                doc = hcl_load(text)
                try:
                    nodes = parse_blocks(text)
                except RecursionError:  # the block scanner recurses per nested block
                    raise LoadError("HCL nested too deeply for the parser (hundreds of levels); refused") from None
                parsed.append((shown, text, nodes, doc))
            except LoadError as exc:
                issue = InputIssue(shown, exc.message, exc.line)
                if issue not in self.out.issues:  # a module called twice is reported once
                    self.out.issues.append(issue)
        self._parsed[directory] = parsed
        return parsed

    def load_module(self, directory: FsPath, *, prefix: str, parent: HclModule | None, call_args: dict,
                    chain: tuple[FsPath, ...], regions: dict[str, str] | None = None) -> HclModule:
        parsed = self._parse(directory)
        module = HclModule([doc for _s, _t, _n, doc in parsed], prefix=prefix, parent=parent, call_args=call_args,
                           tfvars_dir=directory if parent is None else None, inherited_regions=regions,
                           max_bytes=self.context.max_file_size, out=self.out)
        for shown, _text, nodes, doc in parsed:
            calls = {b.labels[0]: b for b in nodes if b.is_block and b.name == "module" and b.labels}
            for entry in doc.get("module") or []:
                for name, spec in unquoted(entry).items():
                    self._call(module, directory, name, unquoted(spec), shown, calls.get(name), chain)
        for shown, _text, nodes, doc in parsed:
            blocks = resource_blocks(nodes)
            for entry in doc.get("resource") or []:
                for rtype, named in unquoted(entry).items():
                    for name, block in unquoted(named).items():
                        resource = self._resource(module, rtype, name, block, shown, blocks.get((rtype, name)))
                        if resource is not None:
                            self.out.resources.append(resource)
        return module

    def _call(self, module: HclModule, directory: FsPath, name: str, spec: dict, shown: str, node: Node | None,
              chain: tuple[FsPath, ...]) -> None:
        address = f"{module.prefix}.module.{name}" if module.prefix else f"module.{name}"
        line = node.line if node is not None else None
        source = module.value(spec.get("source"))
        module.children[name] = [None]  # until loaded: outputs of this call are unknown

        def skip(kind: str, detail: str = "") -> None:
            # "<kind>: <which call>": the summary groups skips by the text before the colon.
            which = f'module "{name}" ({address}) source "{source}"' if isinstance(source, str) else (
                f'module "{name}" ({address})')
            self.out.skipped.append(Skipped(shown, f"{kind}: {which}{detail}", line))

        if not isinstance(source, str):
            skip("module source not a literal string, not followed")
            return
        if not is_local_source(source):
            skip("remote module never downloaded, its resources not checked")
            return
        child_dir = (directory / source).resolve()
        if not child_dir.is_dir():
            skip("module source is not a directory")
            return
        try:
            child_dir.relative_to(self.limit)
        except ValueError:
            skip("module source outside the scanned directory, not read")
            return
        if child_dir == directory or child_dir in chain:
            skip("module call cycle, not followed", " calls a module already in this chain of calls")
            return
        if len(chain) >= MAX_DEPTH:
            skip(f"module calls nested deeper than {MAX_DEPTH}, not followed")
            return
        keys = _instance_keys(module, spec)
        if keys is None:
            self.out.warnings.append(f"{shown}:{line or 1}: module \"{name}\" ({address}): count or for_each is "
                                     "known only at apply time; its resources are loaded once, without an "
                                     "instance key")
            keys = [""]
        regions = _child_regions(module, spec)
        args = {k: v for k, v in spec.items() if k not in _CALL_META}
        module.children[name] = [
            self.load_module(child_dir, prefix=f"{address}{key}", parent=module, call_args=args,
                             chain=(*chain, directory), regions=regions)
            for key in keys]

    def _resource(self, module: HclModule, rtype: str, name: str, block: Any, shown: str,
                  node: Node | None) -> Resource | None:
        attrs = unquoted(block)
        count = module.value(attrs.get("count", 1))
        line, end = (node.line, node.end_line) if node is not None else (1, 1)
        if count == 0:
            return None
        values, unknown = split_unknown(module.body(attrs))
        provider = attrs.get("provider")
        provider_key = provider[2:-1] if isinstance(provider, str) and provider.startswith("${") else (
            rtype.split("_", 1)[0])
        address = f"{module.prefix}.{rtype}.{name}" if module.prefix else f"{rtype}.{name}"
        references, unresolved = module.references(attrs)
        body = {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_name": f"registry.terraform.io/hashicorp/{rtype.split('_', 1)[0]}",
            "values": values if isinstance(values, dict) else {},
            "after_unknown": unknown if isinstance(unknown, dict) else {},
            "references": references,
            "unresolved_references": unresolved,
            "actions": [],
            "configuration": self.target.display,
        }
        region = module.regions.get(provider_key)
        if region:
            body["region"] = region
        source = Source(shown, line, end, document=self.document if module.prefix else 0)
        return Resource(family="terraform", type=rtype, name=name, id=address, body=body, source=source,
                        address=address,
                        environment=self.context.environment or self.environment or environment_of(body["values"]))


def _instance_keys(module: HclModule, spec: dict) -> list[str] | None:
    """Instance keys of a module call: [""] for one instance, None when not known statically."""
    if "count" in spec:
        count = module.value(spec["count"])
        if isinstance(count, bool) or not isinstance(count, int):
            return None
        return [f"[{i}]" for i in range(max(count, 0))]
    if "for_each" in spec:
        each = module.value(spec["for_each"])
        if isinstance(each, dict):
            keys = list(each)
        elif isinstance(each, list) and all(isinstance(k, str) for k in each):
            keys = list(dict.fromkeys(each))
        else:
            return None
        return [f'["{k}"]' for k in sorted(keys)]
    return [""]


def _child_regions(module: HclModule, spec: dict) -> dict[str, str]:
    """The provider regions a called module sees: the caller's, remapped by `providers = {...}`."""
    regions = dict(module.regions)
    providers = unquoted(spec.get("providers"))
    for inner, outer in providers.items():
        outer_key = outer[2:-1] if isinstance(outer, str) and outer.startswith("${") else outer
        region = module.regions.get(str(outer_key))
        if region:
            regions[inner] = region
        else:
            regions.pop(inner, None)
    return regions


__all__ = ["MAX_DEPTH", "load", "locator"]
