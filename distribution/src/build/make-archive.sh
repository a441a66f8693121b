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

rm -rf "$stage/bin" "$stage/lib/cds" "$stage/lib/pkgr.classlist"
install -d "$stage/bin" "$stage/lib/cds"
install -m 0755 "$here/../main/dist/bin/pkgr" "$stage/bin/pkgr"

# The start-up class list: the classes a typical command loads, recorded by a training run now.
# bin/pkgr turns it into a class-data archive for the Java runtime and path it finds at install
# time, because a Java 17 archive records the jars' absolute paths and cannot move with them.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
HOME="$scratch" PKGR_CACHE_DIR="$scratch/cache" "$java" -Xshare:off -Xlog:disable \
  -XX:DumpLoadedClassList="$stage/lib/pkgr.classlist" -cp "$stage/lib/*" io.pkgr.cli.Main cache list >/dev/null
chmod 0644 "$stage/lib/pkgr.classlist"
# bin/pkgr writes the archive here when the installer runs it (see docs/deploy.md), else per user
chmod 0755 "$stage/lib/cds"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$timestamp" -C "$out" -cf - "$name" \
  | gzip -n -9 > "$out/$name.tar.gz"
( cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256" )
echo "release archive: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
