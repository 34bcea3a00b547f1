"""Scenario YAML -> validated, typed ``Scenario``.

Validation happens in three passes, each naming the file that holds the bad value:

1. ``read_mapping``: the file exists, is UTF-8 YAML without duplicate keys, and is a mapping;
2. ``_check_file``: every key is in the schema, every value has the right type and bounds;
3. ``_check_scenario``: after ``extends`` is resolved, the rules that span fields (required
   fields, the projection horizon, shares summing to at most one).
"""

from __future__ import annotations

import hashlib
import json
import stat
from dataclasses import asdict, dataclass, is_dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from simulator.errors import ScenarioError
from simulator.model.checks import check_known, repeated
from simulator.model.fields import check_number, check_value
from simulator.model.lock import is_file, lock_path, read_lock
from simulator.model.parameters import (
    get_parameter, is_driver_path, parameter_field, set_parameters,
)
from simulator.model.schema import (
    FIELDS, FIELDS_BY_PATH, MODEL_SECTIONS, SECTIONS, DriverPath, Field,
)
from simulator.model.uncertainty import correlation_matrix
from simulator.text import Message

NOT_INHERITED = ("name", "extends")  # a variant names itself and its own parent


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario: every schema field by its dotted path, defaults filled in.

    Made by ``simulator.load_scenario``. A field is read by its path, ``scenario["base.direct_gas_share"]``
    or ``scenario["paths.gdp_growth"]`` (a ``DriverPath``); any numeric parameter, a field or one
    key of a driver path, by ``parameter``.

    Attributes
    ----------
    values : dict
        Every schema field by its dotted path, defaults filled in.
    source : Path
        The scenario file.
    files : tuple of Path
        The file and its ``extends`` parents, the file first.
    origins : dict
        For each field, which file of the ``extends`` chain set it, so later errors (for
        example a fuel mix that leaves no room for gas) can name the right file.
    locks : tuple of Path
        The calibration lock files applied (see ``simulator.model.lock``).
    """

    values: dict
    source: Path
    files: tuple[Path, ...]
    origins: dict
    locks: tuple[Path, ...] = ()

    def __getitem__(self, path: str):
        return self.values[path]

    @property
    def name(self) -> str:
        """The scenario's name, which names its output folder."""
        return self.values["name"]

    @property
    def region(self) -> str:
        """The region the scenario is for (``Taiyuan``)."""
        return self.values["region"]

    @property
    def base_year(self) -> int:
        """The first year of the horizon, the base-year state's year."""
        return self.values["base_year"]

    @property
    def end_year(self) -> int:
        """The last year of the horizon."""
        return self.values["end_year"]

    @property
    def years(self) -> np.ndarray:
        """Every year of the horizon, base year to end year."""
        return np.arange(self.base_year, self.end_year + 1)

    def origin(self, path: str) -> Path:
        """The file that set ``path`` (the scenario's own file for defaults)."""
        return self.origins.get(path, self.source)

    def parameter(self, name: str) -> float:
        """A parameter by its path, e.g. ``paths.direct_gas_share.values.2025``."""
        return get_parameter(self.values, name, self.source)

    def with_parameters(self, updates: dict) -> Scenario:
        """A copy with parameters replaced (each checked against its field's bounds)."""
        return replace(self, values=set_parameters(self.values, updates, self.source))

    @property
    def digest(self) -> str:
        """SHA-256 of the resolved scenario content: equal digests mean equal inputs."""
        text = json.dumps(self.values, sort_keys=True, default=_jsonable, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value):
    if is_dataclass(value):  # driver paths and uncertainty entries
        return asdict(value)
    raise TypeError(type(value))


def load_scenario(path, apply_own_lock: bool = True) -> Scenario:
    """Read, resolve ``extends`` and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The scenario YAML file.
    apply_own_lock : bool
        Apply the file's own calibration lock (``simulator.model.lock``); calibration itself starts
        from the unlocked values. The locks of ``extends`` parents always apply.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With the file, the field path, the bad value and what is allowed.
    """
    source = Path(path)
    chain = _extends_chain(source)
    files = [file for file, _ in chain]
    values, origins, locks = {}, {}, []
    for level in reversed(range(len(chain))):  # parent first, so the child overrides
        file, flat = chain[level]
        own = flat if file is source else {k: v for k, v in flat.items() if k not in NOT_INHERITED}
        values.update(own)
        origins.update(dict.fromkeys(own, file))
        if file is source and not apply_own_lock:
            continue
        locked = read_lock(file, files[level:], read_mapping)
        if locked is not None:
            values = set_parameters(values, locked, lock_path(file))
            origins.update(dict.fromkeys(locked, lock_path(file)))
            locks.append(lock_path(file))
    _check_scenario(values, origins, source)
    for f in FIELDS:
        values.setdefault(f.path, f.default)
    return Scenario(values=values, source=source, files=tuple(files), origins=origins,
                    locks=tuple(locks))


# -- pass 1: the file --------------------------------------------------------------------------


# Limits no scenario, lock or target file comes near (they nest at most 5 deep and hold a few
# thousand values), checked on the parser's events before anything is built: libyaml's composer
# recurses on the C stack (a few 10^4 levels crash the interpreter) and its scanner slows
# quadratically with depth; aliases are built by reference but expand in any error message
# or copy of the value ("billion laughs").
MAX_NESTING = 64
MAX_VALUES = 100_000
MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's parser where PyYAML has it, about 10x faster) that refuses
    duplicate keys, which plain YAML silently overwrites, and reports a value its type cannot
    hold (a date such as 2025-13-45, ``!!int x``) as a YAML error at its line."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue  # "<<: *defaults": SafeConstructor merges that mapping in
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                _refuse(Message("error.scenario.key_not_plain", type=type(key).__name__),
                        key_node.start_mark)
            if key in seen:
                _refuse(Message("error.scenario.duplicate_key", name=repr(key)),
                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            shown = repr(node.value) if isinstance(node, yaml.ScalarNode) else \
                Message(THIS_NODE.get(node.id, "error.scenario.this_node"), node=node.id)
            _refuse(Message("error.scenario.not_valid", shown=shown,
                            tag=node.tag.rsplit(":", 1)[-1]), node.start_mark)


THIS_NODE = {"mapping": "error.scenario.this_mapping", "sequence": "error.scenario.this_sequence"}


class _Refused(yaml.constructor.ConstructorError):
    """A YAML error of ours: ``message`` says it in the reader's language (``problem`` is its
    English, for PyYAML's own rendering of the error)."""

    def __init__(self, message: Message, mark):
        super().__init__(None, None, str(message), mark)
        self.message = message


def _refuse(message: Message, mark):
    raise _Refused(message, mark) from None


def read_mapping(file: Path) -> dict:
    """Parse a YAML file that must hold a mapping; every failure is a ``ScenarioError``."""
    text = _read_text(file)
    try:
        _check_structure(text)
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        raise ScenarioError(file, None, _yaml_problem(err)) from None
    except RecursionError:
        raise ScenarioError(file, None, Message("error.scenario.too_deep")) from None
    if data is None:
        raise ScenarioError(file, None, Message("error.scenario.empty"))
    if not isinstance(data, dict):
        raise ScenarioError(file, None, Message("error.scenario.not_mapping"),
                            value=type(data).__name__)
    return data


def _read_text(file: Path) -> str:
    """The file's text; a missing, special or unreadable file, or one not in UTF-8, is a
    ``ScenarioError`` (a FIFO or device is refused before it is read: it may never end)."""
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise ScenarioError(file, None, Message("error.file.not_found")) from None
    except (OSError, ValueError) as err:  # a name too long, a NUL byte in it, no permission
        raise ScenarioError(file, None, _unreadable(err)) from None
    if not stat.S_ISREG(mode):
        raise ScenarioError(file, None, Message("error.scenario.not_regular"))
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(file, None, Message("error.scenario.not_utf8",
                                                byte=err.start)) from None
    except OSError as err:
        raise ScenarioError(file, None, _unreadable(err)) from None


def _unreadable(err: Exception) -> Message:
    """The file cannot be read, for the system's reason in the system's words."""
    return Message("error.scenario.unreadable", reason=_reason(err))


def _reason(err: Exception) -> str:
    return getattr(err, "strerror", None) or str(err)


def _check_structure(text: str) -> None:
    """Refuse YAML nested deeper than ``MAX_NESTING``, holding more than ``MAX_VALUES`` values
    once its aliases are expanded, or with an alias inside the node it names, from the
    parser's events (stopping at the first excess, so a hostile file costs little)."""
    sizes, open_nodes, values = {}, [], 0  # values so far, aliases expanded
    for event in yaml.parse(text, Loader=_UniqueKeyLoader):
        added = 1
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append((event.anchor, values))
            if len(open_nodes) > MAX_NESTING:
                _structure_error(Message("error.scenario.too_nested", levels=MAX_NESTING),
                                 event)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = open_nodes.pop()
            sizes[anchor] = values - start
            added = 0
        elif isinstance(event, yaml.ScalarEvent):
            sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in open_nodes):
                _structure_error(Message("error.scenario.recursive_alias",
                                         anchor=event.anchor), event)
            added = sizes.get(event.anchor, 1)
        else:
            added = 0  # stream and document boundaries
        values += added
        if values > MAX_VALUES:
            _structure_error(Message("error.scenario.too_many_values", values=MAX_VALUES),
                             event)


def _structure_error(problem: Message, event: yaml.Event):
    raise _Refused(problem, event.start_mark)


def _yaml_problem(err: yaml.YAMLError) -> Message:
    """Where the YAML is wrong and why: our own reasons in the reader's language, PyYAML's in
    its own words."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "message", None) if isinstance(err, _Refused) else None
    problem = problem or getattr(err, "problem", None) or str(err)
    if mark is None:
        return Message("error.scenario.yaml", problem=problem)
    return Message("error.scenario.yaml_at", line=mark.line + 1, column=mark.column + 1,
                   problem=problem)


def _extends_chain(source: Path) -> list[tuple[Path, dict]]:
    """[(file, flat fields)] from the scenario up through its ``extends`` parents."""
    chain, seen = [], []
    file = source
    while True:
        resolved = file.resolve()
        if resolved in seen:
            cycle = " -> ".join(str(p) for p in [*(f for f, _ in chain), file])
            raise ScenarioError(chain[-1][0], "extends", Message("error.scenario.cycle"),
                                value=cycle, allowed=Message("error.scenario.chain_ends"))
        seen.append(resolved)
        flat = _check_file(read_mapping(file), file)
        chain.append((file, flat))
        parent = flat.get("extends")
        if parent is None:
            return chain
        parent_file = file.parent / parent
        if not is_file(parent_file):
            raise ScenarioError(file, "extends", Message("error.scenario.no_parent",
                                                         parent=repr(str(parent_file))),
                                value=parent, allowed=Message("error.scenario.parent_allowed"))
        file = parent_file


# -- pass 2: each field's type and bounds ------------------------------------------------------


def _check_file(data: dict, file: Path) -> dict:
    """Validate one file's keys and values; return them flat, keyed by dotted field path."""
    flat = {}
    top = [f.path for f in FIELDS if "." not in f.path] + SECTIONS
    for key, value in data.items():
        check_known(key, top, file, parent="")
        if key in SECTIONS:
            names = [f.path.split(".", 1)[1] for f in FIELDS if f.path.startswith(key + ".")]
            if not isinstance(value, dict):
                raise ScenarioError(file, key, Message("error.scenario.section_not_mapping"),
                                    value=value, allowed=Message("error.scenario.section_allowed",
                                                                 section=key, first=names[0]))
            for sub, sub_value in value.items():
                check_known(sub, names, file, parent=key)
                flat[f"{key}.{sub}"] = check_value(FIELDS_BY_PATH[f"{key}.{sub}"], sub_value, file)
        else:
            flat[key] = check_value(FIELDS_BY_PATH[key], value, file)
    return flat


# -- pass 3: rules across fields ---------------------------------------------------------------


def _check_scenario(values: dict, origins: dict, source: Path) -> None:
    for f in FIELDS:
        if f.required and f.path not in values:
            problem = Message("error.scenario.missing_own", path=f.path) \
                if f.path == "name" and "extends" in values else \
                Message("error.scenario.missing")
            raise ScenarioError(source, f.path, problem, allowed=Message(
                "error.scenario.required", allowed=f.allowed(), description=f.meaning()))
    base, end = values["base_year"], values["end_year"]
    if end <= base:
        raise ScenarioError(origins["end_year"], "end_year",
                            Message("error.scenario.end_before_base", base=base), value=end,
                            allowed=Message("error.scenario.year_after", base=base))
    for f in FIELDS:
        if f.kind == "path" and values.get(f.path) is not None:
            _check_horizon(f, values[f.path], base, end, origins[f.path])
    _check_direct_mix(values, origins)
    _check_observed(values, origins, base, end)
    _check_targets_file(values, origins)
    for name in values.get("calibration.free", ()):
        parameter_field(values, name, origins["calibration.free"])
    _check_uncertainty(values, origins, source)


def _check_horizon(f: Field, path: DriverPath, base: int, end: int, file: Path) -> None:
    for year in path.years:
        if not base < year <= end:
            allowed = Message("error.scenario.horizon_anchored", first=base + 1, end=end,
                              anchor=f.anchor) if f.anchor else \
                Message("error.scenario.horizon", first=base + 1, end=end)
            raise ScenarioError(file, f"{f.path}.values.{year}",
                                Message("error.scenario.outside_horizon"), value=year,
                                allowed=allowed)
    if f.anchor is None and path.years[0] != base + 1:
        raise ScenarioError(file, f"{f.path}.values", Message("error.scenario.rate_start"),
                            value=path.years[0],
                            allowed=Message("error.scenario.first_key", year=base + 1))


def _check_observed(values: dict, origins: dict, base: int, end: int) -> None:
    """Each observed value within its driver's bounds, in a year after the base year."""
    for i, e in enumerate(values.get("observed", ())):
        file, where = origins["observed"], f"observed[{i}]"
        check_number(FIELDS_BY_PATH[f"paths.{e.driver}"], e.value, file, f"{where}.value")
        if not base < e.year <= end:
            raise ScenarioError(file, f"{where}.year", Message("error.observed.outside_horizon"),
                                value=e.year, allowed=Message("error.scenario.horizon",
                                                              first=base + 1, end=end))


def _check_direct_mix(values: dict, origins: dict) -> None:
    oil, gas = values["base.direct_oil_share"], values["base.direct_gas_share"]
    if oil + gas > 1:
        raise ScenarioError(origins["base.direct_oil_share"], "base.direct_oil_share",
                            Message("error.scenario.direct_mix", total=oil + gas), value=oil,
                            allowed=Message("error.scenario.direct_mix_allowed", gas=gas))


def _check_targets_file(values: dict, origins: dict) -> None:
    name = values.get("calibration.targets")
    if name is not None and not is_file(origins["calibration.targets"].parent / name):
        raise ScenarioError(origins["calibration.targets"], "calibration.targets",
                            Message("error.scenario.no_targets"), value=name,
                            allowed=Message("error.scenario.targets_allowed"))


def _check_uncertainty(values: dict, origins: dict, source: Path) -> None:
    entries = values.get("uncertainty.parameters", ())
    file = origins.get("uncertainty.parameters", source)
    for i, entry in enumerate(entries):
        if not is_driver_path(values, entry.parameter):
            try:
                parameter_field(values, entry.parameter, file)
            except ScenarioError as err:
                raise ScenarioError(file, f"uncertainty.parameters[{i}].parameter", err.problem,
                                    value=entry.parameter, allowed=err.allowed) from None
        if entry.parameter.split(".", 1)[0] not in MODEL_SECTIONS:
            raise ScenarioError(file, f"uncertainty.parameters[{i}].parameter",
                                Message("error.scenario.not_model_input"),
                                value=entry.parameter, allowed=Message(
                                    "error.scenario.model_parameter",
                                    sections=", ".join(MODEL_SECTIONS)))
    twice = repeated([e.parameter for e in entries])
    if twice:
        raise ScenarioError(file, "uncertainty.parameters",
                            Message("error.scenario.two_distributions"), value=twice[0],
                            allowed=Message("error.scenario.one_entry"))
    correlation_matrix(entries, values.get("uncertainty.correlations", ()),
                       origins.get("uncertainty.correlations", source))
