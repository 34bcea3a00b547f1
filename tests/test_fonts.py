"""The font rule: a font counts as Chinese only if it really draws 万 亿 碳 峰 (matplotlib's
placeholder font Last Resort is refused), and when none is found matplotlib's font list is
brought up to date once, so that installing a font is enough."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager, ft2font

from simulator.errors import InputError
from simulator.report import fonts

from conftest import needs_cjk_font, require

DATA_FONTS = Path(matplotlib.get_data_path(), "fonts", "ttf")
LAST_RESORT = DATA_FONTS / "LastResortHE-Regular.ttf"  # bundled since matplotlib 3.11
DEJAVU = DATA_FONTS / "DejaVuSans.ttf"
CACHE_NAME = f"fontlist-v{font_manager.FontManager.__version__}.json"


@pytest.fixture
def fresh_lookup():
    fonts.find_chinese_font.cache_clear()
    yield
    fonts.find_chinese_font.cache_clear()


def entry(path, name):
    return font_manager.FontEntry(fname=str(path), name=name)


def test_last_resort_has_every_character_in_its_map_yet_is_refused(fresh_lookup, monkeypatch):
    if not LAST_RESORT.is_file():
        pytest.skip(f"this matplotlib ({matplotlib.__version__}) ships no Last Resort font")
    font = ft2font.FT2Font(str(LAST_RESORT))
    indices = [font.get_char_index(ord(ch)) for ch in fonts.PROBE_CHARACTERS]
    assert all(indices)  # a character-map test alone accepts it: the bug in matplotlib 3.11
    assert len(set(indices)) == 1  # one placeholder glyph for the whole CJK block
    assert not fonts.draws(str(LAST_RESORT))
    monkeypatch.setattr(fonts, "installed_fonts",
                        lambda: [entry(LAST_RESORT, "Last Resort High-Efficiency"),
                                 entry(DEJAVU, "DejaVu Sans")])
    monkeypatch.setattr(fonts, "refresh_font_list", lambda: False)
    assert fonts.find_chinese_font() is None and not fonts.has_chinese_font()


def test_a_latin_font_is_refused_and_draws_its_own_letters():
    assert not fonts.draws(str(DEJAVU))
    assert fonts.draws(str(DEJAVU), "ABCD")
    assert not fonts.draws(str(DEJAVU), "ABCA")  # two characters, one glyph: not four drawn
    assert not fonts.draws("/nonexistent/font.ttf")


@needs_cjk_font
def test_an_installed_cjk_font_is_accepted(cjk_font):
    faces = [e for e in fonts.installed_fonts() if e.name == cjk_font]
    assert any(fonts.draws(e.fname, fonts.PROBE_CHARACTERS, getattr(e, "index", 0)) for e in faces)
    assert fonts.chinese_font() == cjk_font


def test_without_a_chinese_font_the_font_list_is_refreshed_once(fresh_lookup, monkeypatch):
    listed = [entry(DEJAVU, "DejaVu Sans")]
    refreshed = []

    def refresh():  # as if a CJK font had been installed after matplotlib cached its list
        refreshed.append(True)
        listed.append(entry("/fonts/new-cjk.ttf", "New CJK"))
        return True

    monkeypatch.setattr(fonts, "installed_fonts", lambda: list(listed))
    monkeypatch.setattr(fonts, "refresh_font_list", refresh)
    monkeypatch.setattr(fonts, "draws", lambda path, *_: path == "/fonts/new-cjk.ttf")
    assert fonts.chinese_font() == "New CJK"
    assert fonts.chinese_font() == "New CJK" and fonts.has_chinese_font()
    assert refreshed == [True]


def test_with_nothing_new_to_add_the_lookup_gives_up_after_one_refresh(fresh_lookup,
                                                                      monkeypatch):
    refreshed = []
    monkeypatch.setattr(fonts, "installed_fonts", lambda: [entry(DEJAVU, "DejaVu Sans")])
    monkeypatch.setattr(fonts, "refresh_font_list", lambda: refreshed.append(True) or False)
    with pytest.raises(InputError) as caught:
        fonts.chinese_font()
    assert caught.value.file == "--lang" and "fonts-wqy-microhei" in str(caught.value.allowed)
    assert not fonts.has_chinese_font()
    assert refreshed == [True]  # the answer, "none" too, is kept for the process


def test_a_known_family_counts_only_if_it_draws(fresh_lookup, monkeypatch):
    # a font named like a CJK family but without the glyphs (a renamed Latin font)
    monkeypatch.setattr(fonts, "installed_fonts", lambda: [entry(DEJAVU, "SimHei")])
    monkeypatch.setattr(fonts, "refresh_font_list", lambda: False)
    assert fonts.find_chinese_font() is None


def test_refresh_adds_the_system_fonts_the_cached_list_lacks(tmp_path, monkeypatch):
    """A font list cached before a font was installed: refresh_font_list adds the file and
    saves the list where matplotlib reads it next time; a second refresh adds nothing."""
    system = sorted(font_manager.findSystemFonts(fontext="ttf"))
    readable = [p for p in system if _readable(p)]
    if not readable:
        pytest.skip("this machine has no system font file to leave out of the list")
    left_out = os.path.realpath(readable[0])
    font_manager.json_dump(font_manager.fontManager, tmp_path / "copy.json")
    manager = font_manager.json_load(tmp_path / "copy.json")
    manager.ttflist = [e for e in manager.ttflist if os.path.realpath(e.fname) != left_out]
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    assert fonts.refresh_font_list()
    assert left_out in {os.path.realpath(e.fname) for e in manager.ttflist}
    saved = json.loads((tmp_path / CACHE_NAME).read_text(encoding="utf-8"))
    assert left_out in {os.path.realpath(e["fname"]) for e in saved["ttflist"]
                        if os.path.isabs(e["fname"])}
    assert not fonts.refresh_font_list()


def _readable(path) -> bool:
    try:
        ft2font.FT2Font(path)
    except Exception:  # noqa: BLE001 - any font file FreeType refuses
        return False
    return True


FIND = "from simulator.report import fonts; print(fonts.find_chinese_font())"


@needs_cjk_font
def test_installing_a_font_is_enough_without_clearing_a_cache(tmp_path):
    """matplotlib's cached font list from before the CJK font was installed (the font left
    out of it): a fresh process finds the font anyway and saves it in the cache, so the next
    process finds it in the cache."""
    family = require("cjk_font")
    cjk_files = {os.path.realpath(e.fname) for e in fonts.installed_fonts() if e.name == family}
    font_manager.json_dump(font_manager.fontManager, tmp_path / CACHE_NAME)
    stale = json.loads((tmp_path / CACHE_NAME).read_text(encoding="utf-8"))
    stale["ttflist"] = [e for e in stale["ttflist"]
                        if os.path.realpath(e["fname"]) not in cjk_files]
    (tmp_path / CACHE_NAME).write_text(json.dumps(stale), encoding="utf-8")
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    for _ in range(2):  # the first finds it by the refresh, the second in the cache
        found = subprocess.run([sys.executable, "-c", FIND], env=env, capture_output=True,
                               text=True, timeout=120, check=True)
        assert found.stdout.strip() not in ("", "None"), found.stderr
    saved = json.loads((tmp_path / CACHE_NAME).read_text(encoding="utf-8"))
    assert cjk_files & {os.path.realpath(e["fname"]) for e in saved["ttflist"]}
