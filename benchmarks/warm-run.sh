#!/usr/bin/env bash
# A warm `pkgr run` of a no-op exec bundle and `pkgr --version`, beside a hello-world JVM started
# with the same JVM options, side by side in one hyperfine run.
#
#   benchmarks/warm-run.sh                  # this checkout through ./pkgr (builds it first if needed)
#   BEFORE=DIR benchmarks/warm-run.sh       # adds DIR's ./pkgr (another checkout, e.g. an older commit)
#   JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/warm-run.sh   # adds the same on Java 25 (AOT cache)
#   RUNS=30 benchmarks/warm-run.sh
#
# Each checkout's run is timed through its ./pkgr and through its release archive's bin/pkgr (laid
# out in the scratch directory from its build), each with a cache of its own.
# hyperfine reports wall time and the CPU time (user + system) of each command and its children;
# on a machine shared with other work the CPU time is the steadier of the two.
#
# Starts `./pkgr serve` on a free loopback port in a scratch directory, publishes a bundle whose
# entrypoint is `true` (one date parameter), installs it with a first run and stops the server:
# every timed run is warm and offline. The hello-world class is compiled into the scratch
# directory. Every process it starts is killed by PID on exit; the scratch directory is removed
# (KEEP=1 keeps it). Prints hyperfine's table and writes its JSON to benchmarks/target/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-20}"
JAVA25="${JAVA25:-}"
BEFORE="${BEFORE:-}"
out_dir="$root/benchmarks/target"
mkdir -p "$out_dir"
work="$(mktemp -d "${TMPDIR:-/tmp}/pkgr-warm.XXXXXX")"
server=""
cleanup() {
  [[ -n "$server" ]] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  [[ "${KEEP:-0}" == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

export PKGR_CACHE_DIR="$work/cache" PKGR_CONFIG_DIR="$work/config" PKGR_NO_PROGRESS=1
unset PKGR_REPOSITORY

launchers=("$root/pkgr")
[[ -n "$BEFORE" ]] && launchers+=("$BEFORE/pkgr")
for launcher in "${launchers[@]}"; do
  "$launcher" --version >/dev/null   # builds it (and its start-up archives) outside every timing
done
if [[ -n "$JAVA25" ]]; then
  JAVA_HOME="$JAVA25" "$root/pkgr" --version >/dev/null
fi

"$root/pkgr" serve --data "$work/data" --host 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 600); do
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log" | head -n 1)"
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$work/serve.log" >&2; exit 1; }
mkdir -p "$work/noop"
printf 'name: noop\nversion: 1.0.0\nruntime: exec\nentrypoints:\n  main:\n    command: ["true"]\n    params:\n      day: {type: date, required: true}\n' \
  > "$work/noop/pkgr.yaml"
export PKGR_REPOSITORIES_BENCH_URL="$url"
"$root/pkgr" build -C "$work/noop" >/dev/null
credentials=(env PKGR_HTTP_BASIC_BENCH_USERNAME=admin PKGR_HTTP_BASIC_BENCH_PASSWORD="$(cat "$work/data/admin-password")")
"${credentials[@]}" "$root/pkgr" publish -r bench "$work/noop/dist/noop-1.0.0.pkgr" >/dev/null
for i in "${!launchers[@]}"; do
  # each launcher installs into a cache of its own (two versions of pkgr may write different ready
  # markers); the timed runs have no credentials
  PKGR_CACHE_DIR="$work/cache-$i" "${credentials[@]}" "${launchers[$i]}" run -r bench noop==1.0.0 main --day=2024-05-01 >/dev/null
done
kill "$server"
wait "$server" 2>/dev/null || true
server=""

mkdir -p "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/hello/Hello.java"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"${java%java}javac" -d "$work/hello" "$work/hello/Hello.java"
# the options both launchers give short-lived commands
opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:disable -Xlog:all=error:stderr"

commands=("$java $opts -cp $work/hello Hello")
names=("hello-world JVM (java 17, same options)")
for i in "${!launchers[@]}"; do
  launcher="${launchers[$i]}"
  label="$( [[ "$launcher" == "$root/pkgr" ]] && echo "this checkout" || echo "BEFORE" )"
  cache_env="$( [[ "$i" == 0 ]] || echo "env PKGR_CACHE_DIR=$work/cache-$i " )"   # cache-0: exported below
  commands+=("$launcher --version" "${cache_env}$launcher run -r bench noop==1.0.0 main --day=2024-05-01")
  names+=("pkgr --version ($label)" "warm pkgr run ($label)")
done
export PKGR_CACHE_DIR="$work/cache-0"   # this checkout's cache, for every command but BEFORE's run
# the same warm run through the release archive's launcher (bin/pkgr beside lib/, as unpacked),
# each checkout's own; its class-data archive is made by the first call, outside the timings
for i in "${!launchers[@]}"; do
  checkout="$(dirname "${launchers[$i]}")"
  release="$work/release-$i"
  mkdir -p "$release/bin" "$release/lib/cds"
  cp "$checkout/distribution/src/main/dist/bin/pkgr" "$release/bin/pkgr"
  cp "$checkout"/packager-cli/target/pkgr/lib/*.jar "$checkout"/packager-cli/target/pkgr/lib/*.classlist "$release/lib/"
  "$release/bin/pkgr" --version >/dev/null
  label="$( [[ "$i" == 0 ]] && echo "this checkout" || echo "BEFORE" )"
  cache_env="$( [[ "$i" == 0 ]] || echo "env PKGR_CACHE_DIR=$work/cache-$i " )"
  commands+=("${cache_env}$release/bin/pkgr run -r bench noop==1.0.0 main --day=2024-05-01")
  names+=("warm pkgr run ($label, release archive's bin/pkgr)")
done
# the same warm run without the launcher script: java with the launcher's options and archive
lib="$root/packager-cli/target/pkgr/lib"
classpath="$(printf '%s:' "$lib"/*.jar)"
classpath="${classpath%:}"
jvm_id="$(printf '%s' "$(readlink -f "$(command -v "$java")")" | cksum | cut -d' ' -f1)"
jsa="$lib/pkgr-run-$jvm_id.jsa"   # the warm run's archive (a checkout before it had one archive for all)
[[ -f "$jsa" ]] || jsa="$lib/pkgr-$jvm_id.jsa"
if [[ -f "$jsa" ]]; then
  commands+=("$java $opts -XX:SharedArchiveFile=$jsa -cp $classpath io.pkgr.cli.Main run -r bench noop==1.0.0 main --day=2024-05-01")
  names+=("warm pkgr run (this checkout, java directly, no launcher script)")
fi
if [[ -n "$JAVA25" ]]; then
  commands+=("$JAVA25/bin/java $opts -cp $work/hello Hello"
    "env JAVA_HOME=$JAVA25 $root/pkgr --version"
    "env JAVA_HOME=$JAVA25 $root/pkgr run -r bench noop==1.0.0 main --day=2024-05-01")
  names+=("hello-world JVM (java 25, same options)" "pkgr --version (java 25, AOT cache)" "warm pkgr run (java 25, AOT cache)")
fi

args=()
for i in "${!commands[@]}"; do
  args+=(-n "${names[$i]}" "${commands[$i]}")
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
hyperfine -N -w 3 -r "$RUNS" --export-json "$out_dir/warm-run.json" --export-markdown "$out_dir/warm-run.md" "${args[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
