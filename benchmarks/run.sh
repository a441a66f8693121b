#!/usr/bin/env bash
# Every performance claim beside its peer, in one command, on this machine, in this run.
#
#   benchmarks/run.sh                      # everything (about 12 minutes on 2 cores)
#   ONLY="downloads simple" benchmarks/run.sh
#   DURATION=5 PROJECTS=2000 benchmarks/run.sh   # a quicker, smaller pass
#
# Starts pkgr (./pkgr serve), nginx (user process, own config, daemon off) and docker's registry
# (docker-registry serve) on 127.0.0.1, loads them with wrk and a small Java client
# (io.pkgr.benchmarks.load.MixedLoad), times CLI work with hyperfine, and prints one table of
# absolute figures and pkgr/peer ratios. Every process it starts is killed by PID on exit, and
# its work directory is removed (KEEP=1 keeps it). Needs: wrk, hyperfine, nginx-light,
# apache2-utils (htpasswd), docker-registry, python3 (venv, pip), curl.
#
# Environment: DURATION (s per wrk/load run, 10), PROJECTS x FILES (/simple/ catalog, 10000 x 20),
# UPLOAD_MB (1024), CLIENTS (64, mixed load), PKGR_SERVE_OPTS (JVM options of the native-API
# server, -Xmx128m), ONLY (scenarios: downloads simple upload mixed startup build run),
# OUT (where the table is copied, benchmarks/target/load-results.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
PROJECTS="${PROJECTS:-10000}"
FILES="${FILES:-20}"
UPLOAD_MB="${UPLOAD_MB:-1024}"
CLIENTS="${CLIENTS:-64}"
PKGR_SERVE_OPTS="${PKGR_SERVE_OPTS:--Xmx128m}"
ONLY="${ONLY:-downloads simple upload mixed startup build run}"
OUT="${OUT:-$root/benchmarks/target/load-results.md}"

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-bench.XXXXXX")"
chmod 755 "$work"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

want() { [[ " $ONLY " == *" $1 "* ]]; }
log() { printf '\n== %s (load %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# RSS in MB of a process and its children (nginx master + workers)
rss_mb() {
  local total=0 p kb
  for p in "$1" $(pgrep -P "$1" || true); do
    kb=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$(( total + ${kb:-0} ))
  done
  echo $(( total / 1024 ))
}
# samples rss_mb PID every 0.2 s into FILE until killed; prints nothing
sample_rss() { while kill -0 "$1" 2>/dev/null; do rss_mb "$1" >> "$2"; sleep 0.2; done; }
max_of() { sort -n "$1" | tail -1; }
wait_http() {   # URL [TIMEOUT_S]: until anything answers
  local deadline=$(( $(date +%s) + ${2:-60} ))
  until curl -s -o /dev/null "$1"; do
    (( $(date +%s) < deadline )) || { echo "no answer from $1" >&2; return 1; }
    sleep 0.05
  done
}
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b) if b else '-')" "$1" "$2"; }
fmt() { python3 -c "import sys; v=float(sys.argv[1]); print(f'{v:,.0f}' if v >= 100 else f'{v:.2f}' if v < 10 else f'{v:.1f}')" "$1"; }

results="$work/results.tsv"
: > "$results"
# row SCENARIO METRIC PKGR PEER PEER_VALUE TARGET: pkgr ÷ peer is computed here
row() {
  local r="-"
  [[ -n "$4" && "$5" != "-" ]] && r="$(ratio "$3" "$5")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(fmt "$3")" "${4:--}" \
    "$([[ "$5" == "-" ]] && echo - || fmt "$5")" "$r" "${6:-}" >> "$results"
}
# wrk → "REQ_PER_S P99_MS MB_PER_S P50_MS ERRORS"
wrk_run() {
  local out
  out="$(wrk --latency "$@")"
  echo "$out" >&2
  python3 - "$out" <<'PY'
import re, sys
o = sys.argv[1]
def ms(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
def mb(v):
    n, u = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1, "GB": 1024}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", o, re.M).group(1)) if re.search(r"^\s+99%", o, re.M) else 0
p50 = ms(re.search(r"^\s+50%\s+(\S+)", o, re.M).group(1)) if re.search(r"^\s+50%", o, re.M) else 0
tr = mb(re.search(r"Transfer/sec:\s+(\S+)", o).group(1))
err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", o))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", o)
err += int(non2xx.group(1)) if non2xx else 0
print(rps, p99, tr, p50, err)
PY
}

log "build (outside every timing)"
# One reactor build with -am: a fresh clone has none of the modules in ~/.m2, and nothing here
# installs them. -DskipTests still compiles registry-server's tests (PypiBenchData lives there).
( cd "$root" && ./mvnw -B -q -pl benchmarks,registry-server -am package -DskipTests -Dmaven.javadoc.skip=true >&2 )
"$root/pkgr" --version >/dev/null
jar="$root/benchmarks/target/benchmarks.jar"
testcp="$root/registry-server/target/test-classes:$jar"

cores="$(nproc)"; mem="$(free -g | awk '/^Mem/ {print $2}')"
jdk="$(java -version 2>&1 | head -1)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- credentials: one user, bcrypt cost 10 for pkgr, docker-registry and nginx-bcrypt; {SHA} for nginx-sha
PW="bench-$(head -c 12 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
AUTH="Basic $(printf 'bench:%s' "$PW" | base64 -w0)"
htpasswd -B -C 10 -b -c "$work/htpasswd-bcrypt" bench "$PW" 2>/dev/null
htpasswd -s -b -c "$work/htpasswd-sha" bench "$PW" 2>/dev/null
cat > "$work/access.yaml" <<'EOF'
rules:
  - bundles: ["*"]
    users: [bench]
    allow: [admin]
EOF

# ---- payloads: bundles built by pkgr; the same bytes are served by every peer
mkbundle() {   # NAME SIZE_BYTES → $work/bundles/NAME-1.0.0.pkgr
  local d="$work/src/$1"
  mkdir -p "$d/files" "$work/bundles"
  head -c "$2" /dev/urandom > "$d/files/payload.bin"
  printf 'name: %s\nversion: 1.0.0\nruntime: exec\ninclude: ["files/**"]\nentrypoints:\n  run: {command: ["true"]}\n' "$1" > "$d/pkgr.yaml"
  "$root/pkgr" build -C "$d" -o "$work/bundles" >/dev/null
  rm -f "$d/files/payload.bin"
}
log "payloads"
mkbundle small 512          # ~1 KB bundle
mkbundle large $((10 * 1024 * 1024))
want upload && mkbundle huge $((UPLOAD_MB * 1024 * 1024))
mkdir -p "$work/static"
cp "$work/bundles/small-1.0.0.pkgr" "$work/static/small"
cp "$work/bundles/large-1.0.0.pkgr" "$work/static/large"
small_size=$(stat -c %s "$work/static/small"); large_size=$(stat -c %s "$work/static/large")
sha() { sha256sum "$1" | cut -d' ' -f1; }
small_sha=$(sha "$work/static/small"); large_sha=$(sha "$work/static/large")

# ---- pkgr: native API server (small catalog), with PKGR_SERVE_OPTS
start_pkgr() {   # DATA OPTS → sets pkgr_pid pkgr_port pkgr_ready_ms
  pkgr_port=$(free_port)
  local err="$1.err" t0
  : > "$err"
  t0=$(now_ms)
  PKGR_JAVA_OPTS="$2" "$root/pkgr" serve --data "$1" --port "$pkgr_port" --host 127.0.0.1 \
    --htpasswd "$work/htpasswd-bcrypt" --access "$work/access.yaml" 2> "$err" &
  pkgr_pid=$!; pids+=("$pkgr_pid")
  until grep -q "listening on" "$err"; do
    kill -0 "$pkgr_pid" 2>/dev/null || { cat "$err" >&2; return 1; }
    sleep 0.005
  done
  pkgr_ready_ms=$(( $(now_ms) - t0 ))
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

log "start pkgr ($PKGR_SERVE_OPTS)"
start_pkgr "$work/pkgr-data" "$PKGR_SERVE_OPTS"
P="http://127.0.0.1:$pkgr_port"
sleep 5
pkgr_idle_rss=$(rss_mb "$pkgr_pid")
pkgr_small_ready_ms=$pkgr_ready_ms
for b in small large; do
  curl -sf -o /dev/null -H "Authorization: $AUTH" -T "$work/bundles/$b-1.0.0.pkgr" "$P/api/v1/bundles/$b/1.0.0"
done

# ---- nginx: static files, auth_basic {SHA} on /sha/, bcrypt on /bcrypt/, the /simple/ tree on /simple/ ({SHA})
ngx_port=$(free_port)
mkdir -p "$work/nginx-run" "$work/pybench/nginx/simple"
cat > "$work/nginx.conf" <<EOF
daemon off;
$([[ $EUID -eq 0 ]] && echo "user root;")
worker_processes $cores;
pid $work/nginx-run/nginx.pid;
error_log $work/nginx-run/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-run/body;
  proxy_temp_path $work/nginx-run/proxy;
  fastcgi_temp_path $work/nginx-run/fastcgi;
  uwsgi_temp_path $work/nginx-run/uwsgi;
  scgi_temp_path $work/nginx-run/scgi;
  sendfile on;
  etag on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$ngx_port;
    location /sha/ { alias $work/static/; auth_basic "bench"; auth_basic_user_file $work/htpasswd-sha; }
    location /bcrypt/ { alias $work/static/; auth_basic "bench"; auth_basic_user_file $work/htpasswd-bcrypt; }
    location /simple/ { root $work/pybench/nginx; index index.html; default_type text/html;
                        auth_basic "bench"; auth_basic_user_file $work/htpasswd-sha; }
  }
}
EOF
t0=$(now_ms)
nginx -c "$work/nginx.conf" -p "$work/nginx-run" 2> "$work/nginx-run/stderr" &
ngx_pid=$!; pids+=("$ngx_pid")
wait_http "http://127.0.0.1:$ngx_port/sha/small" 20
ngx_ready_ms=$(( $(now_ms) - t0 ))
N="http://127.0.0.1:$ngx_port"

# ---- docker's registry: filesystem storage, htpasswd (bcrypt) auth, blobs pushed through its API
dr_port=$(free_port)
cat > "$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry-data
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$dr_port
auth:
  htpasswd:
    realm: bench
    path: $work/htpasswd-bcrypt
EOF
t0=$(now_ms)
docker-registry serve "$work/registry.yml" 2> "$work/registry.err" &
dr_pid=$!; pids+=("$dr_pid")
wait_http "http://127.0.0.1:$dr_port/v2/" 20
dr_ready_ms=$(( $(now_ms) - t0 ))
D="http://127.0.0.1:$dr_port"
push_blob() {   # FILE → prints the registry's answer status
  local loc
  loc=$(curl -s -D - -o /dev/null -X POST -H "Authorization: $AUTH" "$D/v2/bench/blobs/uploads/" \
        | awk 'tolower($1)=="location:" {print $2}' | tr -d '\r')
  [[ "$loc" == /* ]] && loc="$D$loc"
  curl -s -o /dev/null -w '%{http_code} %{time_total} %{speed_upload}\n' -H "Authorization: $AUTH" \
    -H 'Content-Type: application/octet-stream' -T "$1" "$loc&digest=sha256:$(sha "$1")"
}
[[ "$(push_blob "$work/static/small" | cut -d' ' -f1)" == 201 ]]
[[ "$(push_blob "$work/static/large" | cut -d' ' -f1)" == 201 ]]
sleep 2
ngx_idle_rss=$(rss_mb "$ngx_pid"); dr_idle_rss=$(rss_mb "$dr_pid")

# every URL must answer the same bytes before anything is timed
for u in "$P/api/v1/bundles/small/1.0.0/download" "$N/sha/small" "$N/bcrypt/small" "$D/v2/bench/blobs/sha256:$small_sha"; do
  [[ "$(curl -sfL -H "Authorization: $AUTH" "$u" | sha256sum | cut -d' ' -f1)" == "$small_sha" ]] \
    || { echo "wrong bytes from $u" >&2; exit 1; }
done

if want startup; then
  row "start to ready, empty catalog" "ms" "$pkgr_small_ready_ms" "docker-registry" "$dr_ready_ms" "< 1000 ms"
  row "start to ready, empty catalog" "ms" "$pkgr_small_ready_ms" "nginx" "$ngx_ready_ms" ""
  row "idle RSS" "MB" "$pkgr_idle_rss" "nginx (master + $cores workers)" "$ngx_idle_rss" "< 100 MB"
  row "idle RSS" "MB" "$pkgr_idle_rss" "docker-registry" "$dr_idle_rss" ""
fi

if want downloads; then
  for kind in small large; do
    if [[ $kind == small ]]; then c=32; unit="req/s"; else c=8; unit="MB/s"; fi
    log "authenticated $kind downloads (wrk -c $c)"
    declare -A fig=()
    : > "$work/rss-load"
    sample_rss "$pkgr_pid" "$work/rss-load" & s_pid=$!; pids+=("$s_pid")
    read -r rps p99 mbs _ _ < <(wrk_run -t 2 -c $c -d "${DURATION}s" --timeout 10s -H "Authorization: $AUTH" "$P/api/v1/bundles/$kind/1.0.0/download")
    stop_pid "$s_pid"
    [[ $kind == small ]] && pkgr_load_rss=$(max_of "$work/rss-load")
    fig[pkgr]="$rps $p99 $mbs"
    : > "$work/rss-ngx"
    sample_rss "$ngx_pid" "$work/rss-ngx" & s_pid=$!; pids+=("$s_pid")
    read -r rps p99 mbs _ _ < <(wrk_run -t 2 -c $c -d "${DURATION}s" --timeout 10s -H "Authorization: $AUTH" "$N/sha/$kind")
    stop_pid "$s_pid"
    [[ $kind == small ]] && ngx_load_rss=$(max_of "$work/rss-ngx")
    fig[sha]="$rps $p99 $mbs"
    read -r rps p99 mbs _ _ < <(wrk_run -t 2 -c $c -d "${DURATION}s" --timeout 10s -H "Authorization: $AUTH" "$N/bcrypt/$kind")
    fig[bcrypt]="$rps $p99 $mbs"
    : > "$work/rss-dr"
    sample_rss "$dr_pid" "$work/rss-dr" & s_pid=$!; pids+=("$s_pid")
    read -r rps p99 mbs _ _ < <(wrk_run -t 2 -c $c -d "${DURATION}s" --timeout 10s -H "Authorization: $AUTH" "$D/v2/bench/blobs/sha256:$( [[ $kind == small ]] && echo $small_sha || echo $large_sha)")
    stop_pid "$s_pid"
    [[ $kind == small ]] && dr_load_rss=$(max_of "$work/rss-dr")
    fig[docker]="$rps $p99 $mbs"
    size=$([[ $kind == small ]] && echo "$small_size" || echo "$large_size")
    label="GET $([[ $kind == small ]] && echo "1 KB ($small_size B)" || echo "10 MB") authenticated, wrk -c $c"
    col=$([[ $kind == small ]] && echo 1 || echo 3)
    pk=$(echo "${fig[pkgr]}" | cut -d' ' -f$col)
    row "$label" "$unit" "$pk" "nginx {SHA}" "$(echo "${fig[sha]}" | cut -d' ' -f$col)" "$([[ $kind == small ]] && echo "≥ 0.7×")"
    row "$label" "$unit" "$pk" "nginx bcrypt-10" "$(echo "${fig[bcrypt]}" | cut -d' ' -f$col)" "$([[ $kind == small ]] && echo "≥ 1000×")"
    row "$label" "$unit" "$pk" "docker-registry bcrypt-10" "$(echo "${fig[docker]}" | cut -d' ' -f$col)" "$([[ $kind == small ]] && echo "≥ 1000×")"
    row "$label, p99" "ms" "$(echo "${fig[pkgr]}" | cut -d' ' -f2)" "nginx {SHA}" "$(echo "${fig[sha]}" | cut -d' ' -f2)" ""
  done
  row "RSS under 1 KB GET load (max)" "MB" "$pkgr_load_rss" "nginx (master + workers)" "$ngx_load_rss" ""
  row "RSS under 1 KB GET load (max)" "MB" "$pkgr_load_rss" "docker-registry" "$dr_load_rss" ""
fi

if want mixed; then
  log "mixed read/publish, $CLIENTS clients"
  mixed() { java -Xmx512m -cp "$jar" io.pkgr.benchmarks.load.MixedLoad "$@"; }
  pk_line=$(mixed pkgr "$P" "bench:$PW" small 1.0.0 "$CLIENTS" "$DURATION" 10); echo "pkgr: $pk_line" >&2
  dr_line=$(mixed docker "$D" "bench:$PW" bench "sha256:$small_sha" "$CLIENTS" "$DURATION" 10); echo "docker-registry: $dr_line" >&2
  kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
  row "mixed 90 % GET / 10 % publish, $CLIENTS clients" "ops/s" "$(kv "$pk_line" ops_per_s)" "docker-registry bcrypt-10" "$(kv "$dr_line" ops_per_s)" ""
  row "mixed: publish p99" "ms" "$(kv "$pk_line" publish_p99_ms)" "docker-registry bcrypt-10" "$(kv "$dr_line" publish_p99_ms)" ""
  row "mixed: GET p99" "ms" "$(kv "$pk_line" read_p99_ms)" "docker-registry bcrypt-10" "$(kv "$dr_line" read_p99_ms)" ""
  [[ "$(kv "$pk_line" errors)" == 0 ]] || echo "pkgr mixed load had errors: $pk_line" >&2
fi

if want upload; then
  log "upload of ${UPLOAD_MB} MiB"
  huge="$work/bundles/huge-1.0.0.pkgr"; huge_size=$(stat -c %s "$huge")
  : > "$work/rss-up"
  sample_rss "$pkgr_pid" "$work/rss-up" & s_pid=$!; pids+=("$s_pid")
  read -r code secs _ < <(curl -s -o /dev/null -w '%{http_code} %{time_total} %{speed_upload}\n' -H "Authorization: $AUTH" \
    -H "X-Checksum-Sha256: $(sha "$huge")" -T "$huge" "$P/api/v1/bundles/huge/1.0.0")
  stop_pid "$s_pid"
  [[ "$code" == 201 ]] || { echo "pkgr upload answered $code" >&2; exit 1; }
  pk_mbs=$(python3 -c "print($huge_size / 2**20 / $secs)")
  read -r code dsecs _ < <(push_blob "$huge")
  [[ "$code" == 201 ]] || { echo "docker-registry upload answered $code" >&2; exit 1; }
  dr_mbs=$(python3 -c "print($huge_size / 2**20 / $dsecs)")
  row "upload $((huge_size / 1048576)) MiB, curl -T ($PKGR_SERVE_OPTS)" "MB/s" "$pk_mbs" "docker-registry (monolithic PUT)" "$dr_mbs" "≥ 200 MB/s"
  row "RSS during that upload (max)" "MB" "$(max_of "$work/rss-up")" "" "-" ""
  rm -f "$huge"
fi

if want simple || want startup; then
  log "catalog of $PROJECTS projects x $FILES files"
  java -cp "$testcp" io.pkgr.registry.pypi.PypiBenchData "$work/pybench/data" "$work/pybench/nginx" "$PROJECTS" "$FILES" >&2
  starts=()
  for i in 1 2; do
    start_pkgr "$work/pybench/data" ""
    starts+=("$pkgr_ready_ms")
    if [[ $i == 1 ]]; then stop_pid "$pkgr_pid"; fi
  done
  sleep 3
  big_rss=$(rss_mb "$pkgr_pid")
  if want startup; then
    row "start to ready, $PROJECTS x $FILES PyPI files" "ms" "${starts[1]}" "" "-" "< 1000 ms"
    row "RSS 3 s after that start" "MB" "$big_rss" "" "-" ""
  fi
  if want simple; then
    S="http://127.0.0.1:$pkgr_port"
    lua="$root/benchmarks/scripts/simple-project.lua"
    export AUTH PROJECTS
    log "/simple/ warm-up passes"
    wrk -t 2 -c 32 -d "${DURATION}s" -s "$lua" "$S" > /dev/null
    wrk -t 2 -c 32 -d "${DURATION}s" -s "$lua" "$N" > /dev/null
    log "/simple/{project}/ wrk -c 32"
    read -r pk_rps pk_p99 _ pk_p50 _ < <(wrk_run -t 2 -c 32 -d "${DURATION}s" -s "$lua" "$S")
    read -r ng_rps ng_p99 _ ng_p50 _ < <(wrk_run -t 2 -c 32 -d "${DURATION}s" -s "$lua" "$N")
    row "GET /simple/{project}/ ($PROJECTS projects), wrk -c 32" "req/s" "$pk_rps" "nginx {SHA}, static files" "$ng_rps" ""
    row "  same, p50" "ms" "$pk_p50" "nginx {SHA}, static files" "$ng_p50" ""
    row "  same, p99" "ms" "$pk_p99" "nginx {SHA}, static files" "$ng_p99" "< 5 ms"
  fi
  stop_pid "$pkgr_pid"
fi

if want build; then
  log "pkgr build beside tar czf"
  RUNS="${BUILD_RUNS:-3}" "$root/benchmarks/scripts/bundle-build.sh" "$work/build" >&2
  read -r tar_s pk_s < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(*(x['mean'] for x in r))" "$work/build/bundle-build.json")
  row "pkgr build, 10,000 files / 200 MB (-Xmx64m)" "s" "$pk_s" "tar czf" "$tar_s" "≤ 1.2×"
  rm -rf "$work/build"
fi

if want run; then
  log "pkgr run cold and warm beside python3 -m venv + pip install"
  # a real wheel, built by hand (no index, no network), vendored into a python bundle by pkgr build
  mkdir -p "$work/wheels" "$work/runsrc"
  python3 - "$work/wheels" <<'PY'
import base64, hashlib, sys, zipfile
files = {
    "hello_bench/__init__.py": b"",
    "hello_bench/__main__.py": b"print('hello')\n",
    "hello_bench-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: hello-bench\nVersion: 1.0\n",
    "hello_bench-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = ""
for name, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record += f"{name},sha256={digest},{len(data)}\n"
record += "hello_bench-1.0.dist-info/RECORD,,\n"
with zipfile.ZipFile(sys.argv[1] + "/hello_bench-1.0-py3-none-any.whl", "w") as z:
    for name, data in files.items():
        z.writestr(name, data)
    z.writestr("hello_bench-1.0.dist-info/RECORD", record)
PY
  printf 'name: hello-run\nversion: 1.0.0\nruntime: python\nrequirements: ["hello-bench==1.0"]\nentrypoints:\n  main: {command: ["python", "-m", "hello_bench"]}\n' > "$work/runsrc/pkgr.yaml"
  export PKGR_CONFIG_DIR="$work/cli-config" PKGR_CACHE_DIR="$work/cli-cache"
  export PKGR_REPOSITORIES_BENCH_URL="$P" PKGR_HTTP_BASIC_BENCH_USERNAME=bench PKGR_HTTP_BASIC_BENCH_PASSWORD="$PW"
  "$root/pkgr" build --find-links "$work/wheels" -C "$work/runsrc" -o "$work/runsrc/out" >&2
  "$root/pkgr" publish -r bench "$work"/runsrc/out/*.pkgr >&2
  venv="$work/venv"
  hyperfine -N -r "${RUN_RUNS:-5}" --export-json "$work/run-cold.json" \
    --prepare "rm -rf $PKGR_CACHE_DIR $venv" \
    "$root/pkgr run -r bench hello-run==1.0.0 main" \
    "sh -c 'python3 -m venv $venv && $venv/bin/pip install -q --no-index --find-links $work/wheels hello-bench==1.0 && $venv/bin/python -m hello_bench'" >&2
  "$root/pkgr" run -r bench hello-run==1.0.0 main >&2   # the environment is ready before the warm runs
  "$venv/bin/python" -m hello_bench >&2
  hyperfine -N -w 2 -r "${RUN_RUNS:-10}" --export-json "$work/run-warm.json" \
    "$root/pkgr run -r bench hello-run==1.0.0 main" \
    "$venv/bin/python -m hello_bench" >&2
  means() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(*(x['mean']*1000 for x in r))" "$1"; }
  read -r pk peer < <(means "$work/run-cold.json")
  row "pkgr run, cold (download, verify, venv, offline wheel install, run)" "ms" "$pk" "venv + pip install + run" "$peer" ""
  read -r pk peer < <(means "$work/run-warm.json")
  row "pkgr run, warm (cached environment)" "ms" "$pk" "venv python -m (already installed)" "$peer" "< 1000 ms"
fi

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "Machine: $cores cores, ${mem} GiB, $jdk; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d' ' -f3), docker-registry $(docker-registry --version | awk '{print $3}')."
  echo "Load average (1/5/15 min): $load_start at start, $load_end at end. wrk, the load client and the servers share the same cores."
  echo
  echo "| scenario | unit | pkgr | peer | peer figure | pkgr ÷ peer | target |"
  echo "|---|---|---:|---|---:|---:|---|"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}' "$results"
} | tee "$work/table.md"
mkdir -p "$(dirname "$OUT")"
cp "$work/table.md" "$OUT"
