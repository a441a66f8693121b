#!/usr/bin/env bash
# S3 storage (s3proxy, the S3 server the tests use) beside the filesystem, in one run:
#
#   benchmarks/scripts/s3-storage.sh
#   UPLOAD_MB=1024 DURATION=10 benchmarks/scripts/s3-storage.sh
#
# Starts s3proxy (filesystem backend, in this work directory) and three `./pkgr serve` on
# 127.0.0.1 with the same JVM options (PKGR_SERVE_OPTS, default -Xmx128m): one on files, one on
# s3://bench/r, and, once the uploads are in, one more on the same bucket with --s3-redirect.
# Measures an authenticated upload of UPLOAD_MB MiB (curl -T, MB/s), authenticated GETs of a
# 1 KB bundle (served from the small-blob cache after the first) and of a 100 KB bundle (past the
# cache: every GET reads the storage) with wrk -t 2 -c 32, the 307 answers of --s3-redirect, and
# s3proxy serving the 1 KB object itself through a pre-signed URL, and the upload PUT straight to
# s3proxy (curl --aws-sigv4), the ceiling of the S3 figures. Prints a Markdown table.
# Every process it starts is killed by PID on exit; the work directory is removed (KEEP=1 keeps it).
# Needs: wrk, curl, apache2-utils (htpasswd), python3; builds ./pkgr and the testing module.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-5}"
UPLOAD_MB="${UPLOAD_MB:-256}"
PKGR_SERVE_OPTS="${PKGR_SERVE_OPTS:--Xmx128m}"

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-s3-bench.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '\n== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
  local deadline=$(( $(date +%s) + 120 ))
  until curl -s -o /dev/null "$1"; do
    (( $(date +%s) < deadline )) || { echo "no answer from $1" >&2; exit 1; }
    sleep 0.1
  done
}
rps() { wrk -t 2 -c 32 -d "${DURATION}s" "$@" | tee -a "$work/wrk.log" | awk '/Requests\/sec/ {print $2}'; }

log "build (outside every timing)"
( cd "$root" && ./mvnw -B -q -pl testing,packager-cli -am package -DskipTests >&2 )
"$root/pkgr" --version >/dev/null
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- s3proxy
s3_port=$(free_port)
mkdir -p "$work/s3/bench"
cat > "$work/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem-nio2
jclouds.identity=unused
jclouds.credential=unused
jclouds.filesystem.basedir=$work/s3
EOF
LOG_LEVEL=warn java -Xmx512m -cp "$(cat "$root/testing/target/classes/io/pkgr/testing/s3proxy.classpath")" \
  org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$s3_port/"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
s3_opts=(--storage s3://bench/r --s3-endpoint "http://127.0.0.1:$s3_port" --s3-path-style)

# ---- credentials and servers
htpasswd -B -C 10 -b -c "$work/htpasswd" bench benchpw 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [admin]\n' > "$work/access.yaml"
AUTH="Authorization: Basic $(printf bench:benchpw | base64 -w0)"
serve() {   # NAME [OPTIONS...] → prints the port
  local name=$1 port; shift
  port=$(free_port)
  PKGR_JAVA_OPTS="$PKGR_SERVE_OPTS" "$root/pkgr" serve --data "$work/$name" --host 127.0.0.1 --port "$port" \
    --htpasswd "$work/htpasswd" --access "$work/access.yaml" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz"
  echo "$port"
}
file_port=$(serve file)
s3_serve_port=$(serve s3 "${s3_opts[@]}")

# ---- payloads built by pkgr
mkbundle() {   # NAME SIZE_BYTES → $work/bundles/NAME-1.0.0.pkgr
  local d="$work/src/$1"
  mkdir -p "$d/files" "$work/bundles"
  head -c "$2" /dev/urandom > "$d/files/payload.bin"
  printf 'name: %s\nversion: 1.0.0\nruntime: exec\ninclude: ["files/**"]\nentrypoints:\n  run: {command: ["true"]}\n' "$1" > "$d/pkgr.yaml"
  "$root/pkgr" build -C "$d" -o "$work/bundles" >/dev/null
}
log "payloads"
mkbundle small 512
mkbundle medium $((100 * 1024))
mkbundle huge $((UPLOAD_MB * 1024 * 1024))

publish() {   # PORT NAME → "HTTP_CODE MB_PER_S"
  local f="$work/bundles/$2-1.0.0.pkgr"
  curl -s -o /dev/null -w '%{http_code} %{speed_upload}\n' -H "$AUTH" \
    -H "X-Checksum-Sha256: $(sha256sum "$f" | cut -d' ' -f1)" -T "$f" "http://127.0.0.1:$1/api/v1/bundles/$2/1.0.0" \
    | awk '{printf "%s %.1f\n", $1, $2 / 1048576}'
}
for port in "$file_port" "$s3_serve_port"; do
  for b in small medium; do
    read -r code _ < <(publish "$port" "$b"); [[ "$code" == 201 ]] || { echo "publish $b: $code" >&2; exit 1; }
  done
done

log "upload of $UPLOAD_MB MiB, filesystem"
read -r code file_up < <(publish "$file_port" huge); [[ "$code" == 201 ]] || { echo "upload: $code" >&2; exit 1; }
log "upload of $UPLOAD_MB MiB, S3"
read -r code s3_up < <(publish "$s3_serve_port" huge); [[ "$code" == 201 ]] || { echo "upload: $code" >&2; exit 1; }
log "upload of $UPLOAD_MB MiB straight to s3proxy (curl --aws-sigv4, unsigned payload)"
read -r code raw_up < <(curl -s -o /dev/null -w '%{http_code} %{speed_upload}\n' --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user bench:bench-secret -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$work/bundles/huge-1.0.0.pkgr" \
  "http://127.0.0.1:$s3_port/bench/raw" | awk '{printf "%s %.1f\n", $1, $2 / 1048576}')
[[ "$code" == 200 ]] || { echo "s3proxy PUT: $code" >&2; exit 1; }

redirect_port=$(serve redirect "${s3_opts[@]}" --s3-redirect)

dl() { echo "http://127.0.0.1:$1/api/v1/bundles/$2/1.0.0/download"; }
for port in "$file_port" "$s3_serve_port" "$redirect_port"; do   # warm-up: JIT, connection pools, the small-blob cache
  wrk -t 2 -c 32 -d "${DURATION}s" -H "$AUTH" "$(dl "$port" small)" > /dev/null
  wrk -t 2 -c 32 -d "${DURATION}s" -H "$AUTH" "$(dl "$port" medium)" > /dev/null
done
log "GET 1 KB"
file_small=$(rps -H "$AUTH" "$(dl "$file_port" small)")
s3_small=$(rps -H "$AUTH" "$(dl "$s3_serve_port" small)")
log "GET 100 KB"
file_medium=$(rps -H "$AUTH" "$(dl "$file_port" medium)")
s3_medium=$(rps -H "$AUTH" "$(dl "$s3_serve_port" medium)")
log "307 answers and s3proxy itself"
redirect_small=$(rps -H "$AUTH" "$(dl "$redirect_port" small)")
presigned=$(curl -s -o /dev/null -w '%{redirect_url}' -H "$AUTH" "$(dl "$redirect_port" small)")
[[ "$(curl -s "$presigned" | sha256sum | cut -d' ' -f1)" == "$(sha256sum "$work/bundles/small-1.0.0.pkgr" | cut -d' ' -f1)" ]] \
  || { echo "the pre-signed URL served other bytes" >&2; exit 1; }
s3proxy_small=$(rps "$presigned")

cat <<EOF

Machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1); load $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end.
pkgr serve with $PKGR_SERVE_OPTS; s3proxy $(basename "$(tr ':' '\n' < "$root/testing/target/classes/io/pkgr/testing/s3proxy.classpath" | grep '/s3proxy-')" .jar) (filesystem-nio2) on the same machine.

| scenario | unit | filesystem | S3 (s3proxy) | S3 ÷ filesystem |
|---|---|---:|---:|---:|
| upload $UPLOAD_MB MiB bundle, curl -T | MB/s | $file_up | $s3_up | $(python3 -c "print('%.2f' % ($s3_up / $file_up))") |
| the same file PUT straight to s3proxy (no registry) | MB/s | - | $raw_up | - |
| GET 1 KB bundle, wrk -c 32 | req/s | $file_small | $s3_small | $(python3 -c "print('%.2f' % ($s3_small / $file_small))") |
| GET 100 KB bundle, wrk -c 32 | req/s | $file_medium | $s3_medium | $(python3 -c "print('%.2f' % ($s3_medium / $file_medium))") |
| GET 1 KB with --s3-redirect (the 307 answer) | req/s | - | $redirect_small | - |
| GET 1 KB from s3proxy, pre-signed URL | req/s | - | $s3proxy_small | - |
EOF
