#!/usr/bin/env bash
# Bundles as layers beside today's whole-file bundles, in one run on this machine:
#   registry storage for VERSIONS versions of the ML bundle that differ only in their code,
#   bytes `pkgr publish` uploads for a new version, bytes a worker receives for a new version
#   whose wheels it holds, and a cold worker's first fetch of the bundle.
#
#   benchmarks/scripts/layers.sh                 # VERSIONS=20, BASE = merge-base with main
#   VERSIONS=5 KEEP=1 benchmarks/scripts/layers.sh
#   BASE=ebe3893 VERSIONS=3 benchmarks/scripts/layers.sh   # "today" = the last commit storing whole files
#   BASE_PKGR=/path/to/checkout/pkgr PKGR=…      # launchers of BASE and of this commit built before
#
# "today" is the commit BASE (exported with git archive and built in the work directory, never
# installed), "layers" this checkout's HEAD, exported and built the same way (so that edits made
# while the script runs change nothing). Each side gets its own `pkgr serve` on a free port with a
# fresh data directory and a fresh worker cache; byte counts come from the server's access log
# (in=/out= of each request), storage from the sizes of the files under data/blobs. The ML wheels
# are read from WHEELS (default ../shared/wheels/ml from the repository root, or ../../shared/…
# for a checkout one level deeper, as a git worktree may be).
# Needs: python3 (3.11, pip), curl. Every process it starts is killed by PID on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "${WHEELS:-}" ]]; then
  WHEELS="$root/../shared/wheels/ml"
  [[ -d "$WHEELS" ]] || WHEELS="$root/../../shared/wheels/ml"
fi
VERSIONS="${VERSIONS:-20}"
BASE="${BASE:-$(git -C "$root" merge-base HEAD main)}"
PYTHON="${PYTHON:-/usr/bin/python3}"
[[ -d "$WHEELS" ]] || { echo "no wheels in $WHEELS" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-layers.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

if [[ -z "${BASE_PKGR:-}" ]]; then
  echo "== building today's pkgr ($BASE) in $work/base" >&2
  mkdir -p "$work/base"
  git -C "$root" archive "$BASE" | tar -x -C "$work/base"
  BASE_PKGR="$work/base/pkgr"
fi
"$BASE_PKGR" --version >/dev/null
if [[ -z "${PKGR:-}" ]]; then
  echo "== building this pkgr ($(git -C "$root" rev-parse --short HEAD)) in $work/head" >&2
  mkdir -p "$work/head"
  git -C "$root" archive HEAD | tar -x -C "$work/head"
  PKGR="$work/head/pkgr"
fi
"$PKGR" --version >/dev/null

echo "== $VERSIONS versions of the ML bundle (pkgr build, wheels from $WHEELS)" >&2
reqs=""
for w in "$WHEELS"/*.whl; do
  f="$(basename "$w")"; name="${f%%-*}"; rest="${f#*-}"; version="${rest%%-*}"
  reqs+="  - ${name//_/-}==$version"$'\n'
done
mkdir -p "$work/bundles"
for i in $(seq 1 "$VERSIONS"); do
  p="$work/project-$i"
  mkdir -p "$p/src/ml"
  cat > "$p/pkgr.yaml" <<YAML
name: ml-pipeline
version: 1.0.$i
runtime: python
python: ">=3.11"
requirements:
$reqs
include: ["src/**"]
entrypoints:
  train:
    command: ["python", "-m", "ml.train"]
YAML
  printf 'import sklearn, pandas\nVERSION = %d\nprint("train", VERSION)\n' "$i" > "$p/src/ml/train.py"
  "$PKGR" build -C "$p" -o "$work/bundles" --find-links "$WHEELS" --python "$PYTHON" >/dev/null
done
bundle_size=$(stat -c %s "$work/bundles/ml-pipeline-1.0.1.pkgr")
echo "bundle: $bundle_size bytes" >&2

# side NAME PKGR: a server, VERSIONS publishes, then a cold and a warm worker
side() {
  local side="$1" pkgr="$2"
  local dir="$work/$side" port; port="$(free_port)"
  mkdir -p "$dir/data"
  "$pkgr" serve --data "$dir/data" --host 127.0.0.1 --port "$port" > "$dir/server.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 300); do grep -q "listening on" "$dir/server.log" 2>/dev/null && break; sleep 0.2; done
  local password; password="$(cat "$(grep -o 'its password is in [^ ]*' "$dir/server.log" | awk '{print $5}')")"
  export PKGR_CONFIG_DIR="$dir/config" PKGR_CACHE_DIR="$dir/cache" PKGR_NO_PROGRESS=1 PKGR_PYTHON="$PYTHON"
  export PKGR_REPOSITORIES_BENCH_URL="http://127.0.0.1:$port" PKGR_HTTP_BASIC_BENCH_USERNAME=admin
  export PKGR_HTTP_BASIC_BENCH_PASSWORD="$password"
  mark() { wc -l < "$dir/server.log"; }
  # sum of in= (or out=) of the access-log lines after line $1 whose path matches $2
  bytes() { tail -n +"$(( $1 + 1 ))" "$dir/server.log" | grep -E " (GET|PUT|POST|HEAD) " | grep -E "$3" \
            | grep -o " $2=[0-9]*" | cut -d= -f2 | awk '{s+=$1} END {print s+0}'; }

  local m; m=$(mark)
  "$pkgr" publish -r bench "$work/bundles/ml-pipeline-1.0.1.pkgr" >/dev/null
  sleep 0.5; local up1; up1=$(bytes "$m" in "ml-pipeline")
  local t0 t1 total=0
  for i in $(seq 2 "$VERSIONS"); do
    m=$(mark)
    "$pkgr" publish -r bench "$work/bundles/ml-pipeline-1.0.$i.pkgr" >/dev/null
    sleep 0.3; total=$(( total + $(bytes "$m" in "ml-pipeline") ))
  done
  local upN=$(( VERSIONS > 1 ? total / (VERSIONS - 1) : 0 ))
  local stored; stored=$(find "$dir/data/blobs" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')

  # the whole file as curl (and clients older than layers) get it, twice (with layers the first
  # download assembles and stores the file, the second streams the stored file)
  t0=$(now_ms)
  curl -sf -u "admin:$password" -o "$dir/whole.pkgr" "http://127.0.0.1:$port/api/v1/bundles/ml-pipeline/1.0.1/download"
  t1=$(now_ms); local whole_ms=$(( t1 - t0 ))
  t0=$(now_ms)
  curl -sf -u "admin:$password" -o "$dir/whole2.pkgr" "http://127.0.0.1:$port/api/v1/bundles/ml-pipeline/1.0.1/download"
  t1=$(now_ms); local whole2_ms=$(( t1 - t0 ))
  cmp -s "$dir/whole2.pkgr" "$work/bundles/ml-pipeline-1.0.1.pkgr" || whole2_ms="$whole2_ms (DIFFERS)"
  cmp -s "$dir/whole.pkgr" "$work/bundles/ml-pipeline-1.0.1.pkgr" && same=yes || same=NO
  # what today's worker does after that download: unpack the gzip'd tar (and hash it; tar only unpacks)
  mkdir -p "$dir/unpacked"; t0=$(now_ms)
  tar -xzf "$dir/whole.pkgr" -C "$dir/unpacked"
  t1=$(now_ms); local unpack_ms=$(( t1 - t0 ))

  # a cold worker installs 1.0.1, then 1.0.2 (whose wheels it holds)
  m=$(mark); t0=$(now_ms)
  "$pkgr" install -r bench ml-pipeline==1.0.1 > /dev/null 2> "$dir/install1.err"
  t1=$(now_ms); sleep 0.3
  local cold_ms=$(( t1 - t0 )) cold_bytes; cold_bytes=$(bytes "$m" out "ml-pipeline/1.0.1")
  m=$(mark); t0=$(now_ms)
  "$pkgr" install -r bench ml-pipeline==1.0.2 > /dev/null 2> "$dir/install2.err"
  t1=$(now_ms); sleep 0.3
  local warm_ms=$(( t1 - t0 )) warm_bytes; warm_bytes=$(bytes "$m" out "ml-pipeline/1.0.2")
  # today's pkgr: the whole-file download (curl) then unpacking (tar); with layers, pkgr's own phases
  local fetch lay
  fetch="$(grep -o 'fetched in [0-9.]* s' "$dir/install1.err" | grep -o '[0-9.]*' || true)"
  lay="$(grep -o 'laid out in [0-9.]* s' "$dir/install1.err" | grep -o '[0-9.]*' || true)"
  if [[ -n "$fetch" ]]; then
    fetch="$(printf '%.0f (pkgr, 4 parallel blobs)' "$(echo "$fetch * 1000" | bc -l)")"
    lay="$(printf '%.0f (pkgr: links + files layer)' "$(echo "$lay * 1000" | bc -l)")"
  else
    fetch="$whole_ms (curl, whole file)"; lay="$unpack_ms (tar xzf)"
  fi
  printf '| %s | %d | %.2f | %d | %d | %.3f%% | %d | %.3f%% | %d | %s | %s | %d | %s | %s | %d | %d | %s |\n' "$side" "$stored" \
    "$(echo "$stored / $bundle_size" | bc -l)" "$up1" "$upN" "$(echo "100 * $upN / $bundle_size" | bc -l)" \
    "$warm_bytes" "$(echo "100 * $warm_bytes / $bundle_size" | bc -l)" "$cold_bytes" "$fetch" "$lay" "$whole_ms" \
    "$whole2_ms" "$same" "$cold_ms" "$warm_ms" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/table.md"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
}

{
  echo "ML bundle: $(ls "$WHEELS"/*.whl | wc -l) wheels, one version = $bundle_size bytes; $VERSIONS versions differing only in src/ml/train.py"
  echo
  echo "| side | stored bytes | stored ÷ one version | 1st publish: bytes up | later publishes: bytes up (mean) | ÷ bundle | worker, v2 after v1: bytes down | ÷ bundle | cold worker: bytes down | cold: fetch ms | cold: unpack ms | whole file via curl ms | again ms | = published file | cold install ms (all, incl. venv + pip) | v2 install ms (all) | load after |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|---:|---:|---|"
} > "$work/table.md"
side today "$BASE_PKGR"
side layers "$PKGR"
cat "$work/table.md"
mkdir -p "$root/benchmarks/target" && cp "$work/table.md" "$root/benchmarks/target/layers-results.md"
