#!/usr/bin/env bash
# The wheel store on the real ML bundle (pandas + scikit-learn and their dependencies, 12 wheels,
# 73 MB), beside python -m venv + pip install of the same wheels, in one run:
#   1. first install on an empty host (pkgr install: download, verify, unpack, compile, link)
#   2. a new version whose wheels are already in the store (with and without the bundle cached; and
#      through `pkgr run`)
#   3. disk: N versions installed, du with the store (hardlinks counted once) and N pip venvs
#   4. the warm run of the bundle beside the venv's python running the same module
#
#   benchmarks/scripts/wheel-store.sh                 # wheels from ../shared/wheels/ml beside the checkout
#   WHEELS=DIR RUNS=3 VERSIONS=3 benchmarks/scripts/wheel-store.sh
#
# Needs hyperfine, htpasswd (apache2-utils), /usr/bin/python3 3.11 with venv and pip (the wheels are
# cp311). The timed pkgr commands run through the release archive's bin/pkgr (laid out from this
# build), what users install. Prints a markdown table; every process it starts is stopped by PID;
# KEEP=1 keeps the work dir.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WHEELS="${WHEELS:-$root/../shared/wheels/ml}"
RUNS="${RUNS:-3}"
VERSIONS="${VERSIONS:-3}"
PY=/usr/bin/python3
[[ -d "$WHEELS" ]] || { echo "no wheels at $WHEELS (set WHEELS)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-wheel-store.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '\n== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- a registry on a free port, one user
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
htpasswd -B -C 5 -b -c "$work/htpasswd" bench bench-pw 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [admin]\n' > "$work/access.yaml"
"$root/pkgr" --version >/dev/null   # builds ./pkgr once if the sources changed
# the timed commands run what users install: the release archive's bin/pkgr beside this build's jars
# and class lists (its class-data archives are made by its first call, here, outside every timing)
mkdir -p "$work/release/bin" "$work/release/lib/cds"
cp "$root/distribution/src/main/dist/bin/pkgr" "$work/release/bin/pkgr"
cp "$root"/packager-cli/target/pkgr/lib/*.jar "$root"/packager-cli/target/pkgr/lib/*.classlist "$work/release/lib/"
pkgr="$work/release/bin/pkgr"
"$pkgr" --version >/dev/null
"$root/pkgr" serve --data "$work/data" --port "$port" --host 127.0.0.1 --htpasswd "$work/htpasswd" \
  --access "$work/access.yaml" 2> "$work/serve.err" &
server_pid=$!
until grep -q "listening on" "$work/serve.err"; do kill -0 "$server_pid"; sleep 0.05; done

export PKGR_CONFIG_DIR="$work/config" PKGR_CACHE_DIR="$work/cache" PKGR_PYTHON=$PY PKGR_NO_PROGRESS=1
export PKGR_REPOSITORIES_BENCH_URL="http://127.0.0.1:$port" PKGR_HTTP_BASIC_BENCH_USERNAME=bench PKGR_HTTP_BASIC_BENCH_PASSWORD=bench-pw
export PIP_CONFIG_FILE=/dev/null

# ---- VERSIONS versions of one ML bundle: identical wheels, different code (pkgr build vendors with pip)
log "build and publish $VERSIONS versions"
declare -a sha
for i in $(seq 0 $((VERSIONS - 1))); do
  src="$work/src/1.0.$i"
  mkdir -p "$src/src/mlapp"
  : > "$src/src/mlapp/__init__.py"
  printf 'import pandas, sklearn\nprint("ml 1.0.%s", pandas.__version__, sklearn.__version__)\n' "$i" > "$src/src/mlapp/__main__.py"
  printf 'name: ml\nversion: 1.0.%s\nruntime: python\nrequirements: ["pandas==2.3.3", "scikit-learn==1.9.1"]\ninclude: ["src/**"]\nentrypoints:\n  main: {command: ["python", "-m", "mlapp"]}\n  noop: {command: ["python", "-c", "pass"]}\n' "$i" > "$src/pkgr.yaml"
  "$root/pkgr" build --find-links "$WHEELS" --python $PY -C "$src" -o "$work/out" >&2
  "$root/pkgr" publish -r bench "$work/out/ml-1.0.$i.pkgr" >&2
  sha[$i]=$(sha256sum "$work/out/ml-1.0.$i.pkgr" | cut -d' ' -f1)
done
cache="$PKGR_CACHE_DIR"
venv="$work/venv"
peer="sh -c '$PY -m venv --without-pip $venv && $PY -m pip --isolated --python $venv/bin/python install -q --no-index --find-links $WHEELS pandas==2.3.3 scikit-learn==1.9.1'"
means() { $PY -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(*('%.2f' % x['mean'] for x in r))" "$1"; }

log "1. first install on an empty host"
hyperfine -N -r "$RUNS" --export-json "$work/cold.json" \
  --prepare "rm -rf $cache $venv" \
  "$pkgr install -q -r bench ml==1.0.0" \
  "$peer" >&2
read -r cold_pkgr cold_peer < <(means "$work/cold.json")

log "2. a new version whose wheels are in the store"
"$pkgr" install -q -r bench ml==1.0.0 >&2
"$pkgr" install -q -r bench ml==1.0.1 >&2
hyperfine -N -r "$((RUNS + 2))" --export-json "$work/next.json" \
  --prepare "sh -c 'rm -rf $cache/envs/${sha[1]}-* $cache/bundles/sha256/${sha[1]}.pkgr'" \
  "$pkgr install -q -r bench ml==1.0.1" >&2
hyperfine -N -r "$((RUNS + 2))" --export-json "$work/next-cached.json" \
  --prepare "sh -c 'rm -rf $cache/envs/${sha[1]}-*'" \
  "$pkgr install -q -r bench ml==1.0.1" >&2
# the same through `pkgr run` (what an orchestrator calls at a task's start): install, then an
# entrypoint that only starts the interpreter
hyperfine -N -r "$((RUNS + 2))" --export-json "$work/next-run.json" \
  --prepare "sh -c 'rm -rf $cache/envs/${sha[1]}-* $cache/bundles/sha256/${sha[1]}.pkgr'" \
  "$pkgr run -q -r bench ml==1.0.1 noop" >&2
read -r next_pkgr < <(means "$work/next.json")
read -r next_run < <(means "$work/next-run.json")
read -r next_cached < <(means "$work/next-cached.json")
rm -rf "$cache/envs/${sha[1]}"-*
"$pkgr" install -v -r bench ml==1.0.1 2> "$work/next-verbose.txt" >&2
cat "$work/next-verbose.txt" >&2

log "3. disk with $VERSIONS versions"
for i in $(seq 0 $((VERSIONS - 1))); do "$pkgr" install -q -r bench "ml==1.0.$i" >&2; done
du_envs_store=$(du -sm "$cache/envs" "$cache/wheels" | awk '{s+=$1} END {print s}')
du_each=$(for d in "$cache"/envs/*/; do du -sm "$d"; done | awk '{s+=$1} END {print s}')
du_bundles=$(du -sm "$cache/bundles" | cut -f1)
rm -rf "$venv"; eval "$peer"
du_venv=$(du -sm "$venv" | cut -f1)
"$pkgr" cache list >&2

log "4. warm run of the bundle beside the venv's python"
envdir=$(ls -d "$cache/envs/${sha[0]}"-*/ | head -1)
hyperfine -N -w 1 -r "$((RUNS + 2))" --export-json "$work/warm.json" \
  "$pkgr run -q -r bench ml==1.0.0 main" \
  "env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$envdir/files/src $envdir/venv/bin/python -m mlapp" >&2
read -r warm_pkgr warm_venv < <(means "$work/warm.json")

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { $PY -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
cat <<EOF
Machine: $(nproc) cores, $($PY -c 'import platform; print(platform.python_implementation(), platform.python_version())'), $(java -version 2>&1 | head -1).
Load average (1/5/15 min): $load_start at start, $load_end at end.

| scenario | pkgr | peer (python -m venv --without-pip + pip install --no-index --find-links) | pkgr ÷ peer | goal |
|---|---:|---:|---:|---|
| first install on an empty host (s) | $cold_pkgr | $cold_peer | $(ratio "$cold_pkgr" "$cold_peer") | ≤ 0.5 |
| new version, wheels in the store, bundle downloaded (s) | $next_pkgr | $cold_peer (a full install, what every version cost before) | $(ratio "$next_pkgr" "$cold_peer") | ≤ 1 s |
| same, bundle already in the cache (s) | $next_cached | | | |
| same through \`pkgr run\` of an entrypoint that only starts python, bundle downloaded (s) | $next_run | | | |
| disk, $VERSIONS versions: envs + store, du counting each file once (MB) | $du_envs_store | $((du_venv * VERSIONS)) ($VERSIONS pip venvs of $du_venv) | $(ratio "$du_envs_store" "$((du_venv * VERSIONS))") | one copy of the wheels |
| same, du of each environment on its own, summed (MB) | $du_each | | | |
| downloaded bundles kept in the cache, $VERSIONS versions (MB) | $du_bundles | | | |
| warm run, import pandas + sklearn (s) | $warm_pkgr | $warm_venv (the venv's python directly) | $(ratio "$warm_pkgr" "$warm_venv") | within noise |
EOF
