#!/usr/bin/env bash
# `pkgr admin gc` removing BLOBS unreferenced blobs (1 KiB, two days old), this checkout's HEAD
# beside BASE (default HEAD~1 of the batch delete: one durable delete per blob), on identical
# data directories, one after the other, in one run.
#
#   BASE=a1b2c3d BLOBS=20000 benchmarks/scripts/gc-delete.sh
#   BASE_PKGR=/path/to/checkout/pkgr PKGR=/path/to/other/pkgr …   # launchers built before
#
# Both are exported with git archive and built in the work directory (never installed).
# Needs: python3. Removes its work directory unless KEEP=1.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BLOBS="${BLOBS:-20000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-gcdel.XXXXXX")"
cleanup() { if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi; }
trap cleanup EXIT

build() { # build COMMIT DIR → prints the launcher
  mkdir -p "$2"; git -C "$root" archive "$1" | tar -x -C "$2"; "$2/pkgr" --version >/dev/null; echo "$2/pkgr"; }
[[ -n "${BASE_PKGR:-}" ]] || BASE_PKGR="$(build "${BASE:?give BASE or BASE_PKGR}" "$work/base")"
[[ -n "${PKGR:-}" ]] || PKGR="$(build HEAD "$work/head")"

seed() {
  python3 "$root/benchmarks/scripts/seed-blobs.py" "$1" "$BLOBS"
  sync
}
timed() { local label="$1"; shift; local start end; start=$(date +%s%N); "$@" >"$work/out.txt" 2>&1; end=$(date +%s%N);
  echo "| $label | $(( (end - start) / 1000000 )) | $(tail -1 "$work/out.txt") | $(cut -d' ' -f1-3 /proc/loadavg) |"; }

echo "| gc of $BLOBS blobs | wall ms | its summary | load after |"
echo "|---|---:|---|---|"
seed "$work/data-base"; seed "$work/data-head"
timed "one delete each (base)" "$BASE_PKGR" admin gc --data "$work/data-base"
timed "batch delete (this)" "$PKGR" admin gc --data "$work/data-head"
seed "$work/data-base"; seed "$work/data-head"
timed "batch delete (this), again" "$PKGR" admin gc --data "$work/data-head"
timed "one delete each (base), again" "$BASE_PKGR" admin gc --data "$work/data-base"
