"""MarkedLoader remembers how plain scalars resolve: the tags must stay PyYAML's own."""

import yaml

from compliance.locate import MarkedLoader

SCALARS = ["yes", "No", "on", "OFF", "true", "1", "-1", "0x1F", "0o17", "1_000", "1.5", ".inf", "-.Inf", ".nan",
           "~", "null", "", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "v1", "nginx:1.25",
           "'quoted'", '"7"', "1e3", "12:30:00", "0777"]


def _tags(loader: type) -> list[tuple[str, str]]:
    text = "\n".join(f"k{i}: {value}" for i, value in enumerate(SCALARS)) + "\nseq: [a, 1]\nmap: {b: 2}\n"
    node = yaml.compose(text, Loader=loader)
    return [(key.value, value.tag) for key, value in node.value]


def test_tags_match_pyyaml_and_stay_the_same_when_remembered():
    expected = _tags(yaml.CSafeLoader)
    assert _tags(MarkedLoader) == expected  # first time: resolved and remembered
    assert _tags(MarkedLoader) == expected  # second time: from the memo
    assert dict(expected)["k0"] == "tag:yaml.org,2002:bool"
    assert dict(expected)["k5"] == "tag:yaml.org,2002:int"
    assert dict(expected)["k23"] == "tag:yaml.org,2002:str"  # quoted: never resolved implicitly


def test_a_quoted_scalar_is_a_string_even_when_its_plain_twin_was_remembered():
    yaml.compose("a: 7\n", Loader=MarkedLoader)  # "7" remembered as int for plain scalars
    node = yaml.compose('a: "7"\n', Loader=MarkedLoader)
    assert node.value[0][1].tag == "tag:yaml.org,2002:str"


def test_no_path_resolvers_so_the_composer_callbacks_can_do_nothing():
    # MarkedLoader's descend/ascend_resolver ignore the composer's calls: right only while no
    # path resolver is registered for it (or any loader it derives from).
    assert not MarkedLoader.yaml_path_resolvers
    text = "a:\n  - b: [1, {c: d}]\n  - !!str 5\n"
    assert yaml.load(text, Loader=MarkedLoader) == yaml.load(text, Loader=yaml.CSafeLoader)
    assert yaml.compose(text, Loader=MarkedLoader).value[0][1].value[1].tag == "tag:yaml.org,2002:str"
