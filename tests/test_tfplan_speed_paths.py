"""The Terraform plan fast paths (issue #10) give exactly what the long ways give.

Plan JSON is validated without a Python hook per object when no key can be long,
line numbers come from summed line lengths, every planned resource is indexed in
one pass, a plan is parsed once when its findings are located again (and not read
at all for a resource declared in a `.tf` file), and the scan root is resolved once.
Each test compares the shortcut with the long way on inputs chosen to tell them apart.
"""

from __future__ import annotations

import bisect
import inspect
import json
import random
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from helpers import fails, run, write

from compliance._json_lines import _NOT_PLAIN_JSON, _JsonLines, _keys_short, _LongKey, _plain, _short_keys
from compliance.discover import Target
from compliance.loaders import LoadContext, _plan_lines
from compliance.loaders import kubernetes as k8s_loader
from compliance.loaders import terraform_plan as tp
from compliance.loaders._plan_refs import ModuleTree, follow_all, instance_of
from compliance.loaders._tf_index import find_root_dir
from compliance.locate import Locator, MarkedLoader

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
PLAN_REPO = FIXTURES / "plan-repo"
EXAMPLE_PLANS = sorted((Path(__file__).resolve().parents[1] / "examples" / "payment-platform").rglob("plan.json"))


def _of_long_way(text: str) -> bool:
    """_JsonLines.of as it was: every pattern searched, every object through the key hook."""
    start = len(text) - len(text.lstrip(" \n"))
    if text[start:start + 1] not in ("{", "[") or any(p.search(text) for p in _NOT_PLAIN_JSON):
        return False
    try:
        json.loads(text, object_pairs_hook=_short_keys)
    except (ValueError, RecursionError, _LongKey):
        return False
    return True


LONG = "k" * 170
TEXTS = [
    '{"a": 1}', '{\n  "a": [1, 2]\n}\n', '[\n {"a": "b"}\n]', '{"a":\t1}', '{"a": 1}\r\n', '{"a": 1}\x0c',
    '{"a": "\u2028"}', '{"a": "\u00e9\\t"}', '\ufeff{"a": 1}', '{"a": "\\ud83d\\ude00"}', '{"a": "\\u00e9"}',
    '{"a"        : 1}', '{"a"       : 1}', '{"a"\n: 1}', '{"a": 1', "a: 1", '"just a string"', "",
    # Keys at and around the limit, spelled plainly and with escapes.
    '{"' + "k" * 169 + '": 1}', '{"' + LONG + '": 1}', '{"' + LONG + '"  :  1}', '{"' + LONG + '"\n:\n1}',
    '{"' + "k" * 168 + '\\"": 1}', '{"' + "k" * 169 + '\\"": 1}', '{"' + "\\\"" * 85 + '": 1}',
    '{"' + "\\\\" * 85 + '": 1}', '{"' + "\\\\" * 84 + '\\"": 1}', '{"' + "\\u006b" * 169 + '": 1}',
    '{"' + "\\u006b" * 170 + '": 1}', '{"' + "\\u006b" * 30 + '": 1}',
    # Long values: alone, before a colon inside a string, and ending in an escaped backslash.
    '{"a": "' + LONG + '"}', '{"a": "' + LONG + '", "b": ":"}', '{"a": "' + LONG + '\\\\", "b": 1}',
    '{"a": ["' + LONG + '", ":"]}', '{"a": "' + "x\\\"" * 100 + '", "b": 1}',
    '{"a": [' + ", ".join(["1"] * 100) + "]}", '{"a": 1}' + " " * 200,
    '{"outer": {"' + LONG + '": {"x": 1}}}', '[{"' + LONG + '": 1}]',
]


@pytest.mark.parametrize("text", TEXTS)
def test_validation_without_the_key_hook_decides_as_the_hook_does(text):
    assert (_JsonLines.of(text) is not None) == _of_long_way(text)
    try:
        json.loads(text)
    except ValueError:
        return
    # What the plan loader passes: text it has parsed already.
    assert (_JsonLines.of(text, parsed=True) is not None) == _of_long_way(text)


@pytest.mark.parametrize("text", TEXTS)
def test_key_check_never_misses_a_long_key(text):
    try:
        json.loads(text, object_pairs_hook=_short_keys)
    except _LongKey:
        assert not _keys_short(text)
    except ValueError:
        pass


@pytest.mark.parametrize("text", [*TEXTS, "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2029", "abc\\u", "\\uD800",
                                  "\\udbff", "\\ud7ff", '"' + " " * 8 + ":"])
def test_plain_text_check_is_the_pattern_search(text):
    assert _plain(text) == (not any(p.search(text) for p in _NOT_PLAIN_JSON))


LINES = "".join(f"{'x' * (i * 37 % 300)}\n" * (i % 3) for i in range(200))


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "\n\nab\n", "ab\ncd\n\nef", "{\n}\n\n\n", LINES])
@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_line_numbers_counted_from_marks_match_newline_positions(text, order):
    walker = _JsonLines(text)
    newlines = [m.start() for m in re.finditer("\n", text)]
    offsets = list(range(len(text) + 1))
    if order == "backward":
        offsets.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(offsets)
    for offset in offsets:
        assert walker._line(offset) == bisect.bisect_left(newlines, offset) + 1
    assert walker._marks == sorted(walker._marks)


def test_line_lookups_in_order_count_the_text_once_and_out_of_order_list_line_starts():
    offsets = list(range(0, len(LINES), 1999))
    newlines = [m.start() for m in re.finditer("\n", LINES)]
    forward, backward = _JsonLines(LINES), _JsonLines(LINES)
    assert [forward._line(o) for o in offsets] == [bisect.bisect_left(newlines, o) + 1 for o in offsets]
    assert forward._line_starts is None and forward._counted < len(LINES) + len(offsets) * 2048
    assert [backward._line(o) for o in reversed(offsets)] == [
        bisect.bisect_left(newlines, o) + 1 for o in reversed(offsets)]
    assert backward._line_starts is not None
    assert backward._counted <= 4 * len(LINES) + 65_536 + len(LINES)


def _plan(depth: int = 2, *, duplicate: str = "") -> str:
    """A multi-line plan with resources in nested child modules, indented unevenly."""
    def module(level: int) -> dict:
        out: dict = {"resources": [
            {"address": f"aws_s3_bucket.b{level}_{i}", "type": "aws_s3_bucket", "name": f"b{level}_{i}",
             "values": {"bucket": f"b{i}", "tags": {"k\u00e9y": "v"}, "rules": [{"x": [1, [2, 3]]}, {}],
                        "policy": "{\"Statement\": [\"" + LONG + "\"]}"}} for i in range(2)]}
        if level < depth:
            out["child_modules"] = [module(level + 1), {"resources": []}]
        return out

    planned = json.dumps({"root_module": module(0)}, indent=1)
    text = ('{\n  "format_version": "1.2",\n  "variables": {"a": {"value": [1, 2]}},\n'
            f'  "planned_values": {planned},\n')
    if duplicate:  # the last of repeated keys is the one YAML and json.loads keep
        text += f'  "{duplicate}": {json.dumps({"root_module": module(1)}, indent=3)},\n'
    return text + '  "resource_changes": [{"address": "x", "change": {"actions": ["create"]}}],\n  "empty": []\n}\n'


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
        yield (*prefix, "missing")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))
        yield (*prefix, len(value))


@pytest.mark.parametrize(("text", "stops_early"), [
    (_plan(), True), (_plan(0), True), (_plan(1, duplicate="planned_value"), True),
    (_plan(1).replace('"x"', '"\\u0078"'), True),
    # Repeated planned_values: the walk stops only after the last one.
    (_plan(3, duplicate="planned_values"), True), (_plan(1, duplicate="planned\\u005Fvalues"), True),
    (_plan(1, duplicate="p\\u006canned_values"), True),
    # What might spell the key again after it (here only as a value): every member is indexed.
    (_plan(1).replace('"empty": []', '"empty": ["planned_values"]'), False),
    (_plan(1).replace('"empty": []', '"empty": ["planned\\u005fvalues"]'), False)])
def test_one_pass_index_gives_the_lines_of_the_lazy_walk_and_of_yaml(text, stops_early):
    indexed = _JsonLines.of(text, parsed=True)
    lazy = _JsonLines.of(text)
    assert indexed is not None and lazy is not None
    indexed.descend(_plan_lines._PLANNED)
    # Stopped at the last planned_values, the root's later members were not decoded.
    root = indexed._early.get(0)
    assert (root is not None) == stops_early
    assert root is None or root == {"planned_values": lazy._members(0)["planned_values"]}
    composed = Locator(text, nodes=list(yaml.compose_all(text, Loader=MarkedLoader)))
    paths = list(_paths(json.loads(text)))
    assert len(paths) > 70
    for path in paths:
        assert indexed.span(path) == lazy.span(path) == composed.span(0, path), path


def test_one_pass_index_too_deep_for_the_stack_leaves_the_lazy_walk(tmp_path):
    text = _plan(60)
    indexed, lazy = _JsonLines.of(text, parsed=True), _JsonLines.of(text)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 40)
    try:
        indexed.descend(_plan_lines._PLANNED)
    finally:
        sys.setrecursionlimit(limit)
    for path in _paths(json.loads(text)):
        assert indexed.span(path) == lazy.span(path), path


def _resource_spans(plan: Path) -> list:
    context = LoadContext()
    loaded = tp.load_json(Target(plan, plan.name, "json"), context)
    return [(r.id, r.source.file, r.source.start_line, r.source.end_line, r.source.origin) for r in loaded.resources]


@pytest.mark.parametrize("plan", [PLAN_REPO / "plans" / "prod.json", *EXAMPLE_PLANS], ids=lambda p: p.parent.name)
def test_loaded_plan_lines_are_those_yaml_composition_gives(plan, tmp_path):
    copy = tmp_path / "plan.json"  # no .tf near it: every resource is located in the plan
    shutil.copy(plan, copy)
    text = copy.read_text()
    loaded = tp.load_json(Target(copy, "plan.json", "json"), LoadContext())
    composed = Locator(text, nodes=list(yaml.compose_all(text, Loader=MarkedLoader)))
    assert loaded.resources
    for resource in loaded.resources:
        pointer = resource.source.pointer
        assert (resource.source.start_line, resource.source.end_line) == composed.span(0, pointer)
        for path in _paths(resource.body["values"], ("values",)):
            assert loaded.locate(resource, path) == composed.span(0, (*pointer, *path)), path


def _tf_and_plan(root: Path) -> Target:
    write(root, "main.tf", """
        resource "aws_s3_bucket" "declared" {
          bucket = "a"
        }
        """)
    resources = [{"address": f"aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket", "name": name,
                  "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"bucket": name}}
                 for name in ("declared", "undeclared")]
    plan = {"format_version": "1.2", "terraform_version": "1.6.0",
            "planned_values": {"root_module": {"resources": resources}},
            "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.declared", "mode": "managed",
                                                             "type": "aws_s3_bucket", "name": "declared"}]}}}
    (root / "plan.json").write_text(json.dumps(plan, indent=2))
    return Target(root / "plan.json", "plan.json", "json")


def test_relocation_gives_the_loader_lines_and_reads_a_plan_only_for_plan_lines(tmp_path):
    target = _tf_and_plan(tmp_path)
    loaded = tp.load_json(target, LoadContext())
    declared, undeclared = loaded.resources
    assert (declared.source.file, declared.source.start_line, undeclared.source.file,
            undeclared.source.start_line) == ("main.tf", 1, "plan.json", 17)
    relocate = tp.relocate_json(target, LoadContext())
    for resource in (declared, undeclared):
        for path in [(), ("values",), ("values", "bucket"), ("values", "missing"), ("after_unknown",)]:
            assert relocate(resource, path) == loaded.locate(resource, path)
    assert relocate(undeclared, ("values", "bucket")) == (24, 24)
    # Without the plan, a resource declared in main.tf is still located there; one located in the
    # plan falls back to its own lines (locate gives None), as when the plan could not be read before.
    (tmp_path / "plan.json").unlink()
    relocate = tp.relocate_json(target, LoadContext())
    assert relocate(declared, ("values", "bucket")) == (2, 2)
    assert relocate(undeclared, ("values", "bucket")) is None


def test_relocation_of_kubernetes_json_is_the_kubernetes_locator(tmp_path):
    text = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                       "spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {}}]}}, indent=2)
    (tmp_path / "pod.json").write_text(text)
    target = Target(tmp_path / "pod.json", "pod.json", "json")
    loaded = tp.load_json(target, LoadContext())
    relocate, direct = tp.relocate_json(target, LoadContext()), k8s_loader.locator(text)
    for path in [("spec", "containers", 0, "image"), ("spec", "containers", 0, "securityContext"), ("nope",)]:
        assert relocate(loaded.resources[0], path) == direct(loaded.resources[0], path) == loaded.locate(
            loaded.resources[0], path)
    assert relocate(loaded.resources[0], ("spec", "containers", 0, "image")) == (11, 11)


def test_root_lookup_with_resolved_paths_finds_the_same_directory(tmp_path):
    write(tmp_path / "real", "main.tf", 'resource "aws_s3_bucket" "b" {\n}\n')
    (tmp_path / "real" / "plans").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    start = tmp_path / "link" / "plans"
    wanted = {("aws_s3_bucket", "b")}
    assert find_root_dir(start, tmp_path, wanted, set()) == find_root_dir(
        start.resolve(), tmp_path.resolve(), wanted, set(), resolved=True) == (tmp_path / "real").resolve()
    assert find_root_dir(start, tmp_path / "link" / "plans", {("x", "y")}, set()) is None
    assert find_root_dir(start.resolve(), (tmp_path / "link" / "plans").resolve(), {("x", "y")}, set(),
                         resolved=True) is None


def test_scan_of_a_plan_without_tf_reports_plan_lines(tmp_path):
    shutil.copy(PLAN_REPO / "plans" / "prod.json", tmp_path / "prod.json")
    report = run(tmp_path)
    assert [(rule, where) for rule, _resource, where, _message in fails(report)] == [
        ("AWS-003", "prod.json:12"), ("AWS-002", "prod.json:19"), ("AWS-005", "prod.json:19"),
        ("AWS-007", "prod.json:19"), ("AWS-003", "prod.json:65"), ("AWS-080", "prod.json:65"),
        ("AWS-001", "prod.json:72"), ("AWS-002", "prod.json:72"), ("AWS-005", "prod.json:72"),
        ("AWS-007", "prod.json:72"), ("AWS-011", "prod.json:100"), ("AWS-010", "prod.json:102")]
    assert fails(report, "AWS-010") == [("AWS-010", "module.kms.aws_kms_key.this", "prod.json:102",
                                         'aws_kms_key "this" has automatic rotation off (enable_key_rotation: false)')]


def _follow_long_way(tree, expressions: dict, prefix: str) -> tuple[dict, dict]:
    """follow_all as it was: every attribute through ModuleTree.follow."""
    instance = instance_of(prefix)
    references, unresolved = {}, {}
    for attr, expr in expressions.items():
        followed = tree.follow(expr, instance)
        if followed.addresses:
            references[attr] = sorted(followed.addresses)
        if followed.unresolved:
            unresolved[attr] = [{"scope": s, "reference": r} for s, r in sorted(followed.unresolved)]
    return references, unresolved


CONFIGURATION = {"root_module": {
    "resources": [{"address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a", "expressions": {
        "ami": {"constant_value": "ami-1"}, "count": {"constant_value": 2}, "tags": {"constant_value": {"a": "b"}},
        "subnet_id": {"references": ["module.net.subnet_id", "module.net"]},
        "vpc_security_group_ids": {"references": ["aws_security_group.sg.id", "aws_security_group.sg", 7]},
        "user_data": {"references": ["local.script"]},
        "ebs_block_device": [{"volume_size": {"constant_value": 8}, "kms_key_id": {"references": ["var.key"]}},
                             {"snapshot_id": {"references": ["aws_ebs_snapshot.s.id"]}}, "odd", 3],
        "nested": {"constant_value": [{"references": ["aws_vpc.hidden.id"]}, None, [1, {"x": 2}]]},
        "empty": {}, "scalar": "x", "none": None}}],
    "module_calls": {"net": {"source": "./net", "expressions": {"vpc_id": {"references": ["aws_vpc.v.id"]}},
                             "module": {
        "outputs": {"subnet_id": {"expression": {"references": ["aws_subnet.s.id", "var.vpc_id"]}}},
        "resources": [{"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
                       "expressions": {"vpc_id": {"references": ["var.vpc_id"]},
                                       "cidr_block": {"constant_value": "10.0.0.0/24"},
                                       "for_each_value": {"references": ["each.value"]}}}]}}}}}


@pytest.mark.parametrize("plan", [None, PLAN_REPO / "plans" / "prod.json", *EXAMPLE_PLANS],
                         ids=lambda p: "crafted" if p is None else p.parent.name)
def test_following_only_attributes_with_references_gives_what_following_all_gave(plan):
    configuration = CONFIGURATION if plan is None else json.loads(plan.read_text())["configuration"]
    tree = ModuleTree(configuration)
    checked = 0
    for (module, _type, _name), config in tree.resource_configs().items():
        for prefix in ["".join(f"module.{m}" for m in module), ".".join(f'module.{m}["k"]' for m in module)]:
            expressions = config.get("expressions", {})
            assert follow_all(ModuleTree(configuration), expressions, prefix) == _follow_long_way(
                ModuleTree(configuration), expressions, prefix)
            checked += 1
    assert checked >= 2
    if plan is None:
        references, unresolved = follow_all(tree, tree.resource_configs()[((), "aws_instance", "a")]["expressions"], "")
        assert references == {"ebs_block_device": ["aws_ebs_snapshot.s"], "nested": ["aws_vpc.hidden"],
                              "subnet_id": ["aws_vpc.v", "module.net.aws_subnet.s"],
                              "vpc_security_group_ids": ["aws_security_group.sg"]}
        assert unresolved == {"user_data": [{"scope": "", "reference": "local.script"}]}
