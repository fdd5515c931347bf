"""Kubernetes manifests (YAML or JSON, multi-document, List kinds) -> Resources."""

from __future__ import annotations

import json
from pathlib import PurePath

import yaml

from .. import environment as env
from ..discover import Target
from ..locate import Locator, MarkedLoader
from ..model import InputIssue, Path, Resource, Skipped, Source
from . import LoadContext, Loaded, Span
from ._text import LoadError, read_text

# Annotations of ours (compliance.dev/waive, ...), kept on the Resource for later stages.
OWN_PREFIX = "compliance.dev/"

# Above this many nodes once aliases are expanded, a document is refused: a
# "billion laughs" file is a few lines that expand to billions of nodes.
MAX_EXPANDED_NODES = 1_000_000


class _SpanLoader(MarkedLoader):
    """MarkedLoader that records document spans and duplicate keys, and refuses alias bombs."""

    def __init__(self, stream: str, *, guard: bool):
        super().__init__(stream)
        self.spans: list[tuple[int, int]] = []
        self.duplicates: list[tuple[int, str]] = []  # (line, message)
        # The composed documents, kept so findings are located without parsing again.
        self.nodes: list = []
        self._guard = guard
        self._seen: set[int] = set()  # collection nodes met while building one document
        self._positions = 0  # nodes built so far, aliases counted as often as they are used

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        # flatten_mapping (merge keys) deletes the `<<` pairs from this very list and
        # then rebinds node.value, so afterwards `explicit` holds the written pairs only.
        explicit = node.value
        mapping = super().construct_mapping(node, deep=deep)
        # Fewer keys than written pairs means a repeat; with merges a repeat can hide
        # behind merged keys, so look then too (merges are rare, the check is cheap).
        if len(mapping) < len(explicit) or (node.value is not explicit and len(explicit) > 1):
            self.duplicates.extend(_duplicates(explicit))
        return mapping

    def construct_document(self, node):  # noqa: D102 - PyYAML hook
        self.nodes.append(node)
        if node is None:
            self.spans.append((0, 0))
        else:
            end = node.end_mark
            end_line = end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1
            self.spans.append((node.start_mark.line + 1, end_line))
            # Plain data (no aliased collections, tags, merges or repeated keys) is built
            # directly from the nodes, several times faster than PyYAML's generic
            # constructor. Anything else, errors included, takes PyYAML's own path below,
            # so the outcome is the same. Building stops at the first collection met twice,
            # so an alias bomb costs no more than its distinct nodes here.
            self._seen = set()
            self._positions = 1
            try:
                data = self._plain(node)
                if self._positions <= MAX_EXPANDED_NODES:
                    return data
            except Exception:  # redone below by PyYAML, which reports it
                pass
            if self._guard:
                _check_expansion(node)
        return super().construct_document(node)

    def _plain(self, node):
        """The document as PyYAML would construct it, or an exception if it is not plain data."""
        cls = node.__class__
        if cls is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag not in _SCALAR_TAGS:
                raise _NotPlain
            return self.yaml_constructors[tag](self, node)
        key = id(node)
        if key in self._seen:
            raise _NotPlain  # an alias: shared objects and the expansion guard are PyYAML's job
        self._seen.add(key)
        if cls is yaml.MappingNode and node.tag == _MAP:
            pairs = node.value
            self._positions += 2 * len(pairs)
            mapping = {}
            for key_node, value_node in pairs:
                tag = key_node.tag
                if key_node.__class__ is not yaml.ScalarNode or (tag != _STR and tag not in _SCALAR_TAGS):
                    raise _NotPlain  # merge keys (<<), tagged or collection keys
                name = key_node.value if tag == _STR else self.yaml_constructors[tag](self, key_node)
                mapping[name] = self._plain(value_node)
            if len(mapping) != len(pairs):
                raise _NotPlain  # a repeated key: PyYAML's path records the warnings in its order
            return mapping
        if cls is yaml.SequenceNode and node.tag == _SEQ:
            self._positions += len(node.value)
            return [self._plain(child) for child in node.value]
        raise _NotPlain


class _NotPlain(Exception):
    """A node the direct construction leaves to PyYAML."""


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Other scalar tags the safe constructor turns into plain values with its own functions.
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))


def _duplicates(pairs: list) -> list[tuple[int, str]]:
    """(line, message) for each key written again in one mapping; YAML keeps the last."""
    last: dict[tuple[str, str], int] = {}
    out = []
    for key, _value in pairs:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + 1
        earlier = last.get((key.tag, key.value))
        if earlier is not None:
            out.append((line, f"duplicate key {key.value!r}: YAML keeps only this value, the one on line "
                              f"{earlier} is ignored"))
        last[(key.tag, key.value)] = line
    return out


def _check_expansion(root) -> None:
    """Count nodes with aliases expanded, memoised so the count itself stays cheap.

    Works on the composed node graph, where an alias is a shared node: the count
    costs one visit per distinct node however large the expansion would be, so a
    bomb is refused before anything is constructed. A node that contains itself
    (`&a [*a]`) would expand forever and is refused too.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the current path from the root: reaching one again is a cycle
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if done or not children:
            open_nodes.discard(key)
            total = 1 + sum(sizes[id(c)] for c in children)
            sizes[key] = total
            if total > MAX_EXPANDED_NODES:
                raise LoadError(
                    f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                    "(an alias bomb?); refused",
                    node.start_mark.line + 1,
                )
            continue
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise LoadError("YAML anchor is used inside its own value (a recursive structure); refused",
                                child.start_mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _parse_yaml(text: str, *, duplicates: list[tuple[int, str]] | None = None, nodes: list | None = None,
                ) -> tuple[list, list[tuple[int, int]], LoadError | None]:
    """All documents that parse, their spans, and the error that stopped parsing if any.

    Args:
        text: the file's text.
        duplicates: receives (line, message) for every repeated mapping key.
        nodes: receives each document's composed node (with line marks).
    """
    guard = "&" in text and "*" in text
    loader = _SpanLoader(text, guard=guard)
    if duplicates is not None:
        loader.duplicates = duplicates
    if nodes is not None:
        loader.nodes = nodes
    docs: list = []
    try:
        while loader.check_data():
            docs.append(loader.get_data())
    except LoadError as exc:
        return docs, loader.spans, exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return docs, loader.spans, LoadError(_yaml_problem(exc), line)
    except yaml.YAMLError as exc:
        return docs, loader.spans, LoadError(f"invalid YAML: {exc}")
    except RecursionError:
        return docs, loader.spans, LoadError("YAML nested too deeply (the parser stops near 1,000 levels)")
    finally:
        loader.dispose()
    return docs, loader.spans, None


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "invalid YAML"
    # The safe loader knows no application tags; PyYAML's wording ("could not
    # determine a constructor") does not tell a user that this is deliberate.
    if isinstance(exc, yaml.constructor.ConstructorError) and problem.startswith("could not determine a constructor"):
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed: only plain data is read, no object is constructed; refused"
    if problem == "exceeded maximum nesting depth":  # libyaml's limit, 1,000 levels
        return "YAML nested too deeply (the parser stops at 1,000 levels)"
    return f"invalid YAML: {problem}"


def _parse_json(text: str) -> tuple[list, list[tuple[int, int]], LoadError | None]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [], LoadError(f"invalid JSON: {exc.msg}", exc.lineno)
    except RecursionError:
        return [], [], LoadError("JSON nested too deeply (the parser stops near 1,000 levels)")
    return [doc], [(1, text.count("\n") + 1)], None


def is_terraform_plan(doc: object) -> bool:
    return isinstance(doc, dict) and "format_version" in doc and (
        "terraform_version" in doc or "planned_values" in doc
    )


def load(target: Target, context: LoadContext) -> Loaded:
    """Read one manifest file (the Loader entry point)."""
    assert target.path is not None
    try:
        text = read_text(target.path, context.max_file_size)
    except LoadError as exc:
        return Loaded(issues=[InputIssue(target.display, exc.message, exc.line)])
    is_json = PurePath(target.display).suffix.lower() == ".json"
    return load_text(text, target.display, environment=context.environment, is_json=is_json,
                     globs=context.environment_globs)


def locator(text: str, *, nodes: list | None = None, lines: Locator | None = None):
    """A locate(resource, path) function over one file's text (and its composed documents if known)."""
    lines = lines or Locator(text, nodes=nodes)

    def locate(resource: Resource, path: Path) -> Span | None:
        src = resource.source
        # A whole document: compose just its lines. A List item: the whole file.
        hint = None if src.pointer else (src.start_line, src.end_line)
        return lines.span(src.document, tuple(src.pointer) + tuple(path), hint=hint)

    return locate


def load_text(text: str, display: str, *, environment: str | None = None, is_json: bool = False,
              globs: tuple[tuple[str, str], ...] = ()) -> Loaded:
    """Parse one file's text into Kubernetes resources.

    Args:
        text: the decoded file content.
        display: the file's path as shown to the user.
        environment: forced environment (--env); otherwise taken from the path,
            then from labels/annotations.
        is_json: parse as JSON (faster and exact) rather than YAML.
    """
    out = Loaded()
    if not text.strip():
        out.skipped.append(Skipped(display, "empty file"))
        return out
    duplicates: list[tuple[int, str]] = []
    nodes: list = []
    docs, spans, error = _parse_json(text) if is_json else _parse_yaml(text, duplicates=duplicates, nodes=nodes)
    # The loader composed every YAML document already; locating reuses those nodes instead of
    # parsing the file a second time (about half the parse cost). JSON is walked as text.
    composed = Locator(text, nodes=None if is_json else nodes)
    out.locate = locator(text, lines=composed)
    if not is_json:
        out.outline = lambda resource: None if resource.source.pointer else composed.outline(resource.source.document)
    # A repeated key is legal YAML that silently drops a value (a second `automated:`
    # block, say): warn with the line, and scan the file as the cluster would read it.
    out.warnings.extend(f"{display}:{line}: {message}" for line, message in duplicates)
    if error is not None:
        out.issues.append(InputIssue(display, error.message, error.line))
    elif all(doc is None for doc in docs):
        # Comments and `---` only: nothing to check, but it must be counted, not vanish.
        out.skipped.append(Skipped(display, "no documents (only comments or --- separators)"))
        return out
    path_env = env.for_path(display, forced=environment, globs=globs)
    for index, doc in enumerate(docs):
        start, end = spans[index] if index < len(spans) else (1, 1)
        if doc is None:
            continue
        if is_terraform_plan(doc):
            out.skipped.append(Skipped(display, "Terraform plan JSON (not supported yet)"))
            continue
        reason = _not_a_manifest(doc)
        if reason:
            out.skipped.append(Skipped(display, reason, start or None))
            continue
        if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
            for i, item in enumerate(doc["items"]):
                item_reason = _not_a_manifest(item)
                span = composed.span(index, ("items", i)) or (start, end)
                if item_reason:
                    out.skipped.append(Skipped(display, f"{doc['kind']} item {i}: {item_reason}", span[0]))
                    continue
                source = Source(display, span[0], span[1], index, pointer=("items", i))
                out.resources.append(_resource(item, source, path_env, environment))
            continue
        out.resources.append(_resource(doc, Source(display, start, end, index), path_env, environment))
    return out


def _not_a_manifest(doc: object) -> str | None:
    if not isinstance(doc, dict):
        return f"document is a {type(doc).__name__}, not a Kubernetes object"
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str) or not api or not kind:
        return "document has no apiVersion/kind (not a Kubernetes object)"
    return None


def _resource(doc: dict, source: Source, path_env: str | None, forced: str | None) -> Resource:
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else meta.get("generateName", "") or ""
    namespace = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    kind = doc["kind"]
    environment = forced or path_env or env.from_labels(labels, annotations)
    rid = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    return Resource(
        family="kubernetes",
        type=kind,
        name=str(name),
        id=rid,
        body=doc,
        source=source,
        namespace=namespace,
        api_version=doc["apiVersion"],
        environment=environment,
        labels={str(k): str(v) for k, v in labels.items()},
        own_annotations={k: v for k, v in annotations.items() if isinstance(k, str) and k.startswith(OWN_PREFIX)},
    )
