#!/usr/bin/env bash
# A/B of one build's registry: publish a small bundle, then wrk its authenticated download and
# /healthz. Run it against two builds' lib directories, alternating, on the same machine:
#   benchmarks/scripts/ab-download.sh LIB_DIR PORT BUNDLE.pkgr
# (BUNDLE: any small bundle named NAME-VERSION.pkgr, e.g. from `pkgr init --runtime exec && pkgr build`)
set -euo pipefail
lib=$1; port=$2; bundle=$3
base=$(basename "$bundle" .pkgr); name=${base%-*}; version=${base##*-}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
htpasswd -bcB -C 10 "$dir/htpasswd" bench benchpw 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [publish]\n' > "$dir/access.yaml"
java -XX:+UseParallelGC -XX:MaxNewSize=64m -Xms16m -Xmx128m -cp "$lib/*" io.pkgr.cli.Main serve \
  --data "$dir/data" --htpasswd "$dir/htpasswd" --access "$dir/access.yaml" --host 127.0.0.1 --port "$port" \
  > "$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
curl -s -o /dev/null -w "publish %{http_code}\n" -u bench:benchpw -T "$bundle" \
  "http://127.0.0.1:$port/api/v1/bundles/$name/$version"
auth="Authorization: Basic $(printf bench:benchpw | base64)"
url="http://127.0.0.1:$port/api/v1/bundles/$name/$version/download"
wrk -t 2 -c 32 -d 3s -H "$auth" "$url" > /dev/null
echo "download: $(wrk -t 2 -c 32 -d 5s -H "$auth" "$url" | grep Requests/sec)"
echo "healthz:  $(wrk -t 2 -c 32 -d 5s "http://127.0.0.1:$port/healthz" | grep Requests/sec)"
