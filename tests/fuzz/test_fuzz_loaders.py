"""Fuzz every loader with random and mutated documents: only documented outcomes, no hang.

Modest example counts keep the normal suite fast; FUZZ_EXAMPLES=N raises them
for a longer local run, and tests/fuzz/README.md documents the atheris harnesses.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from _mutate import HCL_SEEDS, HCL_TOKENS, JSON_TOKENS, K8S_SEEDS, PLAN_SEEDS, YAML_TOKENS, mutate, time_limit
from _targets import hcl_dir, k8s_bytes, k8s_text, plan_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
# The normal suite runs the same examples every time (reproducible CI); a longer run
# with FUZZ_EXAMPLES set explores new ones on every run.
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ
# Per example: time_limit interrupts a hang. No hypothesis deadline: on a shared 2-core CI
# machine a slow but finite parse (HCL's parser takes seconds on some mutations) is not a bug.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HANG_SECONDS = 10

OPS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1 << 20), st.integers(0, 1 << 10),
                         st.integers(0, 100)), min_size=1, max_size=8)
# JSON-shaped values, the same alphabet the loaders read.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40)
K8S_KEYS = st.sampled_from(["apiVersion", "kind", "metadata", "name", "namespace", "labels", "items", "spec",
                            "annotations", "generateName", "containers", "template"])
K8S_DOCS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.sampled_from(["v1", "Pod", "List"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(K8S_KEYS, inner, max_size=6), max_leaves=30)


def _seed(paths: list[Path]) -> st.SearchStrategy[bytes]:
    return st.sampled_from([p.read_bytes() for p in paths])


# --- Kubernetes YAML/JSON text -> kubernetes.load_text ---------------------------------

@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_k8s_random_text(text):
    with time_limit(HANG_SECONDS):
        k8s_text(text, is_json=False)
        k8s_text(text, is_json=True)


@FUZZ
@given(docs=st.lists(K8S_DOCS, min_size=1, max_size=4))
def test_k8s_random_documents(docs):
    # Any data shape, written both as YAML documents and as JSON.
    import yaml

    with time_limit(HANG_SECONDS):
        loaded = k8s_text(yaml.safe_dump_all(docs), is_json=False)
        assert len(loaded.resources) + len(loaded.skipped) + len(loaded.issues) >= 1
        k8s_text(json.dumps(docs[0]), is_json=True)


@FUZZ
@given(seed=_seed(K8S_SEEDS), ops=OPS)
def test_k8s_mutated_fixtures(seed, ops):
    data = mutate(seed, ops, YAML_TOKENS)
    with time_limit(HANG_SECONDS):
        k8s_bytes(data, is_json=False)


@FUZZ
@given(seed=_seed(K8S_SEEDS), ops=OPS)
def test_k8s_mutated_fixtures_as_json(seed, ops):
    import yaml

    docs = [d for d in yaml.safe_load_all(seed) if d is not None]
    data = mutate(json.dumps(docs[0], indent=1).encode(), ops, JSON_TOKENS)
    with time_limit(HANG_SECONDS):
        k8s_bytes(data, is_json=True)


# --- Terraform plan JSON -> terraform_plan.load_json / load ----------------------------

@FUZZ
@given(seed=_seed(PLAN_SEEDS), ops=OPS)
def test_plan_mutated_fixture(seed, ops):
    data = mutate(seed, ops, JSON_TOKENS)
    with tempfile.TemporaryDirectory() as tmp, time_limit(HANG_SECONDS):
        plan_file(data, Path(tmp))


def _plan_shaped(draw_value):
    """A plan document whose every section may hold any JSON value."""
    res = st.fixed_dictionaries({}, optional={
        "address": st.sampled_from(["aws_s3_bucket.logs", "module.m[0].aws_x.y", 'a.b["k"]', "x"]) | draw_value,
        "mode": st.sampled_from(["managed", "data"]) | draw_value,
        "type": st.sampled_from(["aws_s3_bucket", "aws_x"]) | draw_value,
        "name": st.sampled_from(["logs", "y"]) | draw_value,
        "index": draw_value, "provider_name": draw_value,
        "values": st.dictionaries(st.sampled_from(["tags", "acl", "region"]), draw_value) | draw_value,
    })
    module = st.recursive(
        st.fixed_dictionaries({}, optional={"resources": st.lists(res, max_size=3) | draw_value}),
        lambda inner: st.fixed_dictionaries({}, optional={"resources": st.lists(res, max_size=3),
                                                          "child_modules": st.lists(inner, max_size=2) | draw_value,
                                                          "module_calls": st.dictionaries(
                                                              st.sampled_from(["m", "kms"]),
                                                              st.fixed_dictionaries({"module": inner}) | draw_value)}),
        max_leaves=4)
    return st.fixed_dictionaries({"format_version": st.sampled_from(["1.2", "0.1", "99"]) | draw_value,
                                  "terraform_version": st.just("1.5.7")}, optional={
        "planned_values": st.fixed_dictionaries({}, optional={"root_module": module}) | draw_value,
        "resource_changes": st.lists(st.fixed_dictionaries({}, optional={
            "address": draw_value | st.just("aws_s3_bucket.b"),
            "mode": draw_value,
            "change": st.fixed_dictionaries({}, optional={
                "actions": st.just(["delete"]) | draw_value, "after_unknown": draw_value})}) | draw_value,
            max_size=3) | draw_value,
        "configuration": st.fixed_dictionaries({}, optional={
            "root_module": module | draw_value, "provider_config": draw_value | st.dictionaries(
                st.sampled_from(["aws", "aws.west", "module.m:aws"]), draw_value | st.fixed_dictionaries(
                    {"expressions": draw_value | st.fixed_dictionaries({"region": draw_value})}))}) | draw_value,
        "variables": draw_value,
    })


@FUZZ
@given(doc=_plan_shaped(JSON_VALUES))
def test_plan_random_documents(doc):
    with tempfile.TemporaryDirectory() as tmp, time_limit(HANG_SECONDS):
        # A .tf file beside the plan, so the loader also looks declarations up.
        (Path(tmp) / "main.tf").write_bytes(HCL_SEEDS[2].read_bytes())
        plan_file(json.dumps(doc).encode(), Path(tmp))


# --- HCL -> terraform_hcl.load ------------------------------------------------------

@FUZZ
@given(seed=_seed(HCL_SEEDS), ops=OPS)
def test_hcl_mutated_fixtures(seed, ops):
    data = mutate(seed, ops, HCL_TOKENS)
    with tempfile.TemporaryDirectory() as tmp, time_limit(HANG_SECONDS):
        hcl_dir(data, Path(tmp))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list('{}[]()"=:,.$%#/*\\\n abcx_01<EOF-')), max_size=200),
       tfvars=st.none() | st.text(alphabet=st.sampled_from(list('{}[]"=,\n ax1$')), max_size=60))
def test_hcl_random_text(text, tfvars):
    with tempfile.TemporaryDirectory() as tmp, time_limit(HANG_SECONDS):
        hcl_dir(text.encode(), Path(tmp), tfvars=None if tfvars is None else tfvars.encode())
