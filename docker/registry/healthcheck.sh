#!/bin/bash
# HEALTHCHECK of the registry image with nothing but bash: GET /readyz on the container's own
# port (200 = serving and storage writable). Over TLS, bash cannot speak HTTPS: an accepted
# connection is then the check.
set -u
port="${PKGR_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
if [[ -n "${PKGR_TLS_CERT:-}" || "${PKGR_TLS_SELF_SIGNED:-false}" =~ ^(true|1|yes|on)$ ]]; then
  exit 0
fi
printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS=' ' read -r -t 3 _ status _ <&3 || exit 1
[[ "$status" == "200" ]]
