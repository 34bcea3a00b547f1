"""Result files, written atomically.

Every file of a run is first written completely into a staging folder inside the output
folder, then moved into place with ``os.replace`` (atomic on one file system). A run that fails
before the moves leaves the earlier result untouched; no file is ever half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xarray as xr

from .errors import OutputError

SUMMARY_FILE = "summary.json"
PROJECTION_FILE = "projection.nc"
ENSEMBLE_FILE = "ensemble.nc"
TEN_DIGITS = "%.10g"  # a float_format for tables of results


def write_results(out_dir: Path, writers: dict[str, Callable[[Path], None]]) -> list[Path]:
    """Write each named file with its writer, then move them all into ``out_dir``.

    Returns the final paths. Raises ``OutputError`` when the folder cannot be written.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    except OSError as err:
        raise OutputError(out_dir, None, f"output folder cannot be created or written: "
                          f"{err.strerror}", allowed="a writable folder (--out DIR)") from None
    try:
        for name, write in writers.items():
            write(staging / name)
            _fsync(staging / name)
        for name in writers:
            os.replace(staging / name, out_dir / name)
    except OSError as err:
        raise OutputError(out_dir, None, f"writing results failed: {err.strerror or err}; "
                          "earlier results there are unchanged",
                          allowed="a writable folder with free space") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in writers]


def json_writer(content: dict) -> Callable[[Path], None]:
    # allow_nan=False: a NaN must fail loudly here rather than reach a report as "NaN"
    text = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return lambda path: path.write_text(text, encoding="utf-8")


def csv_writer(table: pd.DataFrame, float_format: str | None = None) -> Callable[[Path], None]:
    """A table as UTF-8 CSV without the index (``float_format`` as pandas takes it)."""
    text = table.to_csv(index=False, float_format=float_format)
    return lambda path: path.write_text(text, encoding="utf-8")


def netcdf_writer(dataset: xr.Dataset) -> Callable[[Path], None]:
    return lambda path: dataset.to_netcdf(path, engine="netcdf4")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
