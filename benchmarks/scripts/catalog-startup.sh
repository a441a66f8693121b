#!/usr/bin/env bash
# Start-up time of `pkgr serve` with a large catalog: PROJECTS x FILES PyPI file records and
# BUNDLES x VERSIONS bundle version records, written straight into a data directory as an older
# release left them (one JSON file per record, no index).
#
#   benchmarks/scripts/catalog-startup.sh [BASE_REF]
#
# Measures, from process start to the "listening on" line (JVM start included):
#   - this checkout, first start  (reads record by record, writes the per-name indexes)
#   - this checkout, next starts  (reads the indexes)
#   - BASE_REF (e.g. a commit before the indexes), built in a temporary clone, for comparison
#   - the PostgreSQL catalog with the same records as rows (PgBenchData), in a private cluster
#     this script starts (initdb/pg_ctl, as the postgres user under root); PG=0 skips it
# Knobs: PROJECTS (10000) FILES (20) BUNDLES (1000) VERSIONS (20) RUNS (3) PKGR_JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base_ref="${1:-}"
PROJECTS="${PROJECTS:-10000}"; FILES="${FILES:-20}"; BUNDLES="${BUNDLES:-1000}"; VERSIONS="${VERSIONS:-20}"
RUNS="${RUNS:-3}"; PG="${PG:-1}"
work="$(mktemp -d)"
pids=()
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$work/pg/data/postmaster.pid" ]] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
log() { echo "== $*" >&2; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "build (outside every timing)"
( cd "$root" && ./mvnw -B -q -pl registry-server,catalog-postgresql,packager-cli -am package -DskipTests \
    -Dmaven.javadoc.skip=true >&2 )
"$root/pkgr" --version > /dev/null
testcp="$root/registry-server/target/test-classes:$root/catalog-postgresql/target/test-classes:$(ls "$root"/packager-cli/target/pkgr/lib/*.jar | tr '\n' ':')"
pgbin="$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)")")"

if [[ -n "$base_ref" ]]; then
  log "build $base_ref in a temporary clone"
  git clone -q --no-checkout "$root" "$work/base"
  git -C "$work/base" checkout -q "$base_ref"
  ( cd "$work/base" && ./mvnw -B -q -o -pl packager-cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2 )
  "$work/base/pkgr" --version > /dev/null
fi

log "data: $PROJECTS x $FILES PyPI files, $BUNDLES x $VERSIONS bundle versions"
java -cp "$testcp" io.pkgr.registry.pypi.PypiBenchData "$work/data" "$work/nginx" "$PROJECTS" "$FILES" >&2
java -cp "$testcp" io.pkgr.registry.BundleBenchData "$work/data" "$BUNDLES" "$VERSIONS" >&2
printf 'admin:{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc=\n' > "$work/htpasswd"
printf 'rules:\n  - bundles: ["*"]\n    users: [admin]\n    allow: [admin]\n' > "$work/access.yaml"

start() {   # LAUNCHER DATA [EXTRA ARGS...] → prints ms to "listening on"
  local launcher="$1" data="$2"; shift 2
  local port err t0 pid
  port=$(free_port); err="$work/serve.err"; : > "$err"
  t0=$(now_ms)
  "$launcher" serve --data "$data" --port "$port" --host 127.0.0.1 --htpasswd "$work/htpasswd" \
    --access "$work/access.yaml" "$@" 2> "$err" &
  pid=$!; pids+=("$pid")
  until grep -q "listening on" "$err"; do
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; return 1; }
    sleep 0.005
  done
  echo $(( $(now_ms) - t0 ))
  grep -h "catalog read" "$err" >&2 || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

row() { printf '| %s | %s |\n' "$1" "$2"; }
echo "| start to ready ($PROJECTS x $FILES PyPI files, $BUNDLES x $VERSIONS bundle versions) | ms |"
echo "|---|---:|"
# one data directory throughout (copies of 220,000 files cost minutes): the base build only reads it
if [[ -n "$base_ref" ]]; then
  for i in $(seq "$RUNS"); do row "$base_ref (record by record), run $i" "$(start "$work/base/pkgr" "$work/data")"; done
fi
row "this checkout, first start (record by record, writes the indexes)" "$(start "$root/pkgr" "$work/data")"
for i in $(seq "$RUNS"); do row "this checkout, from the indexes, run $i" "$(start "$root/pkgr" "$work/data")"; done
if [[ "$PG" == 1 ]]; then
  log "PostgreSQL: a private cluster, the same records as rows"
  mkdir -p "$work/pg"; chmod 755 "$work"
  [[ $EUID -eq 0 ]] && chown postgres "$work/pg"
  pw="bench-$RANDOM$RANDOM"; echo "$pw" > "$work/pg/pw"
  [[ $EUID -eq 0 ]] && chown postgres "$work/pg/pw"
  as_pg "$pgbin/initdb" -D "$work/pg/data" -U pkgr --pwfile="$work/pg/pw" -A scram-sha-256 -E UTF8 --locale=C --no-sync >/dev/null
  pgport=$(free_port)
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -o "-p $pgport -c listen_addresses=127.0.0.1 -k $work/pg" -w start >/dev/null
  PGPASSWORD="$pw" "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U pkgr registry
  url="postgresql://pkgr@127.0.0.1:$pgport/registry"
  java -cp "$testcp" io.pkgr.catalog.postgresql.PgBenchData "$work/data" "$url" "$pw" >&2
  mkdir -p "$work/data-pg"
  for i in $(seq "$RUNS"); do
    row "this checkout, PostgreSQL catalog, run $i" "$(PKGR_DATABASE_PASSWORD="$pw" start "$root/pkgr" "$work/data-pg" --database "$url")"
  done
fi
