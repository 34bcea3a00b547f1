"""Result files, written atomically.

Every file of a run is first written completely into a staging folder inside the output
folder, then moved into place with ``os.replace`` (atomic on one file system). A run that fails
or is interrupted before the moves leaves the earlier result untouched; no file is ever
half-written, and the folder never mixes files of two runs.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pandas as pd
import xarray as xr

from simulator.errors import OutputError
from simulator.interrupts import held
from simulator.text import Message

SUMMARY_FILE = "summary.json"
PROJECTION_FILE = "projection.nc"
ENSEMBLE_FILE = "ensemble.nc"
TEN_DIGITS = "%.10g"  # a float_format for tables of results
STAGING_PREFIX = ".staging-"
# A staging folder in which nothing changed for this long belongs to a run that was killed
# (SIGKILL, power loss) before it could remove it: a live run writes into its own every few
# seconds at most. Age rather than a process id, which means nothing on another machine
# sharing the folder.
STALE_STAGING = 3600.0  # s
WRITABLE = Message("error.output.writable")


def write_results(out_dir: Path, writers: dict[str, Callable[[Path], None]]) -> list[Path]:
    """Write each named file with its writer, then move them all into ``out_dir``.

    The moves run with SIGINT and SIGTERM held (``simulator.interrupts.held``): a signal that
    arrives during them takes effect just after, so the folder holds either all the earlier
    files or all the new ones. Holding is chosen over undoing half-done moves because the
    moves take milliseconds and the results are complete by then. Staging folders of killed
    runs (``STALE_STAGING``) are removed on the way.

    Returns the final paths. Raises ``OutputError`` when the folder cannot be written or a
    file cannot be written in full (a full disk, a file size limit); the earlier results
    there are then unchanged and no staging folder remains.
    """
    out_dir = Path(out_dir)
    staging = _staging_folder(out_dir, list(writers))
    try:
        for name, write in writers.items():
            _stage(out_dir, staging / name, write)
        _commit(staging, out_dir, list(writers))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in writers]


def _staging_folder(out_dir: Path, names: list[str]) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _check_targets(out_dir, names)
        remove_stale_staging(out_dir)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as err:
        raise OutputError(out_dir, None, Message("error.output.folder", reason=_reason(err)),
                          allowed=WRITABLE) from None


def _check_targets(out_dir: Path, names: list[str]) -> None:
    """A folder where a result file goes would stop the moves half-way: refused before."""
    for name in names:
        if (out_dir / name).is_dir():
            raise IsADirectoryError(errno.EISDIR, Message("error.output.in_the_way", name=name))


def _stage(out_dir: Path, path: Path, write: Callable[[Path], None]) -> None:
    try:
        write(path)
        _fsync(path)
    except OSError as err:
        raise OutputError(out_dir, None, Message("error.output.writing", file=path.name,
                                                 reason=_reason(err)),
                          allowed=WRITABLE) from None


def _commit(staging: Path, out_dir: Path, names: list[str]) -> None:
    try:
        with held(out_dir):
            for name in names:
                os.replace(staging / name, out_dir / name)
    except OSError as err:  # renames within one folder: a failing disk, or a race with others
        raise OutputError(out_dir, None, Message("error.output.moving", reason=_reason(err)),
                          allowed=WRITABLE) from None
    with suppress(OSError):  # the files are in place; some file systems cannot sync a folder
        _fsync(out_dir)


def remove_stale_staging(out_dir: Path, now: float | None = None) -> list[Path]:
    """Remove the staging folders in ``out_dir`` in which nothing changed for
    ``STALE_STAGING`` seconds; returns them. Only folders named like ours are touched."""
    now = time.time() if now is None else now
    stale = [entry for entry in Path(out_dir).glob(STAGING_PREFIX + "*")
             if entry.is_dir() and not entry.is_symlink()
             and now - _last_change(entry) > STALE_STAGING]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def _last_change(folder: Path) -> float:
    try:
        return max(entry.lstat().st_mtime for entry in [folder, *folder.iterdir()])
    except OSError:  # removed meanwhile, e.g. by its own run finishing
        return time.time()


def _reason(err: OSError) -> Message | str:
    """``No space left on device`` and the like, as the operating system says it (the file is
    named by the caller); our own reasons (``_check_targets``, ``_to_netcdf``) are Messages."""
    return err.strerror or str(err)


def json_writer(content: dict) -> Callable[[Path], None]:
    # allow_nan=False: a NaN must fail loudly here rather than reach a report as "NaN"
    text = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return lambda path: path.write_text(text, encoding="utf-8")


def csv_writer(table: pd.DataFrame, float_format: str | None = None) -> Callable[[Path], None]:
    """A table as UTF-8 CSV without the index (``float_format`` as pandas takes it)."""
    text = table.to_csv(index=False, float_format=float_format)
    return lambda path: path.write_text(text, encoding="utf-8")


def netcdf_writer(dataset: xr.Dataset) -> Callable[[Path], None]:
    return lambda path: _to_netcdf(dataset, path)


def _to_netcdf(dataset: xr.Dataset, path: Path) -> None:
    """The netCDF library reports a failed write (a full disk, a file size limit) as a
    RuntimeError "NetCDF: HDF error" rather than the OS error: made an OSError here."""
    try:
        dataset.to_netcdf(path, engine="netcdf4")
    except RuntimeError as err:
        if not str(err).startswith("NetCDF:"):
            raise
        raise OSError(errno.EIO, Message("error.output.netcdf", error=str(err))) from err


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to the disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
