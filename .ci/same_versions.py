"""Check that this environment has the versions a plain ``pip install .`` would get.

Usage: python .ci/same_versions.py REPORT.json

REPORT.json is pip's installation report of ``pip install --dry-run --ignore-installed
--report REPORT.json .``: every package a plain install resolves to, the runtime dependencies
and theirs. The test environment (``pip install ".[test]"``) must have each at the same
version, so that the tests run what users get (an extra that caps a runtime dependency, as
pyam caps matplotlib, fails here). Prints both lists; exits 1 on a difference.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata


def canonicalize_name(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def main(report_path: str) -> int:
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
    plain = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
             for item in report["install"]}
    installed = {canonicalize_name(d.metadata["Name"]): d.version
                 for d in metadata.distributions()}
    plain.pop(canonicalize_name("carbon-peak-simulator"), None)
    width = max(map(len, plain))
    different = []
    print(f"{'package':{width}}  {'pip install .':>14}  {'test venv':>14}")
    for name in sorted(plain):
        here = installed.get(name, "(missing)")
        mark = "" if here == plain[name] else "  <- differs"
        print(f"{name:{width}}  {plain[name]:>14}  {here:>14}{mark}")
        if mark:
            different.append(name)
    if different:
        print(f"ci: the test environment has other versions of {', '.join(different)} than "
              "a plain `pip install .`: an extra pulls them away (see pyproject.toml)",
              file=sys.stderr)
        return 1
    print(f"ci: the test environment has the {len(plain)} packages of a plain `pip install .` "
          "at the same versions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
