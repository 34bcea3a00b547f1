"""Where each number of a scenario comes from: the comments beside it in the scenario files.

A scenario file gives the source of every number in comments: a block of comment lines
directly above a key, a comment after the value on the same line, or both. YAML parsers drop
comments, so this module reads the files line by line (block scalars and quoted values
included) and keys each note by the path the rest of the package uses:

- ``base.gdp``, ``emission_factors.coal``, ``paths.gdp_growth.values.2031``;
- list entries by their first value: ``uncertainty.parameters[paths.gdp_growth]``,
  ``uncertainty.shocks[full_load_hours]``, ``calibration.free[base.direct_gas_share]``.

A variant (``extends``) inherits its parent's notes, except for the fields it sets itself:
there its own notes hold, and a parent's notes on keys the variant no longer has are dropped.

The words of a note say how the number was found (``note_kind``): "assumption" anywhere marks
a number no source gives; otherwise the first of "PLAN" (the plan's text), "REF" (the reference
data) or "C" (computed from sourced numbers, e.g. ``C: 1 - (0.559/0.601)^(1/3)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from simulator.model.scenario import Scenario
from simulator.model.schema import FIELDS_BY_PATH

KINDS = ("assumption", "computed", "plan", "reference", "other")

ASSUMPTION = re.compile(r"\bassum(?:ption|ptions|ed|es|ing)\b", re.IGNORECASE)
MARKERS = (
    ("plan", re.compile(r"\bPLAN\b")),
    ("reference", re.compile(r"\bREF\b")),
    # "C:", "(C)", "(C, REF §2)"; not a reference grade ("grade C", "grades B/C")
    ("computed", re.compile(r"(?<![\w/])(?<!grade )(?<!grades )C(?=[:,)]|$)")),
)
KEY_VALUE = re.compile(r"^(?P<key>'[^']*'|\"[^\"]*\"|[^\s'\"#\[{-][^:]*?|-[^\s:][^:]*?)"
                       r"\s*:(?:\s+(?P<value>.*))?$")
BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*$")


@dataclass(frozen=True)
class Note:
    """The comment on one scenario field: its path, the file it is in, its text and kind."""

    path: str
    file: Path
    text: str
    kind: str


def field_notes(scenario: Scenario) -> dict[str, Note]:
    """Every commented field of a scenario and its note, following ``extends``.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; its ``files`` (the file, then its parents) are read again as text.

    Returns
    -------
    dict of str to Note
        Keyed by field path (see the module docstring); only keys that carry a comment.
    """
    per_file = {file: file_notes(Path(file).read_text(encoding="utf-8"))
                for file in scenario.files}
    notes = {}
    for file in reversed(scenario.files):  # the parent first, so a variant's notes override
        for path, text in per_file[file].items():
            if text and _owner(path, scenario.files, per_file) == file:
                notes[path] = Note(path, Path(file), text, note_kind(text))
    return notes


def _owner(path: str, files: tuple, per_file: dict):
    """The first file of the chain (the variant first) that sets the field holding ``path``:
    a variant's field replaces the parent's whole, notes on its keys included."""
    field = _field_of(path)
    return next((file for file in files if field in per_file[file]), None)


def _field_of(path: str) -> str:
    """``paths.x.values.2030`` -> ``paths.x``; ``uncertainty.parameters[...]...`` ->
    ``uncertainty.parameters``; a section or unknown key stays itself."""
    head = path.split("[", 1)[0]
    parts = head.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in FIELDS_BY_PATH:
            return ".".join(parts[:n])
    return head


def note_kind(text: str) -> str:
    """How a note says its number was found: one of ``KINDS``."""
    if ASSUMPTION.search(text):
        return "assumption"
    found = [(match.start(), kind) for kind, marker in MARKERS
             if (match := marker.search(text))]
    return min(found)[1] if found else "other"


def file_notes(text: str) -> dict[str, str]:
    """Path -> note for every key of one YAML text ("" for a key without a comment).

    Keys at deeper indentation nest under the key above them; list entries are named by
    their first value (``- parameter: X`` -> ``[X]``, ``- X`` -> ``[X]``).
    """
    notes: dict[str, str] = {}
    stack: list[tuple[int, str, bool]] = []  # (indent, path, is a list entry)
    block: list[str] = []  # comment lines waiting for the key below them
    scalar_indent = None  # inside a block scalar (description: >-): its key's indent
    header = True  # the file's opening comment describes the file, not its first key
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if scalar_indent is not None and (not stripped or indent > scalar_indent):
            continue
        scalar_indent = None
        if not stripped or stripped in ("---", "..."):
            block, header = [], False
        elif stripped.startswith("#"):
            block += [] if header else [stripped.lstrip("#").strip()]
        else:
            header = False
            content, inline = _split_comment(stripped)
            path, container, scalar = _entry(content, indent, stack)
            if path is not None:
                notes[path] = " ".join(part for part in [*block, inline] if part)
                if container:
                    stack.append((indent, path, content.startswith("-")))
                if scalar:
                    scalar_indent = indent
            block = []
    return notes


def _entry(content: str, indent: int, stack: list) -> tuple[str | None, bool, bool]:
    """(path, opens a nested level, starts a block scalar) of one non-comment line."""
    item = content == "-" or content.startswith("- ")
    while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and (stack[-1][2]
                                                                          or not item))):
        stack.pop()  # a list may sit at its key's own indent ("free:\n- a")
    parent = stack[-1][1] if stack else ""
    if item:
        body = content[1:].strip()
        match = KEY_VALUE.match(body)
        name = match["value"] if match and match["value"] else body
        return f"{parent}[{_unquote(name).strip('[]')}]", True, False
    match = KEY_VALUE.match(content)
    if match is None:
        return None, False, False  # a continuation line of a flow value
    key = _unquote(match["key"])
    value = (match["value"] or "").strip()
    path = f"{parent}.{key}" if parent else key
    return path, not value, bool(BLOCK_SCALAR.match(value))


def _split_comment(content: str) -> tuple[str, str]:
    """(content, comment) of one stripped line: a comment starts at a ``#`` after a space,
    outside a quoted value."""
    start = 0
    quoted = re.match(r"^(?:-\s+)?(?:[^\s'\"#][^:]*:\s+)?(['\"])", content)
    if quoted:  # skip the quoted value, where '#' is text
        quote = quoted[1]
        end = content.find(quote, quoted.end())
        while end != -1 and quote == "'" and content[end + 1:end + 2] == "'":
            end = content.find(quote, end + 2)  # '' is a quote inside a single-quoted value
        while end != -1 and quote == '"' and content[end - 1] == "\\":
            end = content.find(quote, end + 1)
        start = len(content) if end == -1 else end + 1
    hash_mark = re.compile(r"(?:^|\s)#").search(content, start)
    if hash_mark is None:
        return content.rstrip(), ""
    cut = hash_mark.start() + (hash_mark[0][0] != "#")
    return content[:cut].rstrip(), content[cut + 1:].strip()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
