#!/usr/bin/env bash
# The Maven face beside nginx serving the same files, in one run:
#   1. `mvn deploy` of a small library (jar, pom, sources; a new version each run) to pkgr's
#      /maven/ and to nginx (WebDAV PUT, auth_basic {SHA}): hyperfine, RUNS runs each;
#   2. a cold `mvn dependency:resolve` of 50 artifacts (1 KB jar + pom each, the same bytes on
#      both; nginx also serves the .sha1/.md5 files pkgr computes): an empty local repository
#      each run, Maven's own plugins from the user's repository (maven.repo.local.tail);
#   3. wrk, 1 KB jar GET with Basic credentials: pkgr /maven/…, nginx {SHA}, and pkgr's
#      native bundle download of a 1 KB bundle beside them.
#   benchmarks/scripts/maven.sh            (RUNS=3 DURATION=10 by default; KEEP=1 keeps the work dir)
# Needs: wrk, hyperfine, nginx (with the dav module, as nginx-light has), apache2-utils, curl,
# python3, and the pkgr lib directory that ./pkgr builds (packager-cli/target/pkgr/lib).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lib="$root/packager-cli/target/pkgr/lib"
RUNS=${RUNS:-3}; DURATION=${DURATION:-10}
"$root/pkgr" --version > /dev/null   # rebuilds the lib directory when a source is newer
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [[ ${KEEP:-0} == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# ---- one user: bcrypt cost 10 for pkgr (its verification cache answers repeats), {SHA} for nginx
PW="bench-$(head -c 12 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
AUTH="Authorization: Basic $(printf 'bench:%s' "$PW" | base64 -w0)"
htpasswd -B -C 10 -b -c "$work/htpasswd-bcrypt" bench "$PW" 2>/dev/null
htpasswd -s -b -c "$work/htpasswd-sha" bench "$PW" 2>/dev/null
printf 'rules:\n  - bundles: ["*"]\n    users: [bench]\n    allow: [admin]\n' > "$work/access.yaml"

# ---- pkgr
pk_port=$(free_port)
java -XX:+UseParallelGC -XX:MaxNewSize=64m -Xms16m -Xmx128m -cp "$lib/*" io.pkgr.cli.Main serve \
  --data "$work/pkgr-data" --htpasswd "$work/htpasswd-bcrypt" --access "$work/access.yaml" \
  --host 127.0.0.1 --port "$pk_port" > "$work/pkgr.log" 2>&1 &
pids+=($!)
P="http://127.0.0.1:$pk_port"

# ---- nginx: the same tree, PUT allowed (mvn deploy), auth_basic {SHA} (its best case)
ng_port=$(free_port)
mkdir -p "$work/nginx-run" "$work/nginx-root/maven"
cat > "$work/nginx.conf" <<EOF
daemon off;
$([[ $EUID -eq 0 ]] && echo "user root;")
worker_processes $(nproc);
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
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$ng_port;
    location /maven/ { root $work/nginx-root; dav_methods PUT; create_full_put_path on;
                       client_max_body_size 100m; auth_basic "bench"; auth_basic_user_file $work/htpasswd-sha; }
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work/nginx-run" 2> "$work/nginx-run/stderr" &
pids+=($!)
N="http://127.0.0.1:$ng_port"
wait_http "$P/healthz"; wait_http "$N/maven/"

# ---- 50 artifacts of 1 KB: the same files on both; nginx also gets the checksums pkgr computes
python3 - "$work/artifacts" <<'EOF'
import os, sys, zipfile
out = sys.argv[1]
for i in range(1, 51):
    a = f"a{i:02d}"
    d = os.path.join(out, "bench/g", a, "1.0")
    os.makedirs(d)
    with zipfile.ZipFile(os.path.join(d, f"{a}-1.0.jar"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("payload.bin", os.urandom(800))
    with open(os.path.join(d, f"{a}-1.0.pom"), "w") as f:
        f.write(f'<project><modelVersion>4.0.0</modelVersion><groupId>bench.g</groupId>'
                f'<artifactId>{a}</artifactId><version>1.0</version></project>\n')
EOF
(cd "$work/artifacts" && find . -type f | sort) | while read -r f; do
  f=${f#./}
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -T "$work/artifacts/$f" "$P/maven/$f")
  [[ $code == 201 ]] || { echo "pkgr PUT $f: $code" >&2; exit 1; }
  mkdir -p "$work/nginx-root/maven/$(dirname "$f")"
  cp "$work/artifacts/$f" "$work/nginx-root/maven/$f"
  sha1sum "$work/artifacts/$f" | cut -d' ' -f1 | tr -d '\n' > "$work/nginx-root/maven/$f.sha1"
  md5sum "$work/artifacts/$f" | cut -d' ' -f1 | tr -d '\n' > "$work/nginx-root/maven/$f.md5"
done
cmp <(curl -s -H "$AUTH" "$P/maven/bench/g/a01/1.0/a01-1.0.jar") "$work/artifacts/bench/g/a01/1.0/a01-1.0.jar"
cmp <(curl -s -H "$AUTH" "$N/maven/bench/g/a01/1.0/a01-1.0.jar") "$work/artifacts/bench/g/a01/1.0/a01-1.0.jar"

# ---- the Maven projects: settings with the credentials, a library to deploy, a consumer of the 50
cat > "$work/settings.xml" <<EOF
<settings><servers>
  <server><id>pkgr</id><username>bench</username><password>$PW</password></server>
  <server><id>nginx</id><username>bench</username><password>$PW</password></server>
</servers></settings>
EOF
plugins='<pluginManagement><plugins>
  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
  <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
  <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
  <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
  <plugin><artifactId>maven-deploy-plugin</artifactId><version>3.1.4</version></plugin>
  <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
</plugins></pluginManagement>'
for peer in pkgr nginx; do
  url=$([[ $peer == pkgr ]] && echo "$P/maven/" || echo "$N/maven/")
  d="$work/lib-$peer"; mkdir -p "$d/src/main/java/bench"
  echo 'package bench; public class Lib { public static String hi() { return "hi"; } }' > "$d/src/main/java/bench/Lib.java"
  cat > "$d/pom.xml" <<EOF
<project><modelVersion>4.0.0</modelVersion>
  <groupId>bench.lib</groupId><artifactId>lib</artifactId><version>\${revision}</version>
  <properties><revision>1.0.0</revision><maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <distributionManagement><repository><id>$peer</id><url>$url</url></repository></distributionManagement>
  <build>$plugins<plugins><plugin><artifactId>maven-jar-plugin</artifactId><executions><execution><id>sources</id>
    <goals><goal>jar</goal></goals><configuration><classifier>sources</classifier>
    <classesDirectory>src/main/java</classesDirectory></configuration></execution></executions></plugin></plugins></build>
</project>
EOF
  d="$work/app-$peer"; mkdir -p "$d"
  deps=""; for i in $(seq -w 1 50); do deps+="<dependency><groupId>bench.g</groupId><artifactId>a$i</artifactId><version>1.0</version></dependency>"; done
  cat > "$d/pom.xml" <<EOF
<project><modelVersion>4.0.0</modelVersion>
  <groupId>bench.app</groupId><artifactId>app</artifactId><version>1.0</version>
  <dependencies>$deps</dependencies>
  <repositories><repository><id>$peer</id><url>$url</url></repository></repositories>
  <build>$plugins</build>
</project>
EOF
done
mvn="$root/mvnw -B -q -s $work/settings.xml -Dmaven.repo.local.tail=$HOME/.m2/repository -Dmaven.test.skip=true"
# warm-up: one deploy and one resolve each (plugin dependencies land in each local repository once)
for peer in pkgr nginx; do
  (cd "$work/lib-$peer" && $mvn -Dmaven.repo.local="$work/m2-deploy-$peer" -Drevision=0.0.1 deploy)
  (cd "$work/app-$peer" && $mvn -Dmaven.repo.local="$work/m2-warm-$peer" dependency:resolve > /dev/null)
done
echo "load average before the timed runs: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --runs "$RUNS" --export-markdown "$work/deploy.md" \
  -n "mvn deploy → pkgr" "bash -c 'cd $work/lib-pkgr && $mvn -Dmaven.repo.local=$work/m2-deploy-pkgr -Drevision=1.0.\$(date +%s%N) deploy'" \
  -n "mvn deploy → nginx" "bash -c 'cd $work/lib-nginx && $mvn -Dmaven.repo.local=$work/m2-deploy-nginx -Drevision=1.0.\$(date +%s%N) deploy'"
# cold: the local repository holds Maven's plugins (copied from the warm-up) but none of the 50
for peer in pkgr nginx; do rm -rf "$work/m2-warm-$peer/bench"; done
hyperfine -N --runs "$RUNS" --export-markdown "$work/resolve.md" \
  --prepare "bash -c 'rm -rf $work/m2-cold && cp -a $work/m2-warm-pkgr $work/m2-cold'" \
  -n "cold dependency:resolve of 50 ← pkgr" "bash -c 'cd $work/app-pkgr && $mvn -Dmaven.repo.local=$work/m2-cold dependency:resolve'" \
  --prepare "bash -c 'rm -rf $work/m2-cold && cp -a $work/m2-warm-nginx $work/m2-cold'" \
  -n "cold dependency:resolve of 50 ← nginx" "bash -c 'cd $work/app-nginx && $mvn -Dmaven.repo.local=$work/m2-cold dependency:resolve'"
ls "$work/m2-cold/bench/g" | wc -l | sed 's/^/artifacts resolved in the last run: /'

# ---- 1 KB GET req/s (wrk -t 2 -c 32, Basic credentials), and pkgr's native bundle download beside it
b="$work/bundle"; mkdir -p "$b"
head -c 700 /dev/urandom > "$b/payload.bin"
printf 'name: small\nversion: 1.0.0\nruntime: exec\ninclude: ["payload.bin"]\nentrypoints:\n  x: {command: ["true"]}\n' > "$b/pkgr.yaml"
(cd "$b" && java -cp "$lib/*" io.pkgr.cli.Main build > /dev/null)
curl -s -o /dev/null -H "$AUTH" -T "$b/dist/small-1.0.0.pkgr" "$P/api/v1/bundles/small/1.0.0"
jar="maven/bench/g/a01/1.0/a01-1.0.jar"
echo "1 KB sizes: jar $(stat -c %s "$work/artifacts/${jar#maven/}") B, bundle $(stat -c %s "$b/dist/small-1.0.0.pkgr") B"
for url in "$P/$jar" "$N/$jar" "$P/api/v1/bundles/small/1.0.0/download"; do
  wrk -t 2 -c 32 -d 3s -H "$AUTH" "$url" > /dev/null
  printf '%-60s %s   load %s\n' "$url" "$(wrk -t 2 -c 32 -d "${DURATION}s" -H "$AUTH" "$url" | grep Requests/sec)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
done
cat "$work/deploy.md" "$work/resolve.md"
