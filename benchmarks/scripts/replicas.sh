#!/usr/bin/env bash
# Replicas behind nginx on one machine: GET throughput with one and with two replicas, and how
# long a publish on one replica takes to appear on another.
#
#   benchmarks/scripts/replicas.sh
#   DURATION=10 PUBLISHES=100 benchmarks/scripts/replicas.sh
#
# Starts s3proxy (the S3 server the tests use), a private PostgreSQL cluster (initdb/pg_ctl, as the
# postgres user when run as root), two `./pkgr serve` replicas on s3://bench/r and that database
# (PKGR_SERVE_OPTS, default -Xmx128m), and two nginx processes with the configuration of
# docs/scale-out.md: one balancing over replica A alone, one over A and B.
#   1. authenticated GETs of a 1 KB bundle with wrk -t 2 -c 32: replica A directly, nginx → A,
#      nginx → A + B;
#      with the CPU seconds each replica and nginx used during each run;
#   2. PUBLISHES PyPI uploads (twine's multipart POST, one new project each) on replica A, each
#      followed by polling replica B's /simple/PROJECT/ every millisecond until it answers 200:
#      the time from A's answer to B's first 200, p50/p90/p99/max.
# Prints a Markdown table. Every process it starts is killed by PID on exit; the work directory is
# removed (KEEP=1 keeps it); BUILD=0 skips the build.
# Needs: wrk, curl, nginx, postgresql, apache2-utils, procps (pgrep), python3.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-5}"
PUBLISHES="${PUBLISHES:-50}"
PKGR_SERVE_OPTS="${PKGR_SERVE_OPTS:--Xmx128m}"

work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-replicas-bench.XXXXXX")"
chmod 755 "$work"   # the postgres user enters it
pids=()
pg_bin=""
as_pg=()
[[ "$(id -u)" == 0 ]] && as_pg=(runuser -u postgres --)
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$pg_bin" && -f "$work/pg/data/postmaster.pid" ]]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
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

if [[ "${BUILD:-1}" != 0 ]]; then   # BUILD=0: use what the last build left in target/
  log "build (outside every timing)"
  ( cd "$root" && ./mvnw -B -q -pl testing,packager-cli -am package -DskipTests >&2 )
fi
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

# ---- PostgreSQL
pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
pg_port=$(free_port)
mkdir -p "$work/pg"
printf 'benchpw\n' > "$work/pg/pwfile"
[[ "$(id -u)" == 0 ]] && chown -R postgres "$work/pg"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U bench --pwfile="$work/pg/pwfile" -A scram-sha-256 -E UTF8 \
  --locale=C --no-sync >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work/pg -c max_connections=100" start >/dev/null
PGPASSWORD=benchpw "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U bench registry
export PKGR_DATABASE_PASSWORD=benchpw

# ---- replicas
htpasswd -B -C 10 -b -c "$work/htpasswd" bench benchpw 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [admin]\n' > "$work/access.yaml"
AUTH="Authorization: Basic $(printf bench:benchpw | base64 -w0)"
# started in this shell, never in $(…): a subshell's `pids+=` would not reach cleanup
serve() {   # NAME VARIABLE → starts a replica, sets VARIABLE to its port and ${VARIABLE%port}pid to its PID
  local name=$1 port
  port=$(free_port)
  PKGR_JAVA_OPTS="$PKGR_SERVE_OPTS" "$root/pkgr" serve --data "$work/$name" --host 127.0.0.1 --port "$port" \
    --htpasswd "$work/htpasswd" --access "$work/access.yaml" \
    --storage s3://bench/r --s3-endpoint "http://127.0.0.1:$s3_port" --s3-path-style \
    --database "postgresql://bench@127.0.0.1:$pg_port/registry" > "$work/$name.log" 2>&1 &
  pids+=($!)
  printf -v "$2" '%s' "$port"
  printf -v "${2%port}pid" '%s' "$!"
  wait_http "http://127.0.0.1:$port/healthz"
}
log "replicas"
serve replica-a a_port
serve replica-b b_port

# ---- nginx: the configuration of docs/scale-out.md, one worker per core
balancer() {   # NAME VARIABLE UPSTREAM_PORT... → starts nginx, sets VARIABLE to its port and ${VARIABLE%port}pid to its PID
  local name=$1 var=$2 port dir="$work/$1" servers="" p; shift 2
  port=$(free_port)
  mkdir -p "$dir/temp"
  for p in "$@"; do servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'; done
  cat > "$dir/nginx.conf" <<EOF
$([[ "$(id -u)" == 0 ]] && echo "user root;")
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/temp/client;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    upstream pkgr {
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_next_upstream error timeout;
        location / { proxy_pass http://pkgr; }
    }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" > "$dir/nginx.out" 2>&1 &
  pids+=($!)
  printf -v "$var" '%s' "$port"
  printf -v "${var%port}pid" '%s' "$!"
  wait_http "http://127.0.0.1:$port/healthz"
}
balancer lb-one one_port "$a_port"
balancer lb-two two_port "$a_port" "$b_port"

# CPU seconds a process and its children (nginx's workers) have used so far
cpu() {
  local p total=0 ticks; ticks=$(getconf CLK_TCK)
  for p in "$1" $(pgrep -P "$1"); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$total $ticks" | awk '{printf "%.1f", $1 / $2}'
}
# runs wrk on URL (after -H AUTH), printing "REQ_PER_S CPU_A CPU_B CPU_NGINX" (CPU seconds over the run)
measure() {   # NGINX_PID|- URL
  local lb=$1 url=$2 a0 b0 n0 r
  a0=$(cpu "$a_pid"); b0=$(cpu "$b_pid"); n0=0; [[ "$lb" != - ]] && n0=$(cpu "$lb")
  r=$(rps -H "$AUTH" "$url")
  echo "$r $(awk -v a="$(cpu "$a_pid")" -v b="$a0" 'BEGIN {printf "%.1f", a - b}') \
$(awk -v a="$(cpu "$b_pid")" -v b="$b0" 'BEGIN {printf "%.1f", a - b}') \
$([[ "$lb" != - ]] && awk -v a="$(cpu "$lb")" -v b="$n0" 'BEGIN {printf "%.1f", a - b}' || echo -)"
}

# ---- the 1 KB bundle
d="$work/src/small"
mkdir -p "$d/files" "$work/bundles"
head -c 512 /dev/urandom > "$d/files/payload.bin"
printf 'name: small\nversion: 1.0.0\nruntime: exec\ninclude: ["files/**"]\nentrypoints:\n  run: {command: ["true"]}\n' > "$d/pkgr.yaml"
"$root/pkgr" build -C "$d" -o "$work/bundles" >/dev/null
small="$work/bundles/small-1.0.0.pkgr"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -T "$small" "http://127.0.0.1:$a_port/api/v1/bundles/small/1.0.0")
[[ "$code" == 201 ]] || { echo "publish: $code" >&2; exit 1; }
dl() { echo "http://127.0.0.1:$1/api/v1/bundles/small/1.0.0/download"; }
wait_http "$(dl "$b_port")"
until [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$(dl "$b_port")")" == 200 ]]; do sleep 0.05; done

log "warm-up (JIT, connection pools, the small-blob cache)"
for port in "$a_port" "$b_port" "$one_port" "$two_port"; do
  wrk -t 2 -c 32 -d "${DURATION}s" -H "$AUTH" "$(dl "$port")" > /dev/null
done
log "GET 1 KB: replica A directly"
read -r direct direct_a direct_b direct_n < <(measure - "$(dl "$a_port")")
log "GET 1 KB: nginx -> A"
read -r via_one one_a one_b one_n < <(measure "$one_pid" "$(dl "$one_port")")
log "GET 1 KB: nginx -> A + B"
read -r via_two two_a two_b two_n < <(measure "$two_pid" "$(dl "$two_port")")
load_gets="$(cut -d' ' -f1-3 /proc/loadavg)"

log "$PUBLISHES publishes on A, polled on B"
propagation=$(python3 - "$a_port" "$b_port" "$PUBLISHES" <<'EOF'
import base64, http.client, statistics, sys, time
a, b, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
auth = {"Authorization": "Basic " + base64.b64encode(b"bench:benchpw").decode()}
def upload(conn, project):
    boundary = "benchboundary"
    parts = []
    for k, v in ((":action", "file_upload"), ("protocol_version", "1"), ("name", project), ("version", "1.0"),
                 ("filetype", "sdist")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{project.replace("-", "_")}-1.0.tar.gz"'
                 f'\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + project.encode() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    conn.request("POST", "/legacy/", b"".join(parts), {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    r = conn.getresponse(); r.read()
    if r.status != 200:
        sys.exit(f"upload of {project}: {r.status}")
ca, cb = http.client.HTTPConnection("127.0.0.1", a), http.client.HTTPConnection("127.0.0.1", b)
seen = []
for i in range(n):
    project = f"feed-{i}"
    upload(ca, project)
    published = time.perf_counter()
    while True:
        cb.request("GET", f"/simple/{project}/", headers=auth)
        r = cb.getresponse(); r.read()
        if r.status == 200:
            break
        if time.perf_counter() - published > 60:
            sys.exit(f"{project} not seen on B after 60 s")
        time.sleep(0.001)
    seen.append((time.perf_counter() - published) * 1000)
    time.sleep(0.05)
q = statistics.quantiles(seen, n=100, method="inclusive")
print(f"{statistics.median(seen):.0f} {q[89]:.0f} {q[98]:.0f} {max(seen):.0f}")
EOF
)
read -r p50 p90 p99 pmax <<< "$propagation"

cat <<EOF

Machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(nginx -v 2>&1 | sed 's/.*: //'), PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}').
Load average $load_start at start, $load_gets after the GETs, $(cut -d' ' -f1-3 /proc/loadavg) at end.
Replicas: pkgr serve $PKGR_SERVE_OPTS on s3://bench/r (s3proxy) and PostgreSQL; wrk -t 2 -c 32 -d ${DURATION}s, authenticated GET of a 1 KB bundle.

| GET 1 KB bundle | req/s | CPU s: replica A | replica B | nginx |
|---|---:|---:|---:|---:|
| replica A directly (no balancer) | $direct | $direct_a | $direct_b | $direct_n |
| nginx → replica A | $via_one | $one_a | $one_b | $one_n |
| nginx → replicas A + B | $via_two | $two_a | $two_b | $two_n |

CPU s: CPU seconds each process used during the ${DURATION} s run (2 cores give at most $((2 * DURATION)) s to share
with wrk and everything else on the machine).

| publish on A seen on B ($PUBLISHES PyPI uploads, B polled every ms) | ms |
|---|---:|
| p50 | $p50 |
| p90 | $p90 |
| p99 | $p99 |
| max | $pmax |
EOF
