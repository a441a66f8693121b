#!/usr/bin/env bash
# Two housekeeping costs, measured in one run on this machine with this checkout's ./pkgr:
#   1. a warm `pkgr run` of a signed no-op exec bundle without signature checks, with
#      --trusted-keys and the cached outcome, and with --trusted-keys when the outcome is not
#      cached (the Ed25519 check itself, BouncyCastle loaded), side by side in one hyperfine run;
#   2. `pkgr admin gc` over BLOBS blobs (default 100,000 of 1 KiB, all unreferenced and older than
#      the grace period, plus a few referenced ones): a dry run, `pkgr admin fsck --quick` as the
#      peer that lists and stats the same blobs, and the real run that removes them.
#
#   benchmarks/scripts/signing-gc.sh
#   BLOBS=10000 RUNS=10 KEEP=1 benchmarks/scripts/signing-gc.sh
#
# Needs: hyperfine, python3, curl. Every process it starts is killed by PID on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BLOBS="${BLOBS:-100000}"
RUNS="${RUNS:-15}"
pkgr="$root/pkgr"
work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-signgc.XXXXXX")"
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

"$pkgr" --version >/dev/null   # builds ./pkgr (and its start-up archive) when the sources changed

export PKGR_CONFIG_DIR="$work/config" PKGR_CACHE_DIR="$work/cache" PKGR_NO_PROGRESS=1
port="$(free_port)"
"$pkgr" serve --data "$work/data" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  grep -q "listening on" "$work/serve.log" && break
  sleep 0.5
done
password="$(cat "$(sed -n 's/.*its password is in \([^ ]*\).*/\1/p' "$work/serve.log" | head -1)")"
"$pkgr" config repositories.local "http://127.0.0.1:$port/"
"$pkgr" config http-basic.local admin "$password"

# a signed no-op exec bundle, installed: every timed run is warm and offline
mkdir -p "$work/noop"
cat >"$work/noop/pkgr.yaml" <<'YAML'
name: noop
version: 1.0.0
runtime: exec
include: ["pkgr.yaml"]
entrypoints:
  task:
    command: ["true"]
    params:
      day: {type: date, required: true}
YAML
"$pkgr" key generate "$work/release-key" >/dev/null
(cd "$work/noop" && "$pkgr" build >/dev/null)
"$pkgr" publish -r local --sign "$work/release-key" "$work/noop/dist/noop-1.0.0.pkgr"
"$pkgr" run -r local --trusted-keys "$work/release-key.pub" noop==1.0.0 task --day=2024-05-01
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
outcome="$PKGR_CACHE_DIR/bundles/sha256/*.signature"

echo "== warm pkgr run: load $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -w 3 -r "$RUNS" --export-markdown "$work/warm.md" \
  --prepare 'true' --prepare 'true' --prepare "sh -c 'rm -f $outcome'" \
  -n "warm run, no signature check" "$pkgr run -r local noop==1.0.0 task --day=2024-05-01" \
  -n "warm run, --trusted-keys, outcome cached" "$pkgr run -r local --trusted-keys $work/release-key.pub noop==1.0.0 task --day=2024-05-01" \
  -n "warm run, --trusted-keys, Ed25519 check (not cached)" "$pkgr run -r local --trusted-keys $work/release-key.pub noop==1.0.0 task --day=2024-05-01"
cat "$work/warm.md"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"

# a data directory with BLOBS unreferenced blobs of 1 KiB, two days old, beside the registry's own
echo "== gc over $BLOBS blobs"
python3 "$root/benchmarks/scripts/seed-blobs.py" "$work/data" "$BLOBS"
sync
timed() { local label="$1"; shift; local start end; start=$(date +%s%N); "$@" >"$work/out.txt" 2>&1; end=$(date +%s%N);
  echo "$label: $(( (end - start) / 1000000 )) ms wall; $(tail -1 "$work/out.txt")"; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
timed "pkgr admin fsck --quick (peer: lists and stats the same blobs)" "$pkgr" admin fsck --data "$work/data" --quick
timed "pkgr admin gc --dry-run" "$pkgr" admin gc --data "$work/data" --dry-run
timed "pkgr admin gc (removes them)" "$pkgr" admin gc --data "$work/data"
timed "pkgr admin gc again (nothing to remove)" "$pkgr" admin gc --data "$work/data"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
