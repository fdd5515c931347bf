"""Terraform plan JSON (`terraform show -json plan.out`, format 0.1 to 1.x) -> Resources.

Each managed resource of `planned_values` (root module and nested child modules)
becomes one Resource whose body, the Rego `input`, is

    {"address", "mode", "type", "name", "provider_name", "values",   # as in the plan
     "after_unknown",  # the change's after_unknown: true where a value is known only after apply
     "references",     # attribute -> addresses of the resources its expression refers to,
                       # followed through module variables and outputs (_plan_refs)
     "unresolved_references",  # attribute -> [{"scope", "reference"}] it could not follow
                       # (locals: the plan has none); rules treat such a link as unknown
     "region",         # the provider's region when the configuration states it
     "actions",        # the change's actions, e.g. ["create"]
     "configuration"}  # the plan file (scan-relative): resources of other plans never refer to these

Unknown values are absent from `values`, and rules treat them as unknown, never
as a violation. Resources the plan deletes are not checked.

Location: the plan JSON names no `.tf` files, so the loader looks for the
`resource "TYPE" "NAME"` block in the plan's directory and its parents up to the
scan root (or in the `tf_root` loader option, `--tf-root`), following local
module sources. When found, Source.file and the lines are the `.tf` block's, so
code scanning annotates the line a developer edits, and Source.origin is
Origin("terraform-plan", file=<the .tf file>, line=<its line>, detail="<plan file>:<line>").
Otherwise Source.file is the plan JSON and the line that of the resource in it.

A plan piped on standard input (`terraform show -json plan.out | compliance scan -`)
is told from Kubernetes JSON by its keys (load_stdin); its `.tf` files are searched
from the scan root, normally the root module's directory where the pipe runs.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path as FsPath

from .. import environment as env
from ..discover import Target
from ..locate import Locator
from ..model import InputIssue, Origin, Path, Resource, Skipped, Source
from . import LoadContext, Loaded, Span
from . import kubernetes as k8s_loader
from ._hcl_blocks import span_of
from ._plan_lines import plan_lines
from ._plan_refs import ModuleTree, follow_all
from ._terraform_common import document_for, environment_of, module_names
from ._text import LoadError, decode, read_limited
from ._tf_index import Finder, find_root_dir, parsed_file

ZIP_MAGIC = b"PK\x03\x04"
BINARY_PLAN = ("binary Terraform plan file, not JSON: run `terraform show -json {name} > {name}.json` "
               "and scan the JSON")
_SUPPORTED_FORMAT = re.compile(r"^[01]\.\d+$")
_PLAN_HINT = re.compile(r'"(format_version|terraform_version)"\s*:')


def is_terraform_plan(doc: object) -> bool:
    """A `terraform show -json` document: format_version plus planned values or changes."""
    return isinstance(doc, dict) and "format_version" in doc and (
        "terraform_version" in doc or "planned_values" in doc or "resource_changes" in doc)


def read_plan_text(path: FsPath, display: str, max_bytes: int, *, expect_plan: bool = True) -> str:
    """A plan file's text; a binary plan gets an error naming the command that converts it.

    Binary plans are zip archives; with expect_plan any other binary file gets the same hint.
    """
    try:
        with open(path, "rb") as stream:
            data = read_limited(stream, max_bytes)
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    if data.startswith(ZIP_MAGIC):
        raise LoadError(BINARY_PLAN.format(name=FsPath(display).name))
    try:
        return decode(data)
    except LoadError as exc:
        if expect_plan and exc.message.startswith("binary file"):
            raise LoadError(BINARY_PLAN.format(name=FsPath(display).name)) from None
        raise


def load_json(target: Target, context: LoadContext) -> Loaded:
    """A `.json` file: a Terraform plan when its content is one, else Kubernetes JSON."""
    assert target.path is not None
    try:
        text = read_plan_text(target.path, target.display, context.max_file_size, expect_plan=False)
    except LoadError as exc:
        return Loaded(issues=[InputIssue(target.display, exc.message, exc.line)])
    doc = _plan_doc(text)
    if doc is None:
        return k8s_loader.load_text(text, target.display, environment=context.environment, is_json=True)
    return load_plan(doc, text, target, context)


def load(target: Target, context: LoadContext) -> Loaded:
    """A file known to be a plan (binary `.tfplan`, or named explicitly)."""
    assert target.path is not None
    try:
        text = read_plan_text(target.path, target.display, context.max_file_size)
        doc = json.loads(text)
    except LoadError as exc:
        return Loaded(issues=[InputIssue(target.display, exc.message, exc.line)])
    except json.JSONDecodeError as exc:
        return Loaded(issues=[InputIssue(target.display, f"invalid JSON: {exc.msg}", exc.lineno)])
    if not is_terraform_plan(doc):
        return Loaded(issues=[InputIssue(target.display, "not a Terraform plan (no format_version and "
                                         "planned_values): run `terraform show -json` on the plan file")])
    return load_plan(doc, text, target, context)


def _plan_doc(text: str) -> dict | None:
    # Only documents that mention the plan keys are parsed here; Kubernetes JSON goes
    # straight to its loader, which reports its own JSON errors.
    if not _PLAN_HINT.search(text):
        return None
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return doc if is_terraform_plan(doc) else None


def load_stdin(text: str, target: Target, context: LoadContext, *, root: FsPath) -> Loaded | None:
    """A plan read from standard input (`terraform show -json plan.out | compliance scan -`).

    Returns None when the text is not plan JSON (it is then read as Kubernetes). The
    `.tf` declarations are searched from `root` (the scan root, normally the root
    module's directory where the pipe runs), or `--tf-root`.
    """
    doc = _plan_doc(text)
    if doc is None:
        return None
    return load_plan(doc, text, target, context, root=root)


def load_plan(doc: dict, text: str, target: Target, context: LoadContext, *,
              root: FsPath | None = None) -> Loaded:
    """Resources of one parsed plan document (`root`: the scan root when the target has no path)."""
    display = target.display
    out = Loaded()
    version = doc.get("format_version")
    if not (isinstance(version, str) and _SUPPORTED_FORMAT.match(version)):
        # A later major format may move or rename what rules read; misreading it would
        # pass resources unchecked, so the file is refused with the reason.
        line = (Locator(text).span(0, ("format_version",)) or (None,))[0]
        out.issues.append(InputIssue(display, f"Terraform plan format_version {json.dumps(version)} is not "
                                     "supported (plan JSON formats 0.x and 1.x are read); refused", line))
        return out
    # Every section is checked for its JSON type before use: a hand-edited or corrupt
    # plan must give an issue or an empty result, never a TypeError out of the loader.
    changes = {c["address"]: c for c in _arr(doc.get("resource_changes"))
               if isinstance(c, dict) and isinstance(c.get("address"), str)}
    tree = ModuleTree(_obj(doc.get("configuration")))
    configs = tree.resource_configs()
    regions = _provider_regions(doc)
    planned = list(_planned(_obj(doc.get("planned_values"))))
    scan_root = scan_root_of(target) if target.path is not None else (root or FsPath.cwd()).resolve()
    real_root = _resolved(scan_root, context) if scan_root is not None else None
    finder = _finder(doc, target, context, scan_root, real_root)
    lines = plan_lines(text, parsed=True)
    path_env = context.environment or env.from_path(display)
    data_sources = 0
    seen = set()
    for pointer, res in planned:
        address = res.get("address")
        if not isinstance(address, str) or not isinstance(res.get("type"), str):
            out.issues.append(InputIssue(display, "planned resource without address or type",
                                         (lines.span(0, pointer) or (None,))[0]))
            continue
        if res.get("mode", "managed") != "managed":
            data_sources += 1
            continue
        seen.add(address)
        change = _obj(changes.get(address, {}).get("change"))
        actions = [a for a in _arr(change.get("actions")) if isinstance(a, str)]
        if actions == ["delete"]:
            out.skipped.append(Skipped(display, f"{address}: deleted by the plan, not checked"))
            continue
        prefix = _module_prefix(address, res)
        module = module_names(prefix)
        config = configs.get((module, res["type"], res.get("name")), {}) if _hashable(res.get("name")) else {}
        references, unresolved = follow_all(tree, _obj(config.get("expressions")), prefix)
        body = {
            "address": address,
            "mode": "managed",
            "type": res["type"],
            "name": res.get("name") if isinstance(res.get("name"), str) else "",
            "provider_name": res.get("provider_name", ""),
            "values": res.get("values") if isinstance(res.get("values"), dict) else {},
            "after_unknown": change.get("after_unknown") if isinstance(change.get("after_unknown"), dict) else {},
            "references": references,
            "unresolved_references": unresolved,
            "actions": actions,
            "configuration": display,
        }
        key = str(config.get("provider_config_key") or _provider_key(res))
        # "kms:aws" (0.12) / "module.kms:aws": a module inheriting its caller's provider.
        region = regions.get(key) or regions.get(key.rsplit(":", 1)[-1])
        if region:
            body["region"] = region
        plan_span = lines.span(0, pointer) or (1, 1)
        source = _source(finder, module, body, display, plan_span, pointer, real_root)
        out.resources.append(Resource(
            family="terraform", type=body["type"], name=str(body["name"]), id=address, body=body,
            source=source, address=address,
            environment=context.environment or path_env or environment_of(body["values"]),
        ))
    for address, change in changes.items():
        actions = _obj(change.get("change")).get("actions")
        if actions == ["delete"] and address not in seen and change.get("mode", "managed") == "managed":
            out.skipped.append(Skipped(display, f"{address}: deleted by the plan, not checked"))
    if not out.resources and not out.skipped:
        out.skipped.append(Skipped(display, "Terraform plan with no resources"))
    if data_sources:
        out.skipped.append(Skipped(display, f"{data_sources} data source(s) read by the plan, not checked"))
    out.locate = locator(target, context, lines=lines, root=scan_root, scan_root=scan_root)
    return out


def _obj(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _arr(value: object) -> list:
    return value if isinstance(value, list) else []


def _hashable(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _own(res: dict) -> str:
    """The resource's own part of its address: `aws_s3_bucket.b["x"]`."""
    index = res.get("index")
    key = "" if index is None else f"[{json.dumps(index)}]"
    return f"{res['type']}.{res.get('name')}{key}"


def _module_prefix(address: str, res: dict) -> str:
    own = _own(res)
    if address.endswith("." + own):
        return address[: -len(own) - 1]
    # An index spelled differently from json.dumps: cut at the last "module.<name>..." part.
    match = re.match(r"^(.*module\.[^.]+?)\.[^.\[]+\.[^.\[]+(\[.*\])?$", address)
    return match.group(1) if match else ""


def _provider_key(res: dict) -> str:
    name = str(res.get("provider_name", ""))
    return name.rsplit("/", 1)[-1]


def _planned(values: dict):
    """(pointer, resource) for every planned resource, in document order."""
    root = values.get("root_module")
    if not isinstance(root, dict):
        return
    stack = [(("planned_values", "root_module"), root)]
    while stack:
        pointer, module = stack.pop(0)
        for j, res in enumerate(_arr(module.get("resources"))):
            if isinstance(res, dict):
                yield (*pointer, "resources", j), res
        for i, child in enumerate(_arr(module.get("child_modules"))):
            if isinstance(child, dict):
                stack.append(((*pointer, "child_modules", i), child))


def _provider_regions(doc: dict) -> dict[str, str]:
    """Region per provider config key ("aws", "aws.west", "module.x:aws") where it is static."""
    variables = _obj(doc.get("variables"))
    out = {}
    for key, provider in _obj(_obj(doc.get("configuration")).get("provider_config")).items():
        region = _obj(_obj(_obj(provider).get("expressions")).get("region"))
        value = region.get("constant_value")
        if value is None:
            refs = [r for r in _arr(region.get("references")) if isinstance(r, str) and r.startswith("var.")]
            if refs:
                value = _obj(variables.get(refs[0][4:])).get("value")
        if isinstance(value, str):
            out[key] = value
    return out


def _finder(doc: dict, target: Target, context: LoadContext, scan_root: FsPath | None,
            real_root: FsPath | None) -> Finder:
    explicit = context.options.get("tf_root")
    if explicit:
        return Finder(FsPath(explicit).resolve(), limit=None)
    root_module = _obj(_obj(doc.get("configuration")).get("root_module"))
    wanted = {(r.get("type"), r.get("name")) for r in _arr(root_module.get("resources"))
              if isinstance(r, dict) and _hashable(r.get("type")) and _hashable(r.get("name"))}
    modules = set(_obj(root_module.get("module_calls")).keys())
    if not root_module:  # no configuration: use the planned root resources instead
        wanted = {(r.get("type"), r.get("name")) for p, r in _planned(_obj(doc.get("planned_values")))
                  if len(p) == 4 and _hashable(r.get("type")) and _hashable(r.get("name"))}
    # A plan on stdin has no directory: the search starts where the pipe runs (the root module's
    # directory, as `terraform show` needs), else at the scan root when that lies outside it.
    start = _real_parent(target.path, context) if target.path is not None else _stdin_start(scan_root)
    # The parent of a resolved path is resolved, and real_root is the scan root resolved.
    return Finder(find_root_dir(start, real_root, wanted, modules, resolved=True), limit=scan_root)


def _resolved(path: FsPath, context: LoadContext) -> FsPath:
    """path.resolve(), once per directory in a scan (LoadContext.real_dirs)."""
    real = context.real_dirs.get(path)
    if real is None:
        real = context.real_dirs[path] = path.resolve()
    return real


def _real_parent(path: FsPath, context: LoadContext) -> FsPath:
    """path.resolve().parent, through the directory's resolved path unless the file is a symlink."""
    return path.resolve().parent if os.path.islink(path) else _resolved(path.parent, context)


def _stdin_start(scan_root: FsPath | None) -> FsPath:
    here = FsPath.cwd().resolve()
    if scan_root is None or here.is_relative_to(scan_root.resolve()):
        return here
    return scan_root.resolve()


def scan_root_of(target: Target) -> FsPath | None:
    """The scan root, from a target's absolute path and its root-relative display path."""
    if target.path is None or FsPath(target.display).is_absolute():
        return None
    depth = len(FsPath(target.display).parts)
    path = target.path.absolute()
    if depth == 0:  # the target is the scan root itself (".")
        return path
    return path.parents[depth - 1] if len(path.parents) >= depth else None


def _display(path: FsPath, real_root: FsPath | None) -> str:
    if real_root is not None:
        try:
            return path.relative_to(real_root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _source(finder: Finder, module: tuple[str, ...], body: dict, display: str, plan_span: Span,
            pointer: Path, real_root: FsPath | None) -> Source:
    plan_at = f"{display}:{plan_span[0]}"
    found = finder.declaration(module, body["type"], body["name"])
    if found is None:
        return Source(display, plan_span[0], plan_span[1], pointer=pointer,
                      origin=Origin("terraform-plan", detail=f"{plan_at} (no .tf declaration found)"))
    tf = _display(found.file, real_root)
    block = found.block
    # Other plans may map their resources onto the same lines (dev and production of one module).
    return Source(tf, block.line, block.end_line, document=document_for(display), pointer=pointer,
                  origin=Origin("terraform-plan", file=tf, line=block.line, detail=plan_at))


def locator(target: Target, context: LoadContext, *, lines: Locator | None = None, root: FsPath | None = None,
            scan_root: FsPath | None | bool = False):
    """locate(resource, path): the `.tf` line of the attribute, or the plan JSON line.

    `root` is the scan root for a target without a path (stdin); default the working directory.
    `scan_root`, when not False, is what the loader worked that out to be already.
    """
    if scan_root is False:
        scan_root = scan_root_of(target) if target.path is not None else (root or FsPath.cwd()).resolve()
    state = {"lines": lines}

    def locate(resource: Resource, path: Path) -> Span | None:
        src = resource.source
        if src.file.endswith(".tf"):
            file = FsPath(src.file) if scan_root is None else scan_root / src.file
            try:
                _text, nodes = parsed_file(file)
            except LoadError:
                return None
            for node in nodes:
                if node.is_block and node.name == "resource" and node.labels == (resource.type, resource.name):
                    return span_of(node, path)
            return None
        if state["lines"] is None:
            if target.path is None:
                return None  # stdin is read once; without its text there is no line to give
            try:
                state["lines"] = plan_lines(read_plan_text(target.path, target.display, context.max_file_size))
            except LoadError:
                return None
        return state["lines"].span(0, tuple(src.pointer) + tuple(path))

    return locate


def relocate_json(target: Target, context: LoadContext):
    """The locate function for a `.json` target: a plan's, or the Kubernetes one.

    The file is read at the first finding located in it: a plan resource declared in a
    `.tf` file is located there, and its plan is then never read again.
    """
    assert target.path is not None
    plan = locator(target, context)
    manifests: list = []  # the Kubernetes locator, made at the first finding

    def locate(resource: Resource, path: Path) -> Span | None:
        if resource.family == "terraform":  # load_json made it from a plan
            return plan(resource, path)
        if not manifests:
            try:
                text = read_plan_text(target.path, target.display, context.max_file_size, expect_plan=False)
            except LoadError:
                manifests.append(None)
            else:
                manifests.append(k8s_loader.locator(text))
        return manifests[0](resource, path) if manifests[0] is not None else None

    return locate
