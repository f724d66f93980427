"""The same inference run on a Dask cluster: a LocalCluster, a scheduler address, or SLURM/PBS
queues through dask-jobqueue.

Each chunk of the tile grid (core/engine/chunks.py) is one task. A task carries paths and a few
numbers, never the model: every worker process loads the model once and keeps it (an
onnxruntime session cannot be pickled), opens the mosaics itself under the run's GDAL settings,
and writes its chunk file into the shared cache folder exactly as a single-machine run does. The
client plans the run, computes the percentile stretch once (so that every worker normalises
alike), counts progress per finished chunk and writes the VRT at the end; the candidates are then
vectorised from that VRT by the single-machine code. Resume is the single-machine resume:
finished chunk files are skipped; a chunk lost with a worker is run again by Dask.

A chunk whose top or left neighbour is finished takes the neighbour's saved edge ("crops"); one
that runs beside its neighbour predicts those few tiles itself. onnxruntime gives the same bytes
either way; torch on the CPU may differ in the last bit.

Dask is optional: nothing here imports it before a cluster run is asked for.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import rasterio

from ..errors import Cancelled, InputError, ModelError
from ..messages import Message
from ..progress import CancelToken, ProgressCallback, ProgressMeter
from .aoi import TileFilter
from .chunks import Chunk
from .inference import (
    GDAL_CACHE_MB,
    InferenceParams,
    ProbabilityRaster,
    begin_run,
    chunk_run,
    finish_run,
    open_readers,
    setup_run,
)
from .models import LoadedModel, load_model
from .pipeline import Stats, chunk_done

LOGGER = logging.getLogger("thaw_slump_mapper.cluster")
INSTALL_HINT = 'pip install "dask[distributed]" dask-jobqueue'
QUEUES = ("slurm", "pbs")
WAIT_FOR_WORKERS_S = 600  # batch jobs may wait in the queue
# a task runs up to this many neighbouring chunks (reads of the next overlap the model, shared
# tiles predicted once), as long as each worker thread still gets this many tasks
MAX_CHUNKS_PER_TASK, TASKS_PER_SLOT = 4, 4


# A local cluster splits this machine's cores between worker processes, each predicting again the
# edge tiles of a neighbouring chunk that runs beside it: with few chunks per worker that costs more
# than it gains (2 workers, 4 chunks: 1.8x slower than one process, 7-11 % of the tiles predicted
# twice; 25 chunks: 3 %, 1.10x slower, AMD EPYC AVX2, 2 cores). Below this many chunks per worker a
# local cluster is not started and the run goes in this process.
MIN_CHUNKS_PER_WORKER = 12


def local_workers(text: str) -> int:
    """The worker processes a ``local[:N]`` cluster would start (0 for any other cluster)."""
    kind, arg = parse_cluster(text)
    return (arg or _cores()) if kind == "local" else 0


def dask_missing() -> str:
    """'' when Dask can be used, else the one-line message that says what to install."""
    missing = [name for name in ("dask", "distributed") if importlib.util.find_spec(name) is None]
    if not missing:
        return ""
    return Message("cluster.dask_missing", missing=", ".join(missing), command=INSTALL_HINT)


def parse_cluster(text: str) -> tuple[str, Any]:
    """``local``, ``local:N``, ``tcp://HOST:PORT`` (any Dask address), ``slurm`` or ``pbs`` →
    (kind, argument)."""
    value = (text or "").strip()
    if value == "local":
        return "local", 0
    if value.startswith("local:"):
        n = value.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            raise InputError(f"The cluster '{value}' asks for '{n}' workers.",
                             "Give local:N with N a whole number of worker processes, e.g. local:2.")
        return "local", int(n)
    if value.lower() in QUEUES:
        return value.lower(), None
    parsed = urlparse(value)
    if parsed.scheme in ("tcp", "tls", "ucx", "ws", "wss") and parsed.hostname and parsed.port:
        return "address", value
    raise InputError(f"'{value[:80]}' is not a cluster.",
                     "Give local, local:N (worker processes here), tcp://HOST:PORT (a running Dask "
                     "scheduler), slurm or pbs (jobs through dask-jobqueue).")


def check_address(text: str) -> str:
    """The scheduler address the plugin sends runs to, checked: Dask installed, an address set and
    well formed. (QGIS starts no local cluster: its worker processes would start QGIS itself.)"""
    missing = dask_missing()
    if missing:
        raise InputError(missing, Message("cluster.dask_missing.fix"))
    if not (text or "").strip():
        raise InputError(Message("cluster.no_address"), Message("cluster.no_address.fix"))
    kind, address = parse_cluster(text) if "://" in text else ("", "")
    if kind != "address":
        raise InputError(Message("cluster.not_address", text=text.strip()[:80]), Message("cluster.not_address.fix"))
    return address


def run_on_scheduler(params: InferenceParams, address: str, progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None, model: LoadedModel | None = None) -> ProbabilityRaster:
    """A run sent to the scheduler at ``address`` (the plugin's dock and Processing)."""
    with connect(check_address(address)) as client:
        return run_inference_on_cluster(params, client, progress, cancel, model)


def queue_cluster(kind: str, options: dict[str, Any] | None = None):
    """A dask-jobqueue cluster; its defaults come from Dask's configuration (jobqueue.yaml),
    ``options`` (cores, memory, walltime, queue, account, …) override them."""
    if importlib.util.find_spec("dask_jobqueue") is None:
        raise InputError(f"'{kind}' needs dask-jobqueue, which is not installed.", f"Install it: {INSTALL_HINT}")
    import dask_jobqueue

    cls = {"slurm": dask_jobqueue.SLURMCluster, "pbs": dask_jobqueue.PBSCluster}[kind]
    options = dict(options or {})
    # one worker process per job; its threads run chunks side by side, each task's model gets the
    # job's cores divided by them (a GPU job: cores=1 and job_cpu=N, one task at a time)
    options.setdefault("processes", 1)
    try:
        return cls(**options)
    except (TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0].rstrip(":,. ")
        raise InputError(f"The {kind.upper()} cluster cannot be built: {first}.",
                         "Give cores, memory and walltime (e.g. --cluster-option cores=16 --cluster-option "
                         "memory=64GB), or set them in ~/.config/dask/jobqueue.yaml.") from exc


@contextmanager
def connect(text: str, jobs: int = 1, options: dict[str, Any] | None = None) -> Iterator[Any]:
    """A Dask client for ``text`` (see :func:`parse_cluster`); a cluster started here is closed on exit."""
    missing = dask_missing()
    if missing:
        raise InputError(missing, Message("cluster.dask_missing.fix"))
    from distributed import Client, LocalCluster

    kind, arg = parse_cluster(text)
    cluster = None
    try:
        if kind == "local":
            n = arg or _cores()
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
            client = Client(cluster)
        elif kind == "address":
            try:
                client = Client(arg, timeout="20s")
            except OSError as exc:
                raise InputError(Message("cluster.no_answer", address=arg, detail=str(exc)[:200]),
                                 Message("cluster.no_answer.fix")) from exc
        else:
            cluster = queue_cluster(kind, options)
            cluster.scale(jobs=max(1, jobs))
            client = Client(cluster)
        try:
            _install_package(client)
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _cores() -> int:
    """The cores this process may use (its affinity, which batch systems set)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _install_package(client) -> None:
    from . import worker_setup

    root = str(Path(__file__).resolve().parents[2])
    try:
        worker_setup.install(client, root)
    except Exception as exc:  # the worker's own words, made one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(Message("cluster.worker_package", detail=first[:300]),
                         Message("cluster.worker_package.fix")) from exc


# -- the worker side ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClusterJob:
    """What a worker needs for any chunk of the run; scattered to the workers once."""

    params: InferenceParams
    key: str  # the plan's key on the client: a worker seeing other files (or another model) stops
    model_sha256: str
    percentiles: list  # the stretch, computed once on the client
    threads: dict  # host → model threads per task (the host's cores shared by its worker threads)


_models: dict[tuple, LoadedModel] = {}
_models_lock = threading.Lock()


def _model_threads(job: ClusterJob) -> int:
    env = os.environ.get("TSM_MODEL_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return int(job.threads.get(socket.gethostname(), 0))


def _worker_model(job: ClusterJob) -> LoadedModel:
    """The model of this worker process, loaded by its first task and kept."""
    path = job.params.model_path
    threads = _model_threads(job)
    key = (path, job.model_sha256, job.params.device, job.params.backend, threads)
    with _models_lock:
        model = _models.get(key)
        if model is not None:
            return model
        if not Path(path).is_file():
            raise ModelError(Message("cluster.model_missing", path=path, worker=socket.gethostname()),
                             Message("cluster.model_missing.fix"))
        # the client measured (or remembered) auto's runtime; workers timing it beside each other would not
        model = load_model(path, job.params.device, job.params.backend, threads=threads, measure=False)
        if model.sha256 != job.model_sha256:
            raise ModelError(Message("cluster.model_differs", path=path, worker=socket.gethostname()),
                             Message("cluster.model_differs.fix"))
        _models[key] = model
        return model


def _worker_setup(job: ClusterJob):
    """The model, the run's parameters with this worker's share of threads, and its setup; any
    difference from what the client planned is an error that says what to do."""
    model = _worker_model(job)
    for m in job.params.mosaics:
        for path in filter(None, (m.path, m.mask)):
            if not Path(path).is_file():
                raise InputError(Message("cluster.raster_missing", path=path, worker=socket.gethostname()),
                                 Message("cluster.raster_missing.fix"))
    params, threads = job.params, _model_threads(job)
    if not params.read_threads and threads:  # the task's share of the host, as for the model
        params = replace(params, read_threads=min(4, threads))
    setup = setup_run(params, model)
    if setup.plan.key != job.key:
        raise InputError(Message("cluster.files_differ", worker=socket.gethostname()),
                         Message("cluster.files_differ.fix"))
    return model, params, setup


def check_worker(job: ClusterJob) -> str:
    """Before any chunk: can this worker load the model and read the mosaics? (Raises if not.)"""
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB * 2**20):
        model, _, _ = _worker_setup(job)
    return model.backend.device


def run_chunks(job: ClusterJob, cells: list[tuple[int, int]]) -> dict:
    """One task: a few neighbouring chunks of a row, written into the shared cache folder. Within
    the task they run as on one machine: the next chunk is read while the model works on this
    one, and the tiles they share are predicted once."""
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB * 2**20):
        model, params, setup = _worker_setup(job)
        wanted = set(map(tuple, cells))
        chunks = [c for c in setup.plan.chunks if (c.ci, c.cj) in wanted]
        readers = open_readers(setup, params, model)
        pct: Future = Future()
        pct.set_result(job.percentiles)
        try:
            run = chunk_run(params, model, setup, readers, pct)
            start = time.monotonic()
            stats = run.run(chunks, CancelToken(), lambda n, resumed: None)
        finally:
            readers.close()
        return {"chunks": [c.name for c in chunks], "tiles_run": stats.tiles_run,
                "tiles_recomputed": stats.tiles_recomputed, "model_seconds": stats.model_seconds,
                "seconds": time.monotonic() - start, "worker": socket.gethostname(), "pid": os.getpid(),
                "device": model.backend.device}


def task_groups(chunks: list[Chunk], slots: int) -> list[list[Chunk]]:
    """Chunks as tasks: runs of up to MAX_CHUNKS_PER_TASK neighbours along a row, fewer when there
    would be less than TASKS_PER_SLOT tasks for each worker thread (the last tasks must not leave
    the cluster idle)."""
    k = max(1, min(MAX_CHUNKS_PER_TASK, len(chunks) // (TASKS_PER_SLOT * max(1, slots))))
    groups: dict[tuple[int, int], list[Chunk]] = {}
    for c in chunks:
        groups.setdefault((c.ci, c.cj // k), []).append(c)
    return list(groups.values())


# -- the client side ------------------------------------------------------------------------------

def _threads_per_host(client) -> dict[str, int]:
    """Model threads per task on each host: its cores over the tasks its workers run at once."""
    info = client.scheduler_info().get("workers", {})
    tasks: dict[str, int] = {}
    for worker in info.values():
        host = worker.get("host") or urlparse(worker.get("id", "")).hostname or ""
        tasks[host] = tasks.get(host, 0) + int(worker.get("nthreads", 1))

    def cores() -> tuple[str, int]:
        return socket.gethostname(), _cores()

    out: dict[str, int] = {}
    for address, (name, count) in client.run(cores).items():
        host = urlparse(address).hostname or ""
        out[name] = max(1, count // max(1, tasks.get(host, 1)))
    return out


@dataclass
class ClusterStats(Stats):
    workers: int = 0
    chunks_run: int = 0
    tasks: int = 0
    task_seconds: float = 0.0  # summed inside the tasks (model, reads, writing)
    wall_seconds: float = 0.0  # the client's view: planning to the VRT


def run_inference_on_cluster(params: InferenceParams, client, progress: ProgressCallback | None = None,
                             cancel: CancelToken | None = None, model: LoadedModel | None = None
                             ) -> ProbabilityRaster:
    """:func:`core.engine.inference.run_inference` with the chunks run as tasks of ``client``."""
    start = time.monotonic()
    cancel = cancel or CancelToken()
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB * 2**20):
        model = model or load_model(params.model_path, params.device, params.backend)
        setup, cache, cached = begin_run(params, model, start)
        if cached is not None:
            return cached
        plan = setup.plan
        readers = open_readers(setup, params, model)
        try:
            percentiles = readers.percentiles()
        finally:
            readers.close()
    if not client.scheduler_info().get("workers"):
        try:  # jobs of a queue cluster take a while to start
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_S)
        except TimeoutError as exc:
            raise InputError(Message("cluster.no_workers", address=client.scheduler.address,
                                     seconds=WAIT_FOR_WORKERS_S), Message("cluster.no_workers.fix")) from exc
    job = ClusterJob(params, plan.key, model.sha256, percentiles, _threads_per_host(client))
    meter = ProgressMeter(plan.tiles, progress)
    keep = TileFilter(params.aoi, plan.grid)
    owned = {c: _owned_tiles(plan, keep, c) for c in plan.chunks}
    todo = []
    for chunk in plan.chunks:
        if chunk_done(plan.folder, chunk):
            meter.skip(owned[chunk], stage="tiles")
        else:
            todo.append(chunk)
    stats = ClusterStats(chunks_skipped=len(plan.chunks) - len(todo),
                         workers=len(client.scheduler_info().get("workers", {})))
    job_future = client.scatter(job, broadcast=True, hash=False)
    # every worker loads the model and checks the files once, before the first chunk: a worker
    # that cannot is said in one line instead of failing every task
    checks = [client.submit(check_worker, job_future, workers=[address], allow_other_workers=False, pure=False)
              for address in client.scheduler_info().get("workers", {})]
    client.gather(checks)
    # by anti-diagonals of groups: a group takes the edge tiles of its top and left neighbours,
    # which lie on earlier diagonals and are mostly finished by then; groups running side by side
    # on one diagonal share no tile (row by row, neighbours ran side by side: 5-6 % of the tiles
    # predicted twice)
    slots = sum(int(w.get("nthreads", 1)) for w in client.scheduler_info().get("workers", {}).values())
    groups = task_groups(todo, slots)
    width = max(len(g) for g in groups) if groups else 1
    futures = {client.submit(run_chunks, job_future, [(c.ci, c.cj) for c in g], key=f"tsm-{plan.key}-{g[0].name}",
                             pure=False, priority=-(g[0].ci + g[0].cj // width)): g for g in groups}
    pending = set(futures)
    devices: set[str] = set()
    try:
        while pending:
            done = {f for f in pending if f.done()}
            if cancel.cancelled:
                raise Cancelled()
            if not done:
                time.sleep(0.2)
                continue
            pending -= done
            for future in done:
                try:
                    out = future.result()  # a task's error (TsmError, KilledWorker) is raised here
                except Exception as exc:
                    if type(exc).__name__ == "KilledWorker":
                        raise InputError(Message("cluster.workers_died", detail=str(exc)[:200]),
                                         Message("cluster.workers_died.fix")) from exc
                    raise
                stats.tiles_run += out["tiles_run"]
                stats.tiles_recomputed += out["tiles_recomputed"]
                stats.model_seconds += out["model_seconds"]
                stats.task_seconds += out["seconds"]
                stats.chunks_run += len(futures[future])
                stats.tasks += 1
                devices.add(out["device"])
                meter.advance(sum(owned[c] for c in futures[future]), stage="tiles")
    except BaseException:
        client.cancel(list(pending))
        raise
    device = f"{', '.join(sorted(devices)) or setup.model_info['device']}, Dask cluster of {stats.workers} workers"
    setup.model_info = {**setup.model_info, "device": device}  # what ran it, in the raster's provenance
    finish_run(params, setup, cache)
    stats.wall_seconds = time.monotonic() - start
    result = ProbabilityRaster(plan.vrt, plan.dates, setup.names, plan.grid, setup.model_info, setup.mosaics,
                               cached=False, tiles_total=plan.tiles, tiles_run=stats.tiles_run,
                               seconds=stats.wall_seconds, model_seconds=stats.model_seconds, stats=stats)
    LOGGER.info("cluster inference: %d chunks on %d workers, %d of %d tiles in %.1f s", stats.chunks_run,
                stats.workers, stats.tiles_run, plan.tiles, stats.wall_seconds)
    return result


def _owned_tiles(plan, keep: TileFilter, chunk: Chunk) -> int:
    layout = plan.layout
    return sum(1 for t in chunk.tiles if layout.owner(*t) == (chunk.ci, chunk.cj)
               and keep.keeps(*layout.tile_window(*t)))
