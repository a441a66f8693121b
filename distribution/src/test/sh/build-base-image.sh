#!/usr/bin/env bash
# Builds the base image the container tests pass as BASE: Debian bookworm (debootstrap minbase) with
# a Java 17 runtime, imported into podman. No image registry is reachable where the tests run, so
# the well-known base images cannot be pulled; this one is made from Debian's packages through the
# apt mirror this machine is already configured with. Podman's image store keeps it: later runs
# on the same machine reuse it.
#
#   build-base-image.sh IMAGE
set -euo pipefail
image="$1"
podman=(podman --runtime runc --cgroup-manager cgroupfs)
if "${podman[@]}" image exists "$image"; then
  exit 0
fi

# the first non-security Debian mirror in the apt sources (deb822 .sources or one-line .list)
mirror="$( { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
  | sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' \
  | tr ' ' '\n' | grep -E '^https?://' | { grep -v security || true; } | head -n 1)"
[[ -n "$mirror" ]] || { echo "no Debian mirror in the apt sources" >&2; exit 1; }

rootfs="$(mktemp -d /var/tmp/pkgr-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" >&2
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | "${podman[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'CMD ["/bin/bash"]' - "$image" >&2
