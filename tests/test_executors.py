"""Executors: a Dask cluster started by the test gives the same knowledge base as a serial build."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsgraph.run import build
from newsgraph.store.sqlite import open_store

pytest.importorskip("distributed", reason="the Dask executor is an optional extra: pip install 'newsgraph[dask]'")
# one pytest worker runs this module, so one cluster (a scheduler and two workers, each loading spaCy) runs at a time
pytestmark = pytest.mark.xdist_group("dask-cluster")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dask_scheduler():
    """A scheduler and two single-threaded workers on 127.0.0.1, as a user would start them on other machines."""
    bindir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        from distributed import Client

        deadline = time.time() + 120
        while True:
            try:
                Client(address, timeout="2s").close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        for _ in range(2):
            procs.append(subprocess.Popen([str(bindir / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                           "--no-dashboard", "--host", "127.0.0.1"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout="10s") as client:
            client.wait_for_workers(2, timeout=180)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _sorted_export(db) -> str:
    from newsgraph.outputs.export import export_json

    with open_store(db, readonly=True) as store:
        return json.dumps(export_json(store.conn), sort_keys=True, ensure_ascii=False)


@pytest.mark.slow
def test_dask_build_equals_serial_build_byte_for_byte(dask_scheduler, seeds_dir, shared_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus / "seeds")
    bbc = sorted((shared_corpus / "bbc").rglob("*.txt"))[:300]
    for f in bbc:
        target = corpus / "bbc" / f.parent.name / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.read_bytes())
    serial, distributed = tmp_path / "serial.db", tmp_path / "dask.db"
    build([str(corpus)], str(serial))
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions

    report = build([str(corpus)], str(distributed),
                   options=BuildOptions(analysis=AnalysisOptions.from_environment(), executor=dask_scheduler))
    assert report.processed > 290
    assert _sorted_export(serial) == _sorted_export(distributed)
    again = build([str(corpus)], str(distributed),
                  options=BuildOptions(analysis=AnalysisOptions.from_environment(), executor=dask_scheduler))
    assert again.processed == 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_dask_build_resumes_to_the_serial_result(dask_scheduler, shared_corpus, tmp_path, sig, newsgraph_command):
    """A distributed build stopped mid-way (killed, or Ctrl-C) resumes on the cluster to the serial build's export:
    the single writer had stored whole documents only, and the resumed build sends only the rest."""
    from conftest import interrupt_mid_build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    total = 80
    for p in sorted((shared_corpus / "bbc" / "politics").glob("*.txt"))[:total]:
        shutil.copy(p, corpus / p.name)
    killed, serial = tmp_path / "killed.db", tmp_path / "serial.db"
    cmd = newsgraph_command("build", str(corpus), "--db", str(killed), "--quiet", "--executor", dask_scheduler)
    partial = interrupt_mid_build(cmd, killed, sig, total, timeout=300)
    from newsgraph.pipeline import AnalysisOptions
    from newsgraph.run import BuildOptions

    # the settings the command line and the serial build read, so a user's trained model or settings count the same
    resumed = build([str(corpus)], str(killed),
                    options=BuildOptions(analysis=AnalysisOptions.from_environment(), executor=dask_scheduler))
    assert resumed.processed == total - partial
    build([str(corpus)], str(serial))
    assert _sorted_export(killed) == _sorted_export(serial)


def test_executor_names_are_checked():
    from newsgraph.errors import InputError
    from newsgraph.executors import ProcessExecutor, SerialExecutor, make_executor

    assert isinstance(make_executor("local", 1), SerialExecutor)
    assert isinstance(make_executor("local", 2), ProcessExecutor)
    with pytest.raises(InputError, match="unknown executor"):
        make_executor("mainframe", 2)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        make_executor(f"dask://127.0.0.1:{_free_port()}", 1)
