"""The same run on a Dask LocalCluster (2 worker processes, 1 thread each): the same probability
raster byte for byte and the same candidates as one process; a worker killed in the middle does
not lose the run; a stopped run continues; a model the workers cannot see is said in one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

pytest.importorskip("distributed", reason="Dask is optional (requirements/cluster.txt)")

from thaw_slump_mapper.core import synthetic
from thaw_slump_mapper.core.engine.cluster import (
    connect,
    parse_cluster,
    queue_cluster,
    run_inference_on_cluster,
)
from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.errors import Cancelled, InputError, ModelError
from thaw_slump_mapper.core.progress import CancelToken

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"
CHUNK_PX = 192  # one 256 px tile (64 px overlap) a chunk: 9 chunks on the scene below, seams everywhere


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Three years, a NoData corner in one of them; the single-process run as the reference."""
    tmp = tmp_path_factory.mktemp("cluster")
    generated = synthetic.generate(tmp / "scene", synthetic.SceneSpec(width=640, height=576,
                                                                      nodata_corner_year=2020))
    mosaics = tuple(MosaicSpec(str(p), str(y)) for p, y in generated.mosaics)
    reference = run_inference(InferenceParams(mosaics, str(STARTER), cache_dir=str(tmp / "one"), chunk_px=CHUNK_PX))
    return tmp, mosaics, reference


@pytest.fixture(scope="module")
def client():
    with connect("local:2") as c:
        yield c


def _read(path):
    with rasterio.open(path) as src:
        return src.read(), src.tags()


def _candidates(path):
    result = vectorize(path, VectorizeParams())
    return sorted((c.geometry.wkb, tuple(sorted(c.attributes.items()))) for c in result.candidates)


def test_a_local_cluster_writes_the_same_raster_and_candidates_as_one_process(scene, client, tmp_path):
    _, mosaics, reference = scene
    seen = []
    params = InferenceParams(mosaics, str(STARTER), cache_dir=str(tmp_path), chunk_px=CHUNK_PX)
    result = run_inference_on_cluster(params, client, progress=seen.append)
    assert result.stats.workers == 2 and result.stats.chunks_run == 9
    ours, tags = _read(result.path)
    theirs, _ = _read(reference.path)
    assert ours.shape == (5, 576, 640)  # three dates, mean, max
    assert np.array_equal(ours, theirs)
    assert (ours != 255).sum() > 0.5 * ours.size  # a real raster, not NoData everywhere
    assert len(_candidates(result.path)) > 0 and _candidates(result.path) == _candidates(reference.path)
    assert seen[-1].done == seen[-1].total == reference.tiles_total  # progress reached the end
    assert "Dask cluster of 2 workers" in tags["TSM_MODEL"]  # provenance says what ran it
    pids = {out for out in client.run(os.getpid).values()}
    assert os.getpid() not in pids  # the work ran in other processes


@pytest.mark.slow  # a cluster of its own, a worker killed and restarted
def test_a_worker_killed_in_the_middle_does_not_lose_the_run(scene, tmp_path):
    _, mosaics, reference = scene
    with connect("local:2") as c:
        pids = list(c.run(os.getpid).values())
        killed = []

        def kill_once(progress) -> None:
            if not killed and progress.done:  # a chunk is done, the workers hold the next ones
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        result = run_inference_on_cluster(InferenceParams(mosaics, str(STARTER), cache_dir=str(tmp_path),
                                                          chunk_px=CHUNK_PX), c, progress=kill_once)
        assert killed and pids[0] not in c.run(os.getpid).values()  # the nanny started a new worker
    assert np.array_equal(_read(result.path)[0], _read(reference.path)[0])


def test_a_stopped_cluster_run_continues_where_it_stopped(scene, client, tmp_path):
    _, mosaics, reference = scene
    params = InferenceParams(mosaics, str(STARTER), cache_dir=str(tmp_path), chunk_px=CHUNK_PX)
    cancel = CancelToken()

    def stop_after_two(progress) -> None:
        if progress.done >= 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        run_inference_on_cluster(params, client, progress=stop_after_two, cancel=cancel)
    kept = list(tmp_path.glob("prob_*/c*.tif"))
    assert kept and not list(tmp_path.glob("prob_*.vrt"))  # finished chunks kept, no raster claimed complete
    result = run_inference_on_cluster(params, client)
    assert result.stats.chunks_skipped >= 1 and result.stats.chunks_run == 9 - result.stats.chunks_skipped
    assert np.array_equal(_read(result.path)[0], _read(reference.path)[0])
    # and the single-machine engine takes the same folder as complete
    again = run_inference(params)
    assert again.cached and again.path == result.path


def test_a_model_the_workers_cannot_see_is_said_in_one_line(scene, client, tmp_path):
    _, mosaics, _ = scene
    copy = tmp_path / "model" / STARTER.name
    copy.parent.mkdir()
    shutil.copy(STARTER, copy)
    shutil.copy(STARTER.with_suffix(".onnx.json"), copy.with_suffix(".onnx.json"))
    model = load_model(copy)  # the client has it …
    copy.unlink()  # … the workers do not
    with pytest.raises(ModelError) as err:
        run_inference_on_cluster(InferenceParams(mosaics, str(copy), cache_dir=str(tmp_path / "cache"),
                                                 chunk_px=CHUNK_PX), client, model=model)
    text = str(err.value)
    assert "is not on the worker" in text and "same path" in text and "\n" not in text


def test_cluster_addresses_are_checked_before_any_work():
    assert parse_cluster("local") == ("local", 0)
    assert parse_cluster("local:3") == ("local", 3)
    assert parse_cluster("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")
    assert parse_cluster("SLURM") == ("slurm", None)
    for bad in ("local:0", "local:two", "10.0.0.5:8786", "tcp://host", "kubernetes"):
        with pytest.raises(InputError):
            parse_cluster(bad)


def test_the_slurm_cluster_builds_and_prints_a_sane_job_script():
    pytest.importorskip("dask_jobqueue", reason="dask-jobqueue is optional (requirements/cluster.txt)")
    cluster = queue_cluster("slurm", {"cores": 16, "memory": "64GB", "walltime": "04:00:00",
                                      "account": "permafrost", "queue": "compute"})
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    lines = script.splitlines()
    assert lines[0].startswith("#!") and "#SBATCH --cpus-per-task=16" in lines
    assert "#SBATCH -t 04:00:00" in lines and "#SBATCH -A permafrost" in lines and "#SBATCH -p compute" in lines
    worker = next(line for line in lines if "dask_worker" in line or "dask worker" in line)
    assert "tcp://" in worker and "--nthreads 16" in worker and "--nanny" in worker
    with pytest.raises(InputError, match="cores"):
        queue_cluster("slurm", {"walltime": "01:00:00"})  # no cores or memory: one line, how to give them


@pytest.mark.slow  # tsm in a fresh process starting a cluster of its own
def test_the_cli_runs_on_a_local_cluster(scene, tmp_path):
    _, mosaics, reference = scene
    out = tmp_path / "candidates.gpkg"
    args = [sys.executable, str(ROOT / "scripts" / "tsm.py"), "infer", "--model", str(STARTER), "--out", str(out),
            "--cache", str(tmp_path / "cache"), "--json"]
    for m in mosaics:
        args += ["--mosaic", f"{m.path}@{m.date}"]
    # a run of one chunk is too small for a local cluster: said, and run in this process (issue 29:
    # local:2 on 4 chunks was 1.8x slower than one process)
    proc = subprocess.run([*args, "--cluster", "local:2"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "too small a run for a cluster to gain" in proc.stderr and "running in this process" in proc.stderr
    summary = __import__("json").loads(proc.stdout.strip().splitlines()[-1])
    assert "Dask" not in summary["device"] and summary["candidates"] > 0
    assert summary["tiles_total"] == reference.tiles_total
    # a running scheduler is the user's choice whatever the size: the run goes there
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as running:
        proc = subprocess.run([*args, "--out", str(tmp_path / "c2.gpkg"), "--cache", str(tmp_path / "cache2"),
                               "--cluster", running.scheduler_address], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = __import__("json").loads(proc.stdout.strip().splitlines()[-1])
    assert "Dask cluster of 2 workers" in summary["device"] and summary["candidates"] > 0
    bad = subprocess.run([*args, "--cluster", "kubernetes"], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "is not a cluster" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "other.gpkg").exists()


def test_a_scheduler_without_workers_is_said_in_one_line(scene, tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    from thaw_slump_mapper.core.engine import cluster

    _, mosaics, _ = scene
    monkeypatch.setattr(cluster, "WAIT_FOR_WORKERS_S", 1)
    with LocalCluster(n_workers=0, dashboard_address=":0") as empty, Client(empty) as c:
        with pytest.raises(InputError, match="has no worker after 1 s") as err:
            run_inference_on_cluster(InferenceParams(mosaics, str(STARTER), cache_dir=str(tmp_path)), c)
    assert "dask worker" in str(err.value) and not list(tmp_path.glob("prob_*/c*.tif"))


def test_tasks_group_neighbouring_chunks_of_a_row_and_keep_every_worker_busy():
    from thaw_slump_mapper.core.engine.chunks import ChunkLayout
    from thaw_slump_mapper.core.engine.cluster import task_groups

    chunks = list(ChunkLayout(20_000, 30_000, 256, 64, 2048).chunks())
    for slots in (1, 2, 8, 64, 1000):
        groups = task_groups(chunks, slots)
        assert sorted(c.name for g in groups for c in g) == sorted(c.name for c in chunks)  # each chunk once
        assert all(len(g) <= 4 for g in groups)
        assert len(groups) >= min(len(chunks), 4 * slots) or all(len(g) == 1 for g in groups)
        for g in groups:  # neighbours along one row, left to right
            assert len({c.ci for c in g}) == 1 and [c.cj for c in g] == list(range(g[0].cj, g[0].cj + len(g)))
    assert max(len(g) for g in task_groups(chunks, 2)) == 4 and max(len(g) for g in task_groups(chunks, 64)) == 1


def test_without_dask_the_cluster_choice_says_what_to_install(monkeypatch):
    import importlib.util

    from thaw_slump_mapper.core.engine import cluster

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    for call in (lambda: cluster.check_address("tcp://10.0.0.5:8786"), lambda: cluster.connect("local:2").__enter__()):
        with pytest.raises(InputError) as err:
            call()
        assert "distributed missing" in str(err.value) and 'pip install "dask[distributed]"' in str(err.value)
    with pytest.raises(InputError, match="No Dask scheduler address is set"):
        monkeypatch.setattr(importlib.util, "find_spec", real)
        cluster.check_address("  ")
