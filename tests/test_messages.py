"""Every message a user reads comes from the text catalogues: the code builds errors, help texts
and printed lines from ``simulator.text`` keys, never from English written in place.

Read from the source with ``ast``: an error's problem and what is allowed, an argparse help,
description or type error, and a printed line must not be a string literal, an f-string or a
sum of them. A name, a call (``", ".join(names)``) or a ``Message`` passes: data and catalogue
entries, not words.
"""

from __future__ import annotations

import ast
import pickle
import re
import signal
import warnings
from pathlib import Path

import pytest

from simulator.analysis.effort import Evaluation, RequiredValue
from simulator.cli import interrupted_message, main
from simulator.cli.options import argparse_words, run_command
from simulator.cli.require import format_required
from simulator.errors import NO_VALUE, InputError, ScenarioError
from simulator.text import LANGUAGES, Message, catalogue

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "simulator").rglob("*.py"), *(ROOT / "calibration").rglob("*.py")])
ERRORS = {"InputError", "ScenarioError", "OutputError"}
ARGUMENT_WORDS = {"help", "description", "epilog", "title"}


def words(node: ast.AST | None) -> bool:
    """Whether ``node`` is English written in place: a string literal with a letter in it, an
    f-string, or an expression joining one."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return words(node.left) or words(node.right)
    if isinstance(node, ast.IfExp):
        return words(node.body) or words(node.orelse)
    return False


def called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def argument(node: ast.Call, position: int, name: str):
    if len(node.args) > position:
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg == name), None)


def english_in_place(path: Path) -> list[str]:
    """``file:line what`` for every message in ``path`` written in English in place."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name, suspects = called(node), []
        if name in ERRORS:
            suspects = [argument(node, 2, "problem"), argument(node, 4, "allowed")]
        elif name in ("ArgumentTypeError", "error", "print"):
            suspects = list(node.args)
        elif name in ("add_argument", "ArgumentParser", "add_argument_group", "Parser",
                      "command_parser"):
            suspects = [k.value for k in node.keywords if k.arg in ARGUMENT_WORDS]
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {name}" for s in suspects if words(s)]
    return found


def test_no_message_is_written_in_english_in_place():
    assert [line for path in SOURCES for line in english_in_place(path)] == []


def test_the_scan_finds_english_written_in_place(tmp_path):
    """The check itself: each kind of message written in place is found."""
    source = tmp_path / "bad.py"
    source.write_text(
        'raise ScenarioError(file, None, "file not found")\n'
        'raise InputError("--draws", None, Message("x"), allowed=f"at most {n}")\n'
        'parser.add_argument("--n", help="how many " + "draws")\n'
        'print(f"written to {path}")\n'
        'raise argparse.ArgumentTypeError("not a number")\n'
        'raise InputError("--draws", None, Message("x"), value=3, allowed=", ".join(names))\n'
        'print(text("console.written", lang))\n', encoding="utf-8")
    global ROOT
    root, ROOT = ROOT, tmp_path
    try:
        assert [line.split(" ")[0] for line in english_in_place(source)] == [
            "bad.py:1", "bad.py:2", "bad.py:3", "bad.py:4", "bad.py:5"]
    finally:
        ROOT = root


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_error_reads_in_the_language_asked(lang):
    err = ScenarioError("a.yaml", "base.gdp", Message("error.file.not_found"), value=-1.0,
                        allowed=Message("error.file.not_found"))
    message = err.message(lang)
    assert message.startswith("a.yaml") and "'base.gdp'" in message and "-1.0" in message
    english = "a.yaml: field 'base.gdp': file not found (got -1.0); allowed: file not found"
    assert (message == english) == (lang == "en") and str(err) == english
    assert isinstance(err, InputError)


# -- the command line in the language asked ----------------------------------------------------

COMMANDS = ("calibrate", "sweep", "sensitivity", "discover", "require", "compare")
CJK = re.compile(r"[\u4e00-\u9fff]")
# an option and its help on one line: "  --seed S   随机种子..."
OPTION_LINE = re.compile(r"^  -.*?\S {2,}(\S.*)$")


def run_cli(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse: --help, or a bad option
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", ("", *COMMANDS))
def test_help_is_in_the_language_asked(command, capsys):
    words = [command] if command else []
    code, chinese, _ = run_cli([*words, "--lang", "zh", "--help"], capsys)
    _, english, _ = run_cli([*words, "--help"], capsys)
    assert code == 0 and chinese.startswith("用法：") and english.startswith("usage: ")
    table = f"help.{command or 'run'}."
    entries = {key: value for key, value in catalogue("en").items() if key.startswith(table)}
    assert entries  # each command has its help entries
    for key, value in entries.items():
        first = " ".join(value.split()[:4])  # argparse rewraps: compare a sentence's start
        if "{" not in first:
            assert first not in chinese, key
    described = [m.group(1) for m in map(OPTION_LINE.match, chinese.splitlines()) if m]
    assert len(described) >= 2 and all(CJK.search(words) for words in described), described


def test_an_error_of_a_command_is_in_the_language_asked(capsys):
    argv = ["require", "x.yaml", "--param", "p", "--probability", "0.5", "--range", "3:1"]
    code, _, err = run_cli([*argv, "--lang", "zh"], capsys)
    assert code == 2
    assert err.startswith("simulate require：错误：--range：LOW 必须小于 HIGH（给出的值：'3:1'）")
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and err == ("simulate require: error: --range: LOW must be below HIGH (got "
                                 "'3:1'); allowed: LOW:HIGH, two numbers with LOW < HIGH, e.g. "
                                 "0.02:0.06\n")


def test_a_bad_option_value_is_refused_in_the_language_asked(capsys):
    argv = ["require", "x.yaml", "--param", "p", "--probability", "0.5", "--draws", "-3"]
    code, _, err = run_cli([*argv, "--lang", "zh"], capsys)
    assert code == 2 and "simulate require：错误：" in err and "-3 小于最小值 1" in err
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and "simulate require: error: argument --draws: -3 is below the minimum 1" \
        in err


def test_a_scenario_error_reaches_the_console_in_the_language_asked(tmp_path, capsys):
    missing = tmp_path / "missing.yaml"
    code, _, err = run_cli(["require", str(missing), "--param", "p", "--probability", "0.5",
                            "--lang", "zh"], capsys)
    assert code == 2 and err == f"simulate require：错误：{missing}：找不到文件\n"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_interrupt_message_is_in_the_language_asked(lang):
    told = [interrupted_message(signal.SIGINT, [], lang),
            interrupted_message(signal.SIGTERM, [Path("results/x/summary.json")], lang)]
    assert "SIGINT" in told[0] and "results/x/summary.json" in told[1]
    assert all(bool(CJK.search(line)) == (lang == "zh") for line in told)


def required(status: str, direction: str = "at least") -> RequiredValue:
    at = Evaluation(0.05, 0.9, (0.88, 0.92))
    return RequiredValue("taiyuan_base", "paths.energy_intensity_decline.values.2026", "1/yr",
                         0.9, status, direction, at, Evaluation(0.0499, 0.89, (0.87, 0.91)),
                         Evaluation(0.03, 0.295, (0.29, 0.30)), at, (0.0, 0.09), 1e-4, 17,
                         20_000, 2030, "random")


@pytest.mark.parametrize("status", ["found", "unreachable", "whole_range"])
def test_the_required_value_reads_in_the_language_asked(status):
    english = format_required(required(status), [Path("results/x/require.json")], "en")
    chinese = format_required(required(status), [Path("results/x/require.json")], "zh")
    assert "0.0500 1/yr" in english and "0.0500 1/yr" in chinese
    assert english.splitlines()[-1] == chinese.splitlines()[-1] == "  results/x/require.json"
    assert not CJK.search(english)
    assert all(CJK.search(line) for line in chinese.splitlines()[:-1])
    if status == "found":
        assert english.startswith("To make a 2030 peak 90 % likely, paths.energy_intensity_"
                                  "decline.values.2026 must be at least 0.0500 1/yr (plan: "
                                  "0.0300 1/yr, which gives 29.5 %).")
        assert "至少为 0.0500 1/yr" in chinese


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_warning_in_the_catalogues_words_is_a_note_in_the_language_asked(lang, capsys):
    def body():
        warnings.warn(UserWarning(Message("note.sobol_draws", draws=1000, power=1024)),
                      stacklevel=2)
        return "done"

    assert run_command("simulate", body, lang) == 0
    out, err = capsys.readouterr()
    note = {"en": "simulate: note: Sobol points are balanced only for a power-of-two number of "
                  "draws; 1000 is not (try 1024)\n",
            "zh": "simulate：提示：只有当抽样次数为 2 的幂时 Sobol 点才是均衡的；1000 不是（可改用 1024）\n"}
    assert out == "done\n" and err == note[lang]


def test_another_warning_is_shown_as_python_shows_it(capsys):
    def body():
        warnings.warn("from a library", RuntimeWarning, stacklevel=2)
        return "done"

    with pytest.warns(RuntimeWarning, match="from a library"):  # handed on to Python's way
        assert run_command("simulate", body, "zh") == 0
    assert "from a library" not in capsys.readouterr().err


ARGPARSE_CASES = [  # (argv, what the Chinese error line says after "错误：")
    (["require", "x.yaml"], "缺少以下必需参数：--param, --probability"),
    (["x.yaml", "--bogus"], "无法识别的参数：--bogus"),
    (["x.yaml", "--keep", "x"], "参数 --keep：无效的选项："),
    (["x.yaml", "--draws"], "参数 --draws：需要一个值"),
    (["require", "x", "--param", "p", "--probability", "abc"], "参数 --probability：无效的 float 值："),
    (["compare"], "缺少以下必需参数：SCENARIO"),
    (["x.yaml", "--s", "3"], "选项不明确：--s 可以是 --seed, --scheduler"),
    (["x.yaml", "--draws", "0"], "参数 --draws：0 小于最小值 1"),
]


@pytest.mark.parametrize(("argv", "said"), ARGPARSE_CASES)
def test_argparse_own_phrases_are_in_the_language_asked(argv, said, capsys):
    """Against this Python's argparse: a phrase it words otherwise fails here, not silently."""
    code, _, err = run_cli([*argv, "--lang", "zh"], capsys)
    line = err.splitlines()[-1]
    assert code == 2 and said in line and line.startswith("simulate")
    assert not re.search(r"[a-z]{3,} [a-z]{3,}", line.partition("错误：")[2]), line
    code, _, err = run_cli([*argv, "--lang", "en"], capsys)
    assert code == 2 and ": error: " in err and not CJK.search(err)


def test_an_argparse_phrase_not_in_the_table_stays_as_it_comes():
    assert argparse_words("a phrase of a later Python", "zh") == "a phrase of a later Python"
    assert argparse_words("argument --n: a phrase of a later Python", "zh") == \
        "参数 --n：a phrase of a later Python"
    message = "argument --keep: invalid choice: 'x' (choose from 'summary', 'full')"
    assert argparse_words(message, "en") == message


@pytest.mark.parametrize("value", [-1.0, NO_VALUE])
def test_an_error_pickles_whole(value):
    """As a Dask worker's error reaches the client: the same parts, in every language."""
    err = ScenarioError("a.yaml", "base.gdp", Message("error.file.not_found"), value=value,
                        allowed=Message("error.scenario.empty"))
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ScenarioError and (back.value is NO_VALUE) == (value is NO_VALUE)
    assert [back.message(lang) for lang in LANGUAGES] == [err.message(lang) for lang in LANGUAGES]


def test_without_a_chinese_font_help_and_option_errors_come_first(monkeypatch, capsys):
    """The font is checked after every option is read: --help and argparse's errors do not
    need it; a run does, and is refused in Chinese before it starts."""
    from simulator.cli import options

    def no_font():
        raise InputError("--lang", None, Message("error.font.none"), value="zh",
                         allowed=Message("error.font.remedy"))
    monkeypatch.setattr(options, "chinese_font", no_font)
    code, out, _ = run_cli(["--lang", "zh", "--help"], capsys)
    assert code == 0 and out.startswith("用法：")
    code, _, err = run_cli(["x.yaml", "--bogus", "--lang", "zh"], capsys)
    assert code == 2 and "无法识别的参数：--bogus" in err
    code, _, err = run_cli(["x.yaml", "--lang", "zh"], capsys)
    assert code == 2 and err.splitlines()[-1].startswith("simulate：错误：参数 --lang：没有")
    code, _, err = run_cli(["require", "x.yaml", "--param", "p", "--probability", "0.5",
                            "--lang", "zh"], capsys)  # draws no chart: needs no font
    assert code == 2 and err == "simulate require：错误：x.yaml：找不到文件\n"
