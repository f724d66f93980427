#!/usr/bin/env bash
# Set up everything Thaw Slump Mapper needs on Debian 12 / Ubuntu, idempotently:
# apt packages, a venv from Debian's Python that sees QGIS, pinned pip packages, .qm files.
# A second run only checks stamps (about a second).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TSM_VENV_DIR:-$ROOT/.venv}"
cd "$ROOT"

APT_PACKAGES=(python3-qgis qgis-providers qgis xvfb python3-venv python3-rasterio python3-dev libgeos-dev
              pyqt5-dev-tools qttools5-dev-tools imagemagick xauth zip unzip)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null; then
        log "Not a Debian/Ubuntu system: install QGIS >= 3.22 with its Python bindings, Xvfb, pylupdate5 and lrelease by hand (see README), then rerun."
        exit 1
    fi
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    log "installing apt packages: ${missing[*]}"
    start=$(date +%s)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    log "apt packages installed in $(( $(date +%s) - start )) s"
fi

if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV from /usr/bin/python3 with --system-site-packages (QGIS is visible)"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

# shapely is compiled against Debian's GEOS (the one QGIS loads): a wheel's bundled GEOS gives
# empty geometries inside the QGIS application. Part of the stamp so old environments rebuild.
export PIP_NO_BINARY=shapely
stamp="$VENV/.tsm-requirements.sha256"
want=$( (cat requirements/*.txt; echo "PIP_NO_BINARY=$PIP_NO_BINARY") | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing pinned Python packages (first time: about 3 GB, torch is a CUDA build)"
    start=$(date +%s)
    "$VENV/bin/pip" install -q -r requirements/dev.txt -c requirements/constraints.txt
    # rebuild shapely from source if an earlier run left the wheel in place
    if ldd "$VENV"/lib/python3*/site-packages/shapely/lib*.so | grep -q "shapely.libs"; then
        "$VENV/bin/pip" install -q --force-reinstall --no-deps shapely -c requirements/constraints.txt
    fi
    echo "$want" > "$stamp"
    log "Python packages installed in $(( $(date +%s) - start )) s"
fi

"$VENV/bin/python" scripts/i18n.py compile
