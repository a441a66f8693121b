#!/usr/bin/env bash
# The web UI under load: req/s and p99 of the home page and of a bundle page, beside the JSON
# record of the same bundles, against one `pkgr serve` holding BUNDLES x VERSIONS bundle versions
# (BundleBenchData: python bundles with requirements, two entrypoints with typed params, ten
# payload files), plus the weight of each page.
#
#   benchmarks/scripts/web-ui.sh
#
# Knobs: BUNDLES (10000) VERSIONS (2) CONNECTIONS (32) DURATION (10s) PKGR_JAVA_OPTS.
# Needs: wrk, curl, python3 (a free port).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
BUNDLES="${BUNDLES:-10000}"; VERSIONS="${VERSIONS:-2}"; CONNECTIONS="${CONNECTIONS:-32}"; DURATION="${DURATION:-10s}"
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "== $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "build (outside every timing)"
( cd "$root" && ./mvnw -B -q -o -pl registry-server,packager-cli -am package -DskipTests -Dmaven.javadoc.skip=true >&2 )
testcp="$root/registry-server/target/test-classes:$(ls "$root"/packager-cli/target/pkgr/lib/*.jar | tr '\n' ':')"

log "data: $BUNDLES x $VERSIONS bundle versions"
java -cp "$testcp" io.pkgr.registry.BundleBenchData "$work/data" "$BUNDLES" "$VERSIONS" >&2
# {SHA} of "admin": the verification cache answers after the first request either way
printf 'admin:{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc=\n' > "$work/htpasswd"
printf 'rules:\n  - bundles: ["*"]\n    users: [admin]\n    allow: [admin]\n' > "$work/access.yaml"
auth="Basic $(printf 'admin:admin' | base64)"

port=$(free_port)
"$root/pkgr" serve --data "$work/data" --port "$port" --host 127.0.0.1 --htpasswd "$work/htpasswd" \
  --access "$work/access.yaml" 2> "$work/serve.err" &
pid=$!
until grep -q "listening on" "$work/serve.err"; do kill -0 "$pid" || { cat "$work/serve.err" >&2; exit 1; }; sleep 0.05; done
base="http://127.0.0.1:$port"

log "warm-up: every bundle page once (loads each name's versions, renders each page), then 5 s per kind"
for ((b = 0; b < BUNDLES; b++)); do
  printf 'url = "%s/ui/bundles/team-%03d-model-%04d"\noutput = "/dev/null"\n' "$base" $((b % 50)) "$b"
done > "$work/warm.curl"
curl -s -H "Authorization: $auth" -H "Accept: text/html" -K "$work/warm.curl"
for kind in home bundle api; do
  KIND=$kind AUTH="$auth" BUNDLES="$BUNDLES" wrk -t 2 -c "$CONNECTIONS" -d 5s -s "$root/benchmarks/scripts/web-ui.lua" "$base" > /dev/null
done

weight() { curl -s -o /dev/null -w '%{size_download}' -H "Authorization: $auth" -H "Accept: text/html" "$base$1"; }
echo "| request (${BUNDLES} bundles x ${VERSIONS} versions, wrk -t 2 -c ${CONNECTIONS} -d ${DURATION}) | req/s | p99 | bytes |"
echo "|---|---:|---:|---:|"
for kind in home bundle api; do
  out=$(KIND=$kind AUTH="$auth" BUNDLES="$BUNDLES" wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency \
        -s "$root/benchmarks/scripts/web-ui.lua" "$base")
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" || true)
  [[ -n "$errors" ]] && echo "$errors" >&2
  case $kind in
    home) bytes=$(weight /); label="GET / (home page: recent publishes)";;
    bundle) bytes=$(weight /ui/bundles/team-007-model-0007); label="GET /ui/bundles/NAME (bundle page)";;
    api) bytes=$(weight /api/v1/bundles/team-007-model-0007/1.0.0); label="GET /api/v1/bundles/NAME/1.0.0 (JSON record)";;
  esac
  printf '| %s | %s | %s | %s |\n' "$label" "$rps" "$p99" "$bytes"
done
printf '| static: app.css + app.js (cached by the browser for an hour) | | | %s |\n' \
  "$(( $(weight /ui/static/app.css) + $(weight /ui/static/app.js) ))"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
