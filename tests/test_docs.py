"""The docs' generated parts: every page asks only for parts that exist, and what the build puts
in is complete. (The build itself, with its examples run, is ``.ci/run``'s docs step; these checks
need no Sphinx.)"""

import ast
import importlib.util
import re

import pytest

from simulator.model.schema import FIELDS
from simulator.model.targets import FILE_KEYS, MODEL_KEYS, TARGET_KEYS

from conftest import REPO

DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def _generated():
    spec = importlib.util.spec_from_file_location("generated", DOCS / "_ext" / "generated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generated = _generated()


def filled(name: str) -> str:
    return generated.fill((DOCS / f"{name}.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_generated_part_of_a_page_is_filled(page):
    text = generated.fill(page.read_text(encoding="utf-8"))
    assert "{generated}" not in text


def test_an_unknown_generated_part_stops_the_build():
    with pytest.raises(ValueError, match="unknown generated part 'nothing'"):
        generated.fill("```{generated} nothing\n```\n")


def test_every_page_is_in_the_table_of_contents():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    toctree = index.split("```{toctree}", 1)[1].split("```", 1)[0]
    assert {p.stem for p in PAGES} - {"index"} == set(toctree.split()) - {":maxdepth:", "2",
                                                                          ":hidden:"}


def test_the_scenario_format_page_lists_every_field():
    text = filled("scenario_format")
    for f in FIELDS:
        assert f"| `{f.path}` |" in text, f.path


def test_the_target_format_page_lists_every_key_and_quotes_taiyuan_verbatim():
    text = filled("target_format")
    for key in FILE_KEYS + TARGET_KEYS + MODEL_KEYS:
        assert f"| `{key.key}` |" in text, key.key
    source = (REPO / "calibration" / "targets" / "taiyuan.yaml").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n# calibration/targets/taiyuan.yaml.*?\n(.*?)\n```", text,
                        flags=re.S).group(1)
    for block in example.split("\n\n"):
        assert block.split("\ntargets:\n")[-1] in source


def test_the_architecture_page_maps_every_module_and_every_layer():
    text = filled("architecture")
    modules = [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
               for package in ("simulator", "calibration") for p in (REPO / package).rglob("*.py")]
    for module in modules:
        assert f"| `{module}` |" in text, module
    tree = ast.parse((REPO / "tests" / "test_layout.py").read_text(encoding="utf-8"))
    names = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "LAYER_NAMES")
    for level, name in names.items():
        assert f"| {level}: {name} |" in text
