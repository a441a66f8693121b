#!/usr/bin/env bash
# Makes the release archive from the staged directory that maven-dependency-plugin filled with
# lib/*.jar: adds bin/pkgr and the start-up class list, then writes STAGE.tar.gz and, beside it,
# STAGE.tar.gz.sha256 (sha256sum -c reads it).
#
#   make-archive.sh STAGE OUTPUT_TIMESTAMP
set -euo pipefail

stage="$1"
timestamp="$2"   # the build's fixed timestamp: every file in the archive gets it
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="$(basename "$stage")"
out="$(dirname "$stage")"

rm -rf "$stage/bin" "$stage/lib/cds" "$stage/lib/aot" "$stage/lib/pkgr.classlist" "$stage/lib/pkgr-run.classlist"
install -d "$stage/bin" "$stage/lib/cds"
install -m 0755 "$here/../main/dist/bin/pkgr" "$stage/bin/pkgr"

# The start-up class lists: the classes a warm `pkgr run` loads, and those of the other commands,
# recorded by the build's training (train.sh) now. bin/pkgr turns each into a class-data
# archive for the Java runtime and path it finds at install time, because a Java 17 archive records
# the jars' absolute paths and cannot move with them. The jars get the archive's timestamp first:
# an AOT cache checks their modification times.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
find "$stage/lib" -name '*.jar' -exec touch -d "$timestamp" {} +
"$here/train.sh" "$stage/lib" "$stage/lib/pkgr.classlist" "$stage/lib/pkgr-run.classlist"
# With a Java 25+ runtime at hand (AOT_JAVA_HOME), its ahead-of-time cache of a warm run: it moves
# with the directory (Java 25 checks the jars' names, sizes and times, not their absolute place),
# and bin/pkgr maps it on that very runtime (lib/aot/pkgr.aot.jvm names it).
# Unset, the first Java 25+ runtime under /usr/lib/jvm is taken; AOT_JAVA_HOME=none makes none.
if [[ -z "${AOT_JAVA_HOME:-}" ]]; then
  for release in /usr/lib/jvm/*/release; do
    feature="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null || true)"
    if [[ -n "$feature" && "$feature" -ge 25 && -x "$(dirname "$release")/bin/java" ]]; then
      AOT_JAVA_HOME="$(dirname "$release")"
      break
    fi
  done
fi
if [[ -n "${AOT_JAVA_HOME:-}" && -x "$AOT_JAVA_HOME/bin/java" ]]; then
  install -d "$stage/lib/aot"
  JAVA_HOME="$AOT_JAVA_HOME" "$here/train.sh" "$stage/lib" "$scratch/aot.classlist" "$scratch/aot-run.classlist" "$stage/lib/aot/pkgr.aot"
  release="$AOT_JAVA_HOME/release"
  printf '%s %s\n' "$(sed -n 's/^IMPLEMENTOR="\(.*\)"$/\1/p' "$release")" \
    "$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$release")" > "$stage/lib/aot/pkgr.aot.jvm"
  chmod 0644 "$stage/lib/aot/pkgr.aot" "$stage/lib/aot/pkgr.aot.jvm"
fi
chmod 0644 "$stage/lib/pkgr.classlist" "$stage/lib/pkgr-run.classlist"
# bin/pkgr writes the archives here when the installer runs it (see docs/deploy.md), else per user
chmod 0755 "$stage/lib/cds"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$timestamp" -C "$out" -cf - "$name" \
  | gzip -n -9 > "$out/$name.tar.gz"
( cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256" )
echo "release archive: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
