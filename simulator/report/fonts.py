"""The fonts the charts draw with: one that has Chinese characters, when the machine has one.

A font counts as Chinese only if it really draws ``PROBE_CHARACTERS``: each has a glyph of its
own in the font's character map, with an outline, and the four outlines differ from each other
and from the font's "missing glyph" (.notdef). A fallback font such as matplotlib's bundled
"Last Resort High-Efficiency" (matplotlib 3.11) maps every code point of a Unicode block to one
placeholder glyph (a box naming the block): it has a glyph index for every character, so a
character-map test alone accepts it, yet all four probes share that one glyph, so it is
refused here.

matplotlib keeps the list of installed fonts in a cache file that it does not refresh when a
font is installed. When no Chinese font is found, the font files on the system that the list
lacks are added to it, and the cache file saved, once, before giving up: installing a font is
enough, with no cache to clear by hand.
"""

from __future__ import annotations

import functools
import logging
import os

from simulator.errors import InputError
from simulator.text import Message

# Families with Chinese glyphs, tried in this order before any other installed font
KNOWN_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)
# a font that draws these draws the charts' vocabulary: the units' 万 and 亿, 碳达峰
PROBE_CHARACTERS = "万亿碳峰"
LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib
REMEDY = Message("error.font.remedy")

_log = logging.getLogger(__name__)


def chinese_font() -> str:
    """The family name of an installed font that draws Chinese characters.

    Raises
    ------
    InputError
        Naming ``--lang`` when no installed font draws Chinese characters.
    """
    family = find_chinese_font()
    if family is None:
        raise InputError("--lang", None, Message("error.font.none"), value="zh",
                         allowed=REMEDY)
    return family


@functools.cache  # the answer, "none" included: looking costs a look at every font file
def find_chinese_font() -> str | None:
    """A known Chinese font family that draws ``PROBE_CHARACTERS``, else any installed family
    that draws them, else None; when none does, matplotlib's font list is brought up to date
    with the font files on the system (``refresh_font_list``) and searched once more."""
    family = _search(installed_fonts())
    if family is None and refresh_font_list():
        family = _search(installed_fonts())
    return family


def _search(entries) -> str | None:
    faces: dict[str, list] = {}
    for entry in entries:
        faces.setdefault(entry.name, []).append(entry)

    def drawn(family: str) -> bool:
        return any(draws(e.fname, PROBE_CHARACTERS, getattr(e, "index", 0))
                   for e in faces[family])

    for family in KNOWN_CJK_FAMILIES:
        if family in faces and drawn(family):
            return family
    return next((family for family in sorted(faces) if drawn(family)), None)


def installed_fonts() -> list:
    """The fonts matplotlib knows (``font_manager.FontEntry`` list)."""
    from matplotlib import font_manager  # imported when a chart is made, not with the CLI

    return list(font_manager.fontManager.ttflist)


def refresh_font_list() -> bool:
    """Add the system's font files that matplotlib's font list (read from its cache file)
    lacks, fonts installed after the list was made, and save the list back to the cache file.

    Returns whether any font was added. Only the files the list lacks are read, so on a machine
    whose list is up to date this costs a directory listing.
    """
    import matplotlib
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {os.path.realpath(entry.fname) for entry in manager.ttflist}
    added = 0
    for path in font_manager.findSystemFonts(fontext="ttf"):
        if os.path.realpath(path) in known:
            continue
        known.add(os.path.realpath(path))
        try:
            manager.addfont(path)  # what FontManager() does for each file it finds
        except Exception as err:  # noqa: BLE001 - one unreadable file leaves the others
            _log.info("font file %s not added: %s", path, err)
            continue
        added += 1
    if added:
        cache = os.path.join(matplotlib.get_cachedir(),
                             f"fontlist-v{font_manager.FontManager.__version__}.json")
        font_manager.json_dump(manager, cache)  # the next run reads the fonts from there
    return added > 0


def draws(path: str, characters: str = PROBE_CHARACTERS, face_index: int = 0) -> bool:
    """Does the font (face ``face_index`` of the file at ``path``) draw every one of
    ``characters``: a glyph of its own for each in its character map, with an outline that
    differs from those of the others and from the font's missing-glyph box?

    A placeholder font (Last Resort) has a glyph index for every character but one shared
    placeholder glyph per Unicode block, so characters of one block come out the same."""
    from matplotlib import ft2font

    try:
        font = (ft2font.FT2Font(path, face_index=face_index) if face_index
                else ft2font.FT2Font(path))
        indices = [font.get_char_index(ord(ch)) for ch in characters]
        if not all(indices) or len(set(indices)) < len(indices):
            return False  # a character is missing, or two share one glyph
        outlines = set()
        for index in [0, *indices]:  # 0: .notdef, the box of a missing character
            font.load_glyph(index)
            vertices, codes = font.get_path()
            outlines.add((vertices.tobytes(), codes.tobytes()))
            if index and not len(codes):
                return False  # no outline: nothing drawn (or a bitmap-only face)
    except (OSError, RuntimeError, ValueError, TypeError):
        return False  # an unreadable font file has nothing to offer
    return len(outlines) == len(indices) + 1


def has_chinese_font() -> bool:
    """Whether ``chinese_font`` finds a font."""
    return find_chinese_font() is not None
