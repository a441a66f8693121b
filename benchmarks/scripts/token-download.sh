#!/usr/bin/env bash
# An authenticated 1 KB download with a password (bcrypt-10, answered from the verification cache)
# beside the same download with an API token (Bearer, and Basic __token__), in one run against one
# server, alternating the three twice:
#   benchmarks/scripts/token-download.sh [PORT]
# Needs wrk, htpasswd (apache2-utils), curl; builds pkgr through ./pkgr when needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port=${1:-18431}; duration=${DURATION:-5}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
htpasswd -bcB -C 10 "$dir/htpasswd" bench benchpw 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [admin]\n' > "$dir/access.yaml"
(cd "$dir" && mkdir src && cd src && "$root/pkgr" init --runtime exec --name bench-small > /dev/null \
  && head -c 512 /dev/urandom | base64 > files.txt && "$root/pkgr" build > /dev/null)
bundle=$(ls "$dir"/src/dist/*.pkgr)
PKGR_JAVA_OPTS="-Xmx128m" "$root/pkgr" serve --data "$dir/data" --htpasswd "$dir/htpasswd" \
  --access "$dir/access.yaml" --host 127.0.0.1 --port "$port" > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
url="http://127.0.0.1:$port/api/v1/bundles/bench-small/0.1.0"
curl -s -o /dev/null -w "publish %{http_code}, " -u bench:benchpw -T "$bundle" "$url"
token=$(curl -s -u bench:benchpw -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["bench-*:read"]}' "http://127.0.0.1:$port/api/v1/tokens" \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
echo "size $(curl -s -u bench:benchpw "$url/download" | wc -c) B"
password="Authorization: Basic $(printf bench:benchpw | base64)"
bearer="Authorization: Bearer $token"
basic_token="Authorization: Basic $(printf '__token__:%s' "$token" | base64 -w0)"
for h in "$password" "$bearer" "$basic_token"; do   # warm-up, and a check that each one works
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "$h" "$url/download") == 200 ]] || { echo "refused: $h" >&2; exit 1; }
  wrk -t 2 -c 32 -d 2s -H "$h" "$url/download" > /dev/null
done
for round in 1 2; do
  for pair in "password|$password" "token (Bearer)|$bearer" "token (Basic __token__)|$basic_token"; do
    label=${pair%%|*}; header=${pair#*|}
    out=$(wrk -t 2 -c 32 -d "${duration}s" --latency -H "$header" "$url/download")
    echo "round $round  $label: $(grep Requests/sec <<< "$out" | awk '{print $2}') req/s," \
         "p99 $(grep ' 99%' <<< "$out" | awk '{print $2}'), non-2xx $(grep -c 'Non-2xx' <<< "$out" || true)"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
