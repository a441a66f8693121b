# pkgr for pipeline workers and Kubernetes pods: pkgr, a Python 3 and a Java runtime, so that
# `pkgr run NAME==VERSION ENTRYPOINT --param=value` is the container's command. Built from the
# release archive, like the registry image:
#
#   ./mvnw -B package -DskipTests
#   docker build -f docker/runner.Dockerfile -t pkgr-runner .
#   docker run --rm -v pkgr-cache:/cache -e PKGR_REPOSITORIES_PRIVATE_URL=http://registry:8080/ \
#     -e PKGR_HTTP_BASIC_PRIVATE_USERNAME=ci -e PKGR_HTTP_BASIC_PRIVATE_PASSWORD=… \
#     pkgr-runner run -r private churn-model==1.4.0 train --start-date=2024-05-01
#
# The environments pkgr builds live in /cache (PKGR_CACHE_DIR): mount a volume there and a
# worker's environments survive task and container restarts.
#
# BASE: any image with a Java 17+ runtime, bash and useradd; Python 3 with venv is installed
# from the base's own apt sources when the base lacks it.
ARG BASE=eclipse-temurin:17-jre
FROM ${BASE}

RUN if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 pkgr \
 && useradd --system --uid 10001 --gid pkgr --home-dir /home/pkgr --create-home --shell /bin/bash pkgr \
 && mkdir -p /cache && chown pkgr:pkgr /cache

ADD distribution/target/pkgr-*.tar.gz /opt/
RUN ln -s /opt/pkgr-* /opt/pkgr && ln -s /opt/pkgr/bin/pkgr /usr/local/bin/pkgr && pkgr --version

ENV PKGR_CACHE_DIR=/cache PKGR_PYTHON=/usr/bin/python3
VOLUME /cache
USER 10001:10001
WORKDIR /home/pkgr
# pkgr forwards SIGTERM to the entrypoint's process group and exits with its code
ENTRYPOINT ["pkgr"]
CMD ["--help"]
