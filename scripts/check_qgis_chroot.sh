#!/usr/bin/env bash
# Check the plugin in the QGIS of a newer Debian, in a chroot on this Debian 12 machine (issue 23):
#
#     scripts/check_qgis_chroot.sh trixie     # Debian 13, QGIS 3.40 LTR
#     scripts/check_qgis_chroot.sh sid        # Debian unstable, QGIS 3.44
#
# Run as root (debootstrap, chroot, mounts). What it does:
#  1. base system, cached: `debootstrap --variant=minbase SUITE`, then apt `qgis python3-qgis
#     qgis-providers` and the test tools (Xvfb, openbox, xdotool, ImageMagick, sudo), a user `tsm`
#     with sudo. Kept in $TSM_CHROOT_DIR/SUITE/base (default /var/tmp/tsm-chroots); delete that
#     folder to rebuild it. Every check below runs on a throw-away overlay of it: what the plugin's
#     install command installs is gone afterwards, so each run starts as a new user's system.
#  2. as the user `tsm`: the zip (`make package`) installed into a fresh QGIS profile with
#     scripts/install_plugin.py; the install command read from the plugin itself (the setup stub
#     prints it in one line under qgis_process) and run as printed; the dependency check again.
#  3. `qgis_process list` shows the plugin's algorithms; `qgis_process run thawslumpmapper:runmodel`
#     on a SYNTHETIC scene gives candidates.
#  4. the real `qgis` window on Xvfb with openbox, driven by scripts/qgis_smoke.py (run with the
#     chroot's python3; a fresh profile again): scenario `area` (a dock run, then Processing on a
#     study area) and `review` (a dock run, then 20 keyboard decisions in the review dock).
# The host's pip settings (config files, PIP_* variables and the local folders they name) are
# copied/bound in. Output: $TSM_CHECK_OUT (default artifacts/qgis_chroot/SUITE): log.txt, the
# markers and screenshots per scenario. One summary line per check; on the first failure it stops
# with one line "FAIL <check>: <reason>" and a non-zero status.
#
# Environment: TSM_CHROOT_DIR, TSM_CHECK_OUT, TSM_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# TSM_CHECK_SCENARIOS (default "area review"), TSM_CHECK_ZIP (a zip instead of `make package`),
# TSM_CHROOT_KEEP=1 (keep the overlay's changes in SUITE/run/upper for a look afterwards).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE="${1:-}"
case "$SUITE" in
    trixie) SERIES=3.40 ;;
    sid) SERIES=3.44 ;;
    *) echo "usage: $0 trixie|sid   (trixie: Debian 13, QGIS 3.40; sid: QGIS 3.44)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "FAIL setup: run as root (debootstrap, chroot and mounts need it)" >&2; exit 1; }

CHROOT_DIR="${TSM_CHROOT_DIR:-/var/tmp/tsm-chroots}"
MIRROR="${TSM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
OUT="${TSM_CHECK_OUT:-$REPO/artifacts/qgis_chroot/$SUITE}"
SCENARIOS="${TSM_CHECK_SCENARIOS:-area review}"
BASE="$CHROOT_DIR/$SUITE/base"
RUNDIR="$CHROOT_DIR/$SUITE/run"
ROOTFS="$RUNDIR/merged"
# What a user installs to get QGIS (without recommends: qgis recommends the GRASS plugin, ~1 GB),
# plus what this check needs to drive and photograph the window.
BASE_PACKAGES=(qgis python3-qgis qgis-providers xvfb xauth openbox xdotool imagemagick x11-utils sudo
               ca-certificates fonts-dejavu-core)
BASE_STAMP="tsm-chroot-base v1 $SUITE $MIRROR ${BASE_PACKAGES[*]}"
USERNAME=tsm
T0=$(date +%s)

mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1

SUMMARY=()
note() { SUMMARY+=("$1"); printf '\033[1m[%s]\033[0m %s\n' "$SUITE" "$1"; }
fail() {
    local check="$1"; shift
    printf '\n'; for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
    echo "FAIL $check ($SUITE, QGIS $SERIES): $*"
    exit 1
}
secs() { echo $(( $(date +%s) - $1 )); }

# ---------------------------------------------------------------------------------------------
# mounts and processes, undone on every exit
MOUNTS=()
PIDS=()
mount_at() {  # mount_at TARGET mount-args...: remembered for the cleanup (in reverse order)
    local target="$1"; shift
    mount "$@" "$target"
    MOUNTS+=("$target")
}
mount_system() {  # the kernel file systems a Debian system expects, inside $1
    local root="$1"
    mount_at "$root/proc" -t proc proc
    mount_at "$root/sys" -t sysfs sysfs
    mount_at "$root/dev" --bind /dev
    mount_at "$root/dev/pts" --bind /dev/pts
    mkdir -p "$root/dev/shm"
    mount_at "$root/dev/shm" -t tmpfs -o mode=1777,nosuid,nodev tmpfs
    mount_at "$root/run" -t tmpfs -o mode=755,nosuid tmpfs
    mkdir -p "$root/run/lock"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
}
kill_chroot_processes() {  # anything still running inside the chroot was started by this script
    local root pid proc
    root="$(readlink -f "$1")"
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        if [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ]; then
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
}
cleanup() {
    local status=$? i pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for root in "$ROOTFS" "$BASE.partial"; do [ -d "$root" ] && kill_chroot_processes "$root"; done
    sleep 1
    for (( i=${#MOUNTS[@]}-1; i>=0; i-- )); do
        umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null \
            || echo "warning: could not unmount ${MOUNTS[$i]}" >&2
    done
    if [ "${TSM_CHROOT_KEEP:-0}" != 1 ] && [ -d "$RUNDIR" ] && ! grep -q " $RUNDIR/" /proc/mounts; then
        rm -rf "$RUNDIR"
    fi
    [ -d "$OUT" ] && chown -R "$(id -u):$(id -g)" "$OUT" 2>/dev/null
    exit "$status"
}
trap cleanup EXIT
trap 'echo "FAIL script ($SUITE): line $LINENO: $BASH_COMMAND exited with status $?"' ERR
trap 'exit 130' INT TERM

# run a command in the chroot, as root or as the user, with a clean environment
PIP_VARS=()
while IFS='=' read -r name value; do
    [ -n "$name" ] && PIP_VARS+=("$name=$value")
done < <(env | grep -E '^PIP_[A-Z_]+=' || true)
as_root() {
    chroot "$ROOTFS" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
as_user() {  # by uid:gid, which the host does not know by name
    local ids; ids=$(awk -F: -v u="$USERNAME" '$1 == u {print $3 ":" $4}' "$ROOTFS/etc/passwd")
    chroot --userspec="$ids" "$ROOTFS" /usr/bin/env -i HOME="/home/$USERNAME" USER="$USERNAME" \
        LOGNAME="$USERNAME" XDG_RUNTIME_DIR="/run/user/${ids%%:*}" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "${PIP_VARS[@]}" "$@"
}

# ---------------------------------------------------------------------------------------------
# 1. the base system (cached)
build_base() {
    local partial="$BASE.partial" t
    if ! command -v debootstrap >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    rm -rf "$partial" "$BASE"
    mkdir -p "$partial"
    t=$(date +%s)
    debootstrap --variant=minbase "$SUITE" "$partial" "$MIRROR" > "$OUT/debootstrap.log" 2>&1 \
        || { tail -5 "$OUT/debootstrap.log"; fail base "debootstrap $SUITE failed (see $OUT/debootstrap.log)"; }
    local t_debootstrap; t_debootstrap=$(secs "$t")
    {
        echo "deb $MIRROR $SUITE main"
        if [ "$SUITE" != sid ]; then
            echo "deb $MIRROR $SUITE-updates main"
            echo "deb http://security.debian.org/debian-security $SUITE-security main"
        fi
    } > "$partial/etc/apt/sources.list"
    # The mirror may be a frozen snapshot: seen here, sid's Release "expired 28 days ago" for apt
    # (debootstrap does not check). Users of the live archive never meet this.
    echo 'Acquire::Check-Valid-Until "false";' > "$partial/etc/apt/apt.conf.d/90tsm-snapshot-mirror"
    printf '#!/bin/sh\nexit 101\n' > "$partial/usr/sbin/policy-rc.d"  # no services start in here
    echo force-unsafe-io > "$partial/etc/dpkg/dpkg.cfg.d/tsm-unsafe-io"  # no fsync per file: a throw-away system
    chmod +x "$partial/usr/sbin/policy-rc.d"
    local saved_rootfs="$ROOTFS" before=${#MOUNTS[@]}
    ROOTFS="$partial"
    mount_system "$partial"
    t=$(date +%s)
    as_root sh -c 'echo "debconf debconf/frontend select Noninteractive" | debconf-set-selections'
    as_root apt-get update -qq > "$OUT/apt-base.log" 2>&1 || fail base "apt-get update in $SUITE failed"
    as_root apt-get install -y -q --no-install-recommends "${BASE_PACKAGES[@]}" >> "$OUT/apt-base.log" 2>&1 \
        || { tail -5 "$OUT/apt-base.log"; fail base "apt-get install qgis in $SUITE failed (see $OUT/apt-base.log)"; }
    as_root apt-get clean
    local t_apt; t_apt=$(secs "$t")
    local npkg; npkg=$(as_root dpkg-query -W -f="\${Status}\n" | grep -c "install ok installed")
    as_root useradd --create-home --shell /bin/bash "$USERNAME"
    echo "$USERNAME ALL=(ALL) NOPASSWD:ALL" > "$partial/etc/sudoers.d/$USERNAME"
    chmod 440 "$partial/etc/sudoers.d/$USERNAME"
    for (( i=${#MOUNTS[@]}-1; i>=before; i-- )); do umount "${MOUNTS[$i]}"; unset 'MOUNTS[i]'; done
    MOUNTS=("${MOUNTS[@]}")
    ROOTFS="$saved_rootfs"
    echo "$BASE_STAMP" > "$partial/.tsm-base"
    mv "$partial" "$BASE"
    note "base: built in $(secs "$T0") s (debootstrap $t_debootstrap s, apt update+install $t_apt s, $npkg packages, $(du -sm "$BASE" | cut -f1) MB)"
}

if [ -f "$BASE/.tsm-base" ] && [ "$(cat "$BASE/.tsm-base")" = "$BASE_STAMP" ]; then
    note "base: cached $BASE ($(date -r "$BASE/.tsm-base" '+%Y-%m-%d %H:%M'))"
else
    build_base
fi

# a fresh, throw-away system on top of the base
if grep -q " $RUNDIR/" /proc/mounts; then
    fail setup "$RUNDIR is still mounted (another check of $SUITE running?)"
fi
rm -rf "$RUNDIR"
mkdir -p "$RUNDIR/upper" "$RUNDIR/work" "$ROOTFS"
mount_at "$ROOTFS" -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUNDIR/upper,workdir=$RUNDIR/work"
mount_system "$ROOTFS"
cp /etc/hosts "$ROOTFS/etc/hosts"
uid=$(awk -F: -v u="$USERNAME" '$1 == u {print $3}' "$ROOTFS/etc/passwd")
install -d -m 700 -o "$uid" -g "$uid" "$ROOTFS/run/user/$uid"  # what a login session gives the user
echo 'APT::Get::Assume-Yes "true";' > "$ROOTFS/etc/apt/apt.conf.d/90tsm-check"  # the user answers "yes"

# the host's pip settings: its config files, and the local folders and files they name
for conf in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
    [ -f "$conf" ] || continue
    case "$conf" in
        /etc/*) dest="$ROOTFS$conf" ;;
        *) dest="$ROOTFS/home/$USERNAME/${conf#"$HOME"/}" ;;
    esac
    mkdir -p "$(dirname "$dest")"
    cp "$conf" "$dest"
done
as_root chown -R "$USERNAME:$USERNAME" "/home/$USERNAME"
pip_paths=$( { cat /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf" 2>/dev/null
               printf '%s\n' "${PIP_VARS[@]}"; } | grep -oE '(file://)?/[^[:space:]"'"'"']+' | sed 's|^file://||' | sort -u)
for path in $pip_paths; do
    [ -e "$path" ] || continue
    if [ -d "$path" ]; then mkdir -p "$ROOTFS$path"; else mkdir -p "$(dirname "$ROOTFS$path")"; touch "$ROOTFS$path"; fi
    mount_at "$ROOTFS$path" --bind -o ro "$path"
done

# ---------------------------------------------------------------------------------------------
# 2. the plugin zip, the scene, the install command
if [ -n "${TSM_CHECK_ZIP:-}" ]; then
    ZIP="$(readlink -f "$TSM_CHECK_ZIP")"
else
    make -C "$REPO" -s package > "$OUT/package.log" 2>&1 || fail package "make package failed (see $OUT/package.log)"
    ZIP="$REPO/dist/thaw_slump_mapper-$(sed -n 's/^version=//p' "$REPO/metadata.txt").zip"
fi
[ -f "$ZIP" ] || fail package "no plugin zip at $ZIP"
mkdir -p "$ROOTFS/tsm/repo" "$ROOTFS/tsm/out"
mount_at "$ROOTFS/tsm/repo" --bind -o ro "$REPO"  # the repository's scripts, read only
mount_at "$ROOTFS/tsm/out" --bind "$OUT"
chmod 777 "$OUT"
cp "$ZIP" "$ROOTFS/tmp/"
CZIP="/tmp/$(basename "$ZIP")"

QGIS_VERSION=$(as_user python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null) \
    || fail qgis "python3 -c 'import qgis.core' fails in the $SUITE chroot"
case "$QGIS_VERSION" in
    "$SERIES".*) note "qgis: $QGIS_VERSION, $(as_user python3 -c 'import sys; print("Python", sys.version.split()[0])')" ;;
    *) fail qgis "expected QGIS $SERIES.x in $SUITE, found $QGIS_VERSION" ;;
esac
# For the record: which of the plugin's packages this Debian has (what the install command can use).
info=""
for pkg in python3-numpy python3-shapely python3-rasterio python3-onnxruntime python3-gdal python3-venv \
           python3-pip python3-torch python3-onnx; do
    ver=$(as_root apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    info+=" $pkg=${ver:-none}"
done
note "debian:$info"

# the SYNTHETIC scene and test model, made on the host (its .venv has onnx, which the chroot lacks)
rm -rf "$OUT/scene"
"$REPO/.venv/bin/python" - "$REPO/scripts" "$OUT/scene" > "$OUT/scene.log" 2>&1 <<'EOF' || fail scene "could not make the synthetic scene (see $OUT/scene.log; run make setup)"
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import qgis_smoke
folder = Path(sys.argv[2])
folder.mkdir(parents=True)
scene = qgis_smoke.prepare_inference_scene(folder)
rel = lambda p: str(Path(p).relative_to(folder))  # noqa: E731
scene = {"mosaics": [[rel(p), y] for p, y in scene["mosaics"]], "model": rel(scene["model"]),
         "gpkg": rel(scene["gpkg"]), "area": rel(scene["area"])}
(folder / "scene.json").write_text(json.dumps(scene))
EOF
chmod -R a+rX "$OUT/scene"

t=$(date +%s)
as_user python3 /tsm/repo/scripts/install_plugin.py --zip "$CZIP" > "$OUT/install_plugin.log" 2>&1 \
    || { cat "$OUT/install_plugin.log"; fail install "scripts/install_plugin.py failed"; }
as_user test -f "/home/$USERNAME/.local/share/QGIS/QGIS3/profiles/default/python/plugins/thaw_slump_mapper/metadata.txt" \
    || fail install "the zip did not land in the profile"
note "install: $(basename "$ZIP") into a fresh profile (~/.local/share/QGIS/QGIS3/profiles/default), enabled, $(secs "$t") s"

# What the plugin says before its environment exists: headless, the stub's one line (the same
# command as its setup dialog); read from deps.install_command if that line is not there.
PLUGINS_DIR="/home/$USERNAME/.local/share/QGIS/QGIS3/profiles/default/python/plugins"
as_user env QT_QPA_PLATFORM=offscreen timeout 300 qgis_process list > "$OUT/qgis_process_list_before.txt" 2>&1 || true
stub_line=$(grep -m1 "Thaw Slump Mapper cannot run" "$OUT/qgis_process_list_before.txt" || true)
DEPS_PY="import sys; sys.path.insert(0, '$PLUGINS_DIR'); from thaw_slump_mapper.core import deps"
if [ -n "$stub_line" ]; then
    note "stub: $stub_line"
    command=$(sed -n 's/.* Install with: \(.*\) (then restart QGIS)\..*/\1/p' <<<"$stub_line")
    [ -n "$command" ] || fail stub "the stub's line has no install command"
else
    command=$(as_user python3 -c "$DEPS_PY; print(deps.install_command(deps.check_all()))") \
        || fail stub "deps.install_command failed"
    note "stub: no setup line from qgis_process; deps.install_command(): ${command:-<nothing to install>}"
fi

# run it as printed, step by step (each `&&` part timed)
if [ -n "$command" ]; then
    step=0
    while IFS= read -r part; do
        step=$((step + 1))
        t=$(date +%s)
        if ! as_user timeout 1800 bash -c "$part" > "$OUT/install_step$step.log" 2>&1; then
            tail -15 "$OUT/install_step$step.log"
            fail environment "step $step of the plugin's install command failed: $part (see $OUT/install_step$step.log)"
        fi
        note "environment step $step ($(secs "$t") s): $part"
    done <<<"${command// && /$'\n'}"
fi
report=$(as_user python3 -c "$DEPS_PY
statuses = deps.check_all()
for line in deps.report(statuses): print('   ', line)
missing = deps.missing_required(statuses)
print('MISSING' if missing else 'OK', deps.install_command(statuses))") || fail environment "the dependency check failed"
printf '%s\n' "$report" > "$OUT/deps_after.txt"
case "$(tail -1 <<<"$report")" in
    OK*) note "environment: every required package works after the install command"
         grep -E '^    (numpy|onnxruntime|shapely|rasterio)' <<<"$report" | sed "s/^/[$SUITE]   /" ;;
    *) printf '%s\n' "$report"; fail environment "still missing after the install command; it now says: $(tail -1 <<<"$report" | cut -d' ' -f2-)" ;;
esac

# ---------------------------------------------------------------------------------------------
# 3. Processing from the command line
as_user env QT_QPA_PLATFORM=offscreen timeout 300 qgis_process list > "$OUT/qgis_process_list.txt" 2>&1 \
    || fail processing "qgis_process list failed (see $OUT/qgis_process_list.txt)"
algs=$(grep -oE 'thawslumpmapper:[a-z_]+' "$OUT/qgis_process_list.txt" | sort -u || true)
[ -n "$algs" ] || fail processing "qgis_process list shows no thawslumpmapper algorithm (see $OUT/qgis_process_list.txt)"
note "processing: qgis_process list shows $(wc -l <<<"$algs") algorithms: $(tr '\n' ' ' <<<"$algs")"

as_user mkdir -p /tmp/qp && as_user cp -r /tsm/out/scene/. /tmp/qp/
mosaic_args=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join("--MOSAICS=/tmp/qp/"+p for p,_ in s["mosaics"]), "--DATES="+",".join(str(y) for _,y in s["mosaics"]), "--MODEL=/tmp/qp/"+s["model"])' "$OUT/scene/scene.json")
t=$(date +%s)
# shellcheck disable=SC2086  # the arguments are split on purpose
as_user env QT_QPA_PLATFORM=offscreen timeout 600 qgis_process --json run thawslumpmapper:runmodel \
    $mosaic_args --OUTPUT=/tmp/qp/candidates_qgis_process.gpkg > "$OUT/qgis_process_run.json" 2> "$OUT/qgis_process_run.err" \
    || { tail -5 "$OUT/qgis_process_run.err"; fail qgis_process "qgis_process run thawslumpmapper:runmodel failed (see $OUT/qgis_process_run.err)"; }
count=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["COUNT"])' "$OUT/qgis_process_run.json" 2>/dev/null || echo "?")
if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -eq 0 ]; then
    fail qgis_process "qgis_process run thawslumpmapper:runmodel gave no candidates (COUNT=$count, see $OUT/qgis_process_run.json)"
fi
note "qgis_process run thawslumpmapper:runmodel: $count candidates on the synthetic scene in $(secs "$t") s"

# ---------------------------------------------------------------------------------------------
# 4. the real window: Xvfb + openbox, scripts/qgis_smoke.py with the chroot's python3
# Xvfb picks a free display itself (-displayfd): other X servers of this machine share the
# abstract socket namespace with the chroot, so a number chosen here could be taken meanwhile.
mkdir -p "$ROOTFS/tmp/.X11-unix" && chmod 1777 "$ROOTFS/tmp/.X11-unix"
as_user sh -c 'exec Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3> /tmp/xvfb.display' > "$OUT/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$ROOTFS/tmp/xvfb.display" ] && break; sleep 0.1; done
DISP=":$(cat "$ROOTFS/tmp/xvfb.display" 2>/dev/null)"
[ "$DISP" != ":" ] || fail window "Xvfb did not start (see $OUT/xvfb.log)"
as_user env DISPLAY="$DISP" xdpyinfo > /dev/null 2>&1 || fail window "Xvfb did not start on $DISP (see $OUT/xvfb.log)"
# twice at most: once, with another Xvfb and openbox running on this machine, openbox could not open
# a display that xdpyinfo had just opened ("Failed to open the display"); the second try worked
for attempt in 1 2; do
    as_user env DISPLAY="$DISP" openbox >> "$OUT/openbox.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 50); do
        as_user env DISPLAY="$DISP" xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep 'window id #' > /dev/null \
            && break 2
        sleep 0.2
    done
done
wm=$(as_user env DISPLAY="$DISP" xprop -root _NET_SUPPORTING_WM_CHECK 2>&1 | tee "$OUT/wm_check.txt" | grep -o '# 0x[0-9a-f]*' || true)
[ -n "$wm" ] || fail window "openbox did not start on $DISP (see $OUT/openbox.log)"
note "window: Xvfb $DISP 1600x1000 with openbox running"

cat > "$ROOTFS/tmp/tsm_smoke.py" <<'EOF'
"""scripts/qgis_smoke.py as it is, with the scene made on the host copied in instead of generated."""
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, "/tsm/repo/scripts")
import qgis_smoke  # noqa: E402

zip_path, out, scenario, display, env_dir = sys.argv[1:6]


def prepared_scene(folder: Path) -> dict:
    shutil.copytree("/tsm/out/scene", folder, dirs_exist_ok=True)
    scene = json.loads((folder / "scene.json").read_text())
    return {"mosaics": [[str(folder / p), y] for p, y in scene["mosaics"]], "model": str(folder / scene["model"]),
            "gpkg": str(folder / scene["gpkg"]), "area": str(folder / scene["area"])}


qgis_smoke.prepare_inference_scene = prepared_scene
marker = qgis_smoke.run(Path(zip_path), Path(out), 400, scenario=scenario, display=display, env_dir=env_dir)
print(json.dumps(marker, indent=2, ensure_ascii=False))
sys.exit(0 if qgis_smoke.ok(marker) else 1)
EOF
ENV_DIR=$(as_user python3 -c "$DEPS_PY; print(deps.plugin_env_dir())")
for scenario in $SCENARIOS; do
    t=$(date +%s)
    dest="/tsm/out/$scenario"
    rm -rf "${OUT:?}/$scenario"
    # the whole screen as openbox shows it, every 2 s while QGIS runs (the smoke test grabs the window)
    frames="/tmp/frames-$scenario"
    install -d -m 777 "$ROOTFS$frames"
    ( while sleep 2; do as_user env DISPLAY="$DISP" import -window root "$frames/$(date +%s%N).png" > /dev/null 2>&1 || true; done ) &
    capture=$!
    PIDS+=("$capture")
    as_user env DISPLAY="$DISP" python3 /tmp/tsm_smoke.py "$CZIP" "$dest" "$scenario" "$DISP" "$ENV_DIR" \
        > "$OUT/smoke_$scenario.log" 2>&1 || true
    kill "$capture" 2>/dev/null || true
    # keep the last frame with the map drawn (a frame at least 60 % the size of the largest one)
    best=$(find "$ROOTFS$frames" -name '*.png' -printf '%s %f\n' | sort -k2 \
           | awk '{size[NR] = $1; name[NR] = $2; if ($1 > max) max = $1} END {for (i = NR; i > 0; i--) if (size[i] >= 0.6 * max) {print name[i]; exit}}')
    if [ -n "$best" ] && [ -d "$OUT/$scenario" ]; then cp "$ROOTFS$frames/$best" "$OUT/$scenario/screen_openbox.png"; fi
    marker="$OUT/$scenario/marker.json"
    [ -f "$marker" ] || { tail -5 "$OUT/smoke_$scenario.log"; fail "window/$scenario" "QGIS wrote no marker (see $OUT/smoke_$scenario.log, $OUT/$scenario/qgis_stderr.txt)"; }
    verdict=$(python3 - "$marker" "$scenario" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
scenario = sys.argv[2]
problems = []
if m.get("class") != "ThawSlumpMapperPlugin":
    problems.append(f"loaded {m.get('class')} instead of the real plugin; message bar: {m.get('message_bar')}")
if not m.get("loaded_from_profile"):
    problems.append(f"not loaded from the fresh profile ({m.get('module_file')})")
if len(m.get("docks", [])) != 2:
    problems.append(f"docks {m.get('docks')}")
if not m.get("provider"):
    problems.append("no Processing provider")
if scenario in ("area", "inference", "review") and not m.get("candidates"):
    problems.append(f"the dock run gave no candidates (status: {m.get('status')})")
if scenario == "area" and not m.get("processing_count"):
    problems.append("the Processing run gave no candidates")
if scenario == "review" and not m.get("review_keys"):
    problems.append("no review decision was made")
# the smoke test's stack check builds its ONNX graph with the onnx package, which only the host has
if m.get("stack", {}).get("error") and m["stack"]["error"] != "ModuleNotFoundError: No module named 'onnx'":
    problems.append(f"stack: {m['stack']['error']}")
if problems:
    print("BAD " + "; ".join(problems))
else:
    extra = {"area": f"Processing on the study area {m.get('processing_count')}",
             "review": f"{m.get('review_keys')} keyboard decisions, {m.get('review_status')}"}.get(scenario, "")
    print(f"OK real plugin from the profile, docks {', '.join(m['docks'])}, provider; dock run "
          f"{m.get('candidates')} candidates ({m.get('status')}); {extra}")
EOF
    )
    case "$verdict" in
        OK*) note "window/$scenario ($(secs "$t") s): ${verdict#OK }; screenshots: $(cd "$OUT/$scenario" && echo *.png)" ;;
        *) fail "window/$scenario" "${verdict#BAD }" ;;
    esac
done

printf '\n'
for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
echo "PASS $SUITE (QGIS $QGIS_VERSION): every check passed in $(secs "$T0") s; output in $OUT"
