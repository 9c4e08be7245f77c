"""The memory guard reads the container's limit, not only the machine's free memory (issue 31, item 7).

Fake cgroup trees (v2 and v1) in a temporary folder: a server in a 2 GiB container on a machine with
3 GB free must be refused what the container cannot hold, or the kernel kills it mid-read."""

from __future__ import annotations

from pathlib import Path

import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake import memory_room

GIB = 1 << 30


def _meminfo(tmp_path: Path, available_kb: int = 3_000_000) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal: 24600000 kB\nMemAvailable: {available_kb} kB\n")
    return path


def _write(folder: Path, **files: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".", 1)).write_text(text)


def test_cgroup_v2_limit_minus_usage_less_reclaimable_cache(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _write(root, cgroup_controllers="memory cpu\n")
    _write(root / "docker", memory_max="max\n", memory_current=str(3 * GIB))
    _write(
        root / "docker" / "abc",
        memory_max=f"{2 * GIB}\n",
        memory_current=f"{GIB + GIB // 2}\n",
        memory_stat=f"anon 1000\nfile 2000\ninactive_file {GIB // 4}\n",
    )
    own = tmp_path / "self_cgroup"
    own.write_text("0::/docker/abc\n")
    expected = 2 * GIB - (GIB + GIB // 2 - GIB // 4)  # 0.75 GiB, by hand
    assert memory_room.cgroup_room(root, own) == expected
    got = memory_room.available_memory(_meminfo(tmp_path), root, own)
    assert got == expected < 3_000_000 * 1024  # the container is the tighter bound
    with pytest.raises(DataError, match="to spare right now"):
        memory_room.check_room_to_read(50_000_000, got)  # 450 MB to read + 1 GiB reserve > 0.75 GiB


def test_cgroup_v1_limit_and_a_tighter_parent(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _write(root / "memory" / "kube", memory_limit_in_bytes=str(GIB), memory_usage_in_bytes=str(GIB // 2))
    _write(
        root / "memory" / "kube" / "pod",
        memory_limit_in_bytes="9223372036854771712\n",  # v1's "no limit"
        memory_usage_in_bytes=str(GIB // 2),
        memory_stat="cache 10\ntotal_inactive_file 0\n",
    )
    own = tmp_path / "self_cgroup"
    own.write_text("9:name=systemd:/\n4:memory:/kube/pod\n0::/\n")
    assert memory_room.cgroup_room(root, own) == GIB // 2
    assert memory_room.available_memory(_meminfo(tmp_path), root, own) == GIB // 2


def test_no_cgroup_limit_leaves_the_machine_figure(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _write(root / "memory", memory_limit_in_bytes="9223372036854771712", memory_usage_in_bytes="5")
    own = tmp_path / "self_cgroup"
    own.write_text("4:memory:/\n")
    assert memory_room.cgroup_room(root, own) is None
    assert memory_room.available_memory(_meminfo(tmp_path), root, own) == 3_000_000 * 1024
    assert memory_room.available_memory(tmp_path / "absent", root, tmp_path / "absent") is None
