#!/usr/bin/env bash
# The start-up training of pkgr, run at build time (never on a user's first call): what a command
# loads is what its class-data archive must hold, so the training runs the real commands.
#
#   train.sh LIB CLASSLIST RUN_CLASSLIST [AOTCACHE]
#
# LIB            the directory of pkgr's jars (the class path is LIB/*.jar in sorted order, as the launchers give it)
# CLASSLIST      written: the classes that `pkgr build`, `key generate`, `publish`, `install` (a new
#                version: download, verify, lay out), `run … --help`, `--version` and `cache list`
#                load, one list (-XX:DumpLoadedClassList), from which a launcher makes the class-data
#                (CDS) archive of every command but `run` for whatever Java 17+ runtime it finds
# RUN_CLASSLIST  written: the classes of a warm `pkgr run` (with a JSON result; and one of a command on
#                PATH with --trusted-keys) and `--version`: the archive `run` maps. A run maps
#                nothing else: a JVM maps its archive whole, relocated to a random address
#                (ArchiveRelocationMode=1, the default of current runtimes), so every class in it
#                costs each start a little; the warm run's own archive is about half the size
# AOTCACHE       written when the Java runtime here is 25 or newer: its ahead-of-time cache (JEP 483/514),
#                recorded from a warm `pkgr run`; a launcher uses it with that same runtime only
#
# It starts `pkgr serve` on a free loopback port in a scratch directory, builds and publishes a
# small exec bundle signed with a fresh key (recorded), installs it (recorded), stops the server,
# then records the warm runs. JAVA_HOME picks the runtime, as in the launchers.
set -euo pipefail

lib="$(cd "$1" && pwd -P)"
# the jars in a fixed (sorted) order, as the launchers give them: an AOT cache checks the class path
classpath="$(printf '%s:' "$lib"/*.jar)"
classpath="${classpath%:}"
classlist="$2"
run_classlist="$3"
aot="${4:-}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
scratch="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

# a clean environment: no user configuration, cache or secrets reach the training
pkgr_env=(env -i PATH="/usr/bin:/bin" HOME="$scratch/home" LANG=C.UTF-8 PKGR_CACHE_DIR="$scratch/cache"
  PKGR_CONFIG_DIR="$scratch/config" PKGR_NO_PROGRESS=1)
opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:disable -Xlog:all=error:stderr)
pkgr() {
  "${pkgr_env[@]}" "$@"
}
mkdir -p "$scratch/home" "$scratch/project/bin"

"${pkgr_env[@]}" "$java" "${opts[@]}" -cp "$classpath" io.pkgr.cli.Main serve --data "$scratch/data" --host 127.0.0.1 --port 0 \
  >"$scratch/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$scratch/serve.log" | head -n 1)"
  [[ -n "$url" ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$scratch/serve.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$url" ]] || { echo "train.sh: pkgr serve did not start" >&2; cat "$scratch/serve.log" >&2; exit 1; }

cat > "$scratch/project/pkgr.yaml" <<'EOF'
name: train
version: 1.0.0
runtime: exec
entrypoints:
  main:
    command: ["bin/main.sh"]
    params:
      day: {type: date, required: true}
      n: {type: int, default: 3}
  noop:
    command: ["true"]
EOF
printf '#!/bin/sh\necho "{\\"ok\\": true}" > "$PKGR_OUTPUT"\n' > "$scratch/project/bin/main.sh"
chmod 0755 "$scratch/project/bin/main.sh"
repo=(PKGR_REPOSITORIES_TRAIN_URL="$url" PKGR_HTTP_BASIC_TRAIN_USERNAME=admin
  PKGR_HTTP_BASIC_TRAIN_PASSWORD="$(cat "$scratch/data/admin-password")")
cli=("$java" "${opts[@]}" -cp "$classpath" io.pkgr.cli.Main)
record() {   # record NAME [VAR=VALUE...] ARGS...: one JVM's loaded classes (VAR=VALUE: its environment)
  local name="$1" vars=()
  shift
  while [[ "${1:-}" == PKGR_*=* ]]; do vars+=("$1"); shift; done
  pkgr "${vars[@]}" "$java" -Xshare:off "${opts[@]}" -XX:DumpLoadedClassList="$scratch/$name.classlist" \
    -cp "$classpath" io.pkgr.cli.Main "$@" >/dev/null
}
record build "${repo[@]}" build -C "$scratch/project"
record key key generate "$scratch/key"
record publish "${repo[@]}" publish -r train --sign "$scratch/key" "$scratch"/project/dist/train-1.0.0.pkgr
record install "${repo[@]}" install -q -r train train==1.0.0
# caches the signature check's outcome that a warm run with --trusted-keys reads
pkgr "${repo[@]}" "${cli[@]}" run -r train --trusted-keys "$scratch/key.pub" train==1.0.0 main --day=2024-05-01 >/dev/null 2>&1
kill "$server" && wait "$server" 2>/dev/null || true
server=""

# the warm runs need no registry: only its name and URL (the run resolves -r train offline)
warm=(PKGR_REPOSITORIES_TRAIN_URL="$url")
record run "${warm[@]}" run -r train train==1.0.0 main --day=2024-05-01
# a command found on PATH, and the cached outcome of a signature check
record signed "${warm[@]}" run -r train --trusted-keys "$scratch/key.pub" train==1.0.0 noop
record help "${warm[@]}" run -r train train==1.0.0 main --help
record version --version
record cache cache list
merge() {   # merge OUT NAME...: the recorded lists as one, each class once, in first-load order
  local out="$1"
  shift
  {
    head -n 5 "$scratch/$1.classlist" | grep '^#' || true
    for name in "$@"; do cat "$scratch/$name.classlist"; done | grep -v '^#' | awk '!seen[$0]++'
  } > "$out.tmp"
  mv -f "$out.tmp" "$out"
}
merge "$classlist" build key publish install help version cache
merge "$run_classlist" run signed version

if [[ -n "$aot" ]]; then
  release="$(dirname "$(readlink -f "$(command -v "$java")")")/../release"
  feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null || true)"
  if [[ -n "$feature" && "$feature" -ge 25 ]]; then
    rm -f "$aot"
    pkgr "${warm[@]}" "$java" "${opts[@]}" -XX:AOTCacheOutput="$aot" -cp "$classpath" io.pkgr.cli.Main \
      run -r train train==1.0.0 main --day=2024-05-01 >/dev/null 2>&1
    [[ -f "$aot" ]] || { echo "train.sh: $java wrote no AOT cache" >&2; exit 1; }
  fi
fi
