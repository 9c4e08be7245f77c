"""The memory check before reading an upload: MemAvailable parsed, refusals in words, the factor honest."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake import memory_room

MEMINFO = """MemTotal:       24600000 kB
MemFree:         1000000 kB
MemAvailable:    3000000 kB
Buffers:          100000 kB
"""


def test_available_memory_reads_memavailable_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "meminfo"
    path.write_text(MEMINFO)
    assert memory_room.available_memory(path) == 3_000_000 * 1024


def test_available_memory_unknown_without_the_file_or_the_line(tmp_path: Path) -> None:
    assert memory_room.available_memory(tmp_path / "absent") is None
    path = tmp_path / "meminfo"
    path.write_text("MemTotal: 100 kB\n")
    assert memory_room.available_memory(path) is None


def test_real_meminfo_is_plausible() -> None:
    free = memory_room.available_memory()
    if free is None:
        pytest.skip("no /proc/meminfo on this system")
    assert 0 < free < 1 << 50


def test_refusal_names_sizes_and_what_to_do() -> None:
    n = 300_000_000
    with pytest.raises(DataError) as err:
        memory_room.check_room_to_read(n, available=2_000_000_000, reserve=1 << 30)
    text = str(err.value)
    assert "300 MB" in text and "2,700 MB" in text and "smaller extract" in text


def test_enough_room_or_unknown_room_reads() -> None:
    memory_room.check_room_to_read(10_000_000, available=10 * (1 << 30))
    memory_room.check_room_to_read(10**12, available=None)


def test_boundary_is_need_plus_reserve() -> None:
    n, reserve = 1_000_000, 5_000_000
    need = memory_room.reading_peak(n)
    memory_room.check_room_to_read(n, available=need + reserve, reserve=reserve)
    with pytest.raises(DataError):
        memory_room.check_room_to_read(n, available=need + reserve - 1, reserve=reserve)


def _mixed_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "patient_nbr": rng.integers(1, rows // 2, rows),
            "race": rng.choice(["Caucasian", "AfricanAmerican", "?", "Other"], rows),
            "age": rng.choice([f"[{d}-{d + 10})" for d in range(0, 100, 10)], rows),
            "num_lab_procedures": rng.integers(1, 120, rows),
            "diag_1": rng.choice([f"{c}" for c in range(250, 999)], rows),
            "A1Cresult": rng.choice(["None", ">7", ">8", "Norm"], rows),
            "glucose": rng.normal(140, 30, rows).round(1),
            "metformin": rng.choice(["No", "Steady", "Up", "Down"], rows),
            "readmitted": rng.choice(["NO", "<30", ">30"], rows, p=[0.5, 0.12, 0.38]),
        }
    )
    frame.to_csv(path, index=False)


def test_reading_peak_factor_covers_a_measured_read_of_mixed_data(tmp_path: Path) -> None:
    """The factor is not a guess: reading 60,000 mixed rows in a fresh process stays under it."""
    path = tmp_path / "mixed.csv"
    _mixed_csv(path, 60_000)
    code = textwrap.dedent(
        f"""
        import resource, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from imbalance_core.intake import read
        raw = open({str(path)!r}, 'rb').read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        read.read_table(raw, 'mixed.csv')
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) * 1024)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    growth = int(out.stdout.split()[-1])
    assert growth <= memory_room.reading_peak(path.stat().st_size), (growth, path.stat().st_size)
