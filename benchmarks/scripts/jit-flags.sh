#!/usr/bin/env bash
# The launcher's JIT flags on the ML bundle (12 wheels, 73 MB), in one run: the client compiler
# only (-XX:TieredStopAtLevel=1, what the launcher passes to short commands) beside the full
# tiered JIT (C1 then C2, the JVM's default), for
#   pkgr --version, a warm pkgr run (an entrypoint that only starts python),
#   a new version whose wheels the host holds (pkgr install), a cold install (empty cache).
# The full JIT is selected with PKGR_JAVA_OPTS=-XX:TieredStopAtLevel=4 (the last flag wins), so
# both sides use the same launcher and start-up archive.
#
#   benchmarks/scripts/jit-flags.sh             # wheels from ../shared/wheels/ml beside the checkout
#   WHEELS=DIR RUNS=5 COLD_RUNS=2 benchmarks/scripts/jit-flags.sh
#
# Needs hyperfine and /usr/bin/python3 3.11 (the wheels are cp311). Prints a markdown table (also
# in benchmarks/target/jit-flags-results.md); the server it starts is stopped by PID on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -z "${WHEELS:-}" ]]; then
  WHEELS="$root/../shared/wheels/ml"
  [[ -d "$WHEELS" ]] || WHEELS="$root/../../shared/wheels/ml"
fi
RUNS="${RUNS:-5}"
COLD_RUNS="${COLD_RUNS:-2}"
PYTHON="${PYTHON:-/usr/bin/python3}"
[[ -d "$WHEELS" ]] || { echo "no wheels in $WHEELS (set WHEELS)" >&2; exit 2; }
pkgr="$root/pkgr"

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-jit.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$pkgr" --version >/dev/null

reqs=""
for w in "$WHEELS"/*.whl; do
  f="$(basename "$w")"; name="${f%%-*}"; rest="${f#*-}"; version="${rest%%-*}"
  reqs+="  - ${name//_/-}==$version"$'\n'
done
mkdir -p "$work/bundles"
for i in 1 2; do
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
  noop:
    command: ["python", "-c", "pass"]
YAML
  printf 'VERSION = %d\n' "$i" > "$p/src/ml/__init__.py"
  "$pkgr" build -C "$p" -o "$work/bundles" --find-links "$WHEELS" --python "$PYTHON" >/dev/null
done

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$pkgr" serve --data "$work/data" --host 127.0.0.1 --port "$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do grep -q "listening on" "$work/server.log" 2>/dev/null && break; sleep 0.2; done
password="$(cat "$(grep -o 'its password is in [^ ]*' "$work/server.log" | awk '{print $5}')")"
export PKGR_CONFIG_DIR="$work/config" PKGR_CACHE_DIR="$work/cache" PKGR_NO_PROGRESS=1 PKGR_PYTHON="$PYTHON"
export PKGR_REPOSITORIES_BENCH_URL="http://127.0.0.1:$port" PKGR_HTTP_BASIC_BENCH_USERNAME=admin
export PKGR_HTTP_BASIC_BENCH_PASSWORD="$password"
"$pkgr" publish -r bench "$work/bundles/ml-pipeline-1.0.1.pkgr" >/dev/null
"$pkgr" publish -r bench "$work/bundles/ml-pipeline-1.0.2.pkgr" >/dev/null
v2="$(sha256sum "$work/bundles/ml-pipeline-1.0.2.pkgr" | cut -c1-64)"
"$pkgr" install -r bench ml-pipeline==1.0.1 >/dev/null 2>&1

c1="" full="PKGR_JAVA_OPTS=-XX:TieredStopAtLevel=4"
hf() { hyperfine -N --style basic --export-markdown "$work/$1.md" "${@:2}" >&2; tail -n 2 "$work/$1.md"; }
{
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| Command | Mean [s] | Min [s] | Max [s] | Relative |"
  echo "|:---|---:|---:|---:|---:|"
  hf version --warmup 2 --runs "$RUNS" -n "pkgr --version, C1 only" "env $c1 $pkgr --version" \
    -n "pkgr --version, full JIT" "env $full $pkgr --version"
  hf run --warmup 1 --runs "$RUNS" -n "warm run, C1 only" "env $c1 $pkgr run -r bench ml-pipeline==1.0.1 noop" \
    -n "warm run, full JIT" "env $full $pkgr run -r bench ml-pipeline==1.0.1 noop"
  hf held --runs "$RUNS" --prepare "sh -c 'chmod -R u+w $work/cache/envs/$v2* 2>/dev/null; rm -rf $work/cache/envs/$v2*'" \
    -n "v2, wheels held: install, C1 only" "env $c1 $pkgr install -q -r bench ml-pipeline==1.0.2" \
    -n "v2, wheels held: install, full JIT" "env $full $pkgr install -q -r bench ml-pipeline==1.0.2"
  hf cold --runs "$COLD_RUNS" --prepare "sh -c 'chmod -R u+w $work/cache 2>/dev/null; rm -rf $work/cache'" \
    -n "cold install, C1 only" "env $c1 $pkgr install -q -r bench ml-pipeline==1.0.1" \
    -n "cold install, full JIT" "env $full $pkgr install -q -r bench ml-pipeline==1.0.1"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$work/table.md"
cat "$work/table.md"
mkdir -p "$root/benchmarks/target" && cp "$work/table.md" "$root/benchmarks/target/jit-flags-results.md"
