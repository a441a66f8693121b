#!/bin/sh
# Entry point of the registry image: creates the first admin from a secret when one is given and
# no users exist yet, then replaces itself with the JVM (exec), so the registry is PID 1 and gets
# SIGTERM itself. Arguments are `pkgr serve` options (they win over the PKGR_* variables).
set -eu

htpasswd="${PKGR_HTPASSWD:-${PKGR_DATA:-/data}/htpasswd}"
if [ ! -e "$htpasswd" ]; then
  if [ -n "${PKGR_ADMIN_PASSWORD_FILE:-}" ]; then
    pkgr user add admin --htpasswd "$htpasswd" --password-stdin < "$PKGR_ADMIN_PASSWORD_FILE" >&2
  elif [ -n "${PKGR_ADMIN_PASSWORD:-}" ]; then
    printf '%s\n' "$PKGR_ADMIN_PASSWORD" | pkgr user add admin --htpasswd "$htpasswd" --password-stdin >&2
  fi
fi
unset PKGR_ADMIN_PASSWORD

# the same JVM settings as `pkgr serve`, the class-data archive made when the image was built, and
# a heap that may use most of the container's memory limit (PKGR_JAVA_OPTS comes last and wins)
lib="$(cd /opt/pkgr/lib && pwd -P)"
cds=""
for jsa in "$lib"/cds/pkgr-*.jsa; do
  case "$jsa" in
    */pkgr-run-*) ;;   # the warm run's archive: `pkgr run` maps it, the registry the other one
    *) [ -f "$jsa" ] && cds="-XX:SharedArchiveFile=$jsa" ;;
  esac
done
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseParallelGC -XX:MaxNewSize=64m -Xms16m -XX:MaxRAMPercentage=75 \
  -Xlog:disable -Xlog:all=error:stderr $cds ${PKGR_JAVA_OPTS:-} \
  -cp "$lib/*" io.pkgr.registry.RegistryMain "$@"
