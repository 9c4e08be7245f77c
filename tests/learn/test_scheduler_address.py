"""A Dask scheduler address that cannot hang anyone (issue 31, item 6).

Servers here listen on 127.0.0.1 only: one accepts connections and never answers, one answers garbage.
Before the fix the silent one kept ``distributed.Client`` (and so the CLI and the Train page) waiting
for more than 100 s; ``tls://``, ``inproc://`` and very long hosts gave library tracebacks.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from imbalance_core.cli import main as cli_main
from imbalance_core.errors import DataError
from imbalance_core.learn import execution
from imbalance_core.learn.training import TrainSettings, train
from tests.conftest import ROOT
from tests.helpers_training import hcv

distributed = pytest.importorskip("distributed")
CSV = str(ROOT / "sample_data" / "hcv_lab_values.csv")
EVALUATE = [
    "evaluate",
    CSV,
    "--label",
    "Category",
    "--sampler",
    "none",
    "--classifier",
    "logreg",
    "--cv",
    "2",
]


def _server(reply: bytes | None) -> Iterator[str]:
    """A loopback server that accepts every connection and sends ``reply`` (None: nothing, ever)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    kept: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            kept.append(conn)
            if reply is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(reply)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in kept:
            conn.close()
        listener.close()


@pytest.fixture
def silent() -> Iterator[str]:
    yield from _server(None)


@pytest.fixture
def garbage() -> Iterator[str]:
    yield from _server(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + bytes(range(256)) * 40)


@pytest.fixture
def short_timeout(monkeypatch) -> float:
    monkeypatch.setattr(execution, "CONNECT_TIMEOUT", 2.0)
    return 2.0


def test_a_scheduler_that_never_answers_is_given_up_in_time(silent, short_timeout) -> None:
    started = time.monotonic()
    with (
        pytest.raises(execution.SchedulerUnreachableError, match="could not be reached"),
        execution.dask_client(silent),
    ):
        pass
    assert time.monotonic() - started < short_timeout + 5


def test_the_cli_with_a_silent_scheduler_exits_2_with_a_sentence(silent, short_timeout, capsys) -> None:
    started = time.monotonic()
    code = cli_main([*EVALUATE, "--scheduler", silent])
    err = capsys.readouterr().err
    assert code == 2 and "could not be reached" in err and "Traceback" not in err
    assert time.monotonic() - started < 60


def test_a_scheduler_answering_garbage_is_a_plain_message(garbage, short_timeout) -> None:
    started = time.monotonic()
    with pytest.raises(execution.SchedulerUnreachableError) as info:
        train(hcv(), TrainSettings(cv=2), scheduler=garbage)
    assert "scheduler" in str(info.value) and "Traceback" not in str(info.value)
    assert time.monotonic() - started < short_timeout + 5


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("tls://127.0.0.1:8786", "certificates"),
        ("inproc://10.0.0.1/1234/1", "tcp://HOST:8786"),
        ("tcp://" + "a" * 300 + ":8786", "longer than 253 characters"),
        ("tcp://" + ".".join(["b" * 70] * 2) + ":8786", "not a valid name"),
        ("tcp://host_with_underscore:8786", "tcp://HOST:8786"),
        ("tcp://127.0.0.1:70000", "1 to 65535"),
        ("tcp://127.0.0.1:0", "1 to 65535"),
        ("tcp://user@127.0.0.1:8786", "tcp://HOST:8786"),
        ("tcp://127.0.0.1:8786/path", "tcp://HOST:8786"),
        ("ucx://127.0.0.1:8786", "not supported"),
        ("http://example", "tcp://HOST:8786"),
    ],
)
def test_addresses_that_cannot_work_are_refused_before_any_connection(address, said, capsys) -> None:
    with pytest.raises(DataError, match=said):
        execution.scheduler_address(address)
    code = cli_main([*EVALUATE, "--scheduler", address])
    err = capsys.readouterr().err
    refusals = [line for line in err.strip().splitlines() if not line.startswith("note: ")]  # notes: data
    assert code == 2 and "Traceback" not in err and len(refusals) == 1 and said.split(":")[0] in err


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://dask-1.example.org", "tcp://[::1]:8786"])
def test_ordinary_addresses_are_accepted(address) -> None:
    assert execution.scheduler_address(address) == address


def test_a_real_scheduler_passes_the_probe() -> None:
    with distributed.LocalCluster(
        n_workers=1, processes=False, dashboard_address=None, protocol="tcp://", host="127.0.0.1"
    ) as cluster:
        execution.probe_scheduler(cluster.scheduler_address, timeout=10)
        with execution.dask_client(cluster.scheduler_address) as client:
            assert client.scheduler_info()["workers"]


def test_a_training_waiting_on_a_silent_scheduler_never_queues_a_local_one(silent) -> None:
    """One local worker (as on the 2-core server): a training sent to a silent scheduler must not make
    the next person's local training wait behind it (before: 'Sending 6 fits…' for > 190 s while
    others queued)."""
    from imbalance_core.learn import workers

    pool = workers.TrainingPool(max_workers=1)
    try:
        remote = pool.submit(hcv(), TrainSettings(cv=2), scheduler=silent)
        local = pool.submit(hcv(), TrainSettings(cv=2), scheduler="")
        assert pool.status(local).ahead == 0  # not behind the remote one
        local.future.result(timeout=240)
        assert pool.result(local).pipeline is not None
        with pytest.raises(execution.SchedulerUnreachableError, match="could not be reached"):
            remote.future.result(timeout=240)
    finally:
        pool.shutdown()
