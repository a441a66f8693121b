# The pkgr registry image, built from the release archive (why: the image runs exactly the bits
# that workers install, and building it needs neither Maven nor a network):
#
#   ./mvnw -B package -DskipTests                       # distribution/target/pkgr-VERSION.tar.gz
#   docker build -f docker/registry.Dockerfile -t pkgr-registry .
#   (podman: add --format docker, or the HEALTHCHECK is dropped)
#
# BASE: any image with a Java 17+ runtime (`java` on PATH or JAVA_HOME), bash, and useradd.
ARG BASE=eclipse-temurin:17-jre
FROM ${BASE}

RUN groupadd --system --gid 10001 pkgr \
 && useradd --system --uid 10001 --gid pkgr --home-dir /data --no-create-home --shell /usr/sbin/nologin pkgr \
 && mkdir -p /data && chown pkgr:pkgr /data

# ADD unpacks the archive to /opt/pkgr-VERSION; `pkgr --version` then makes the class-data archive
# (CDS) for this image's Java runtime, at image build time
ADD distribution/target/pkgr-*.tar.gz /opt/
RUN ln -s /opt/pkgr-* /opt/pkgr && ln -s /opt/pkgr/bin/pkgr /usr/local/bin/pkgr && pkgr --version
COPY docker/registry/entrypoint.sh /usr/local/bin/pkgr-registry
COPY docker/registry/healthcheck.sh /usr/local/bin/pkgr-healthcheck

# Every `pkgr serve` option is an environment variable (PKGR_ + the option in upper case, dashes
# as underscores; see docs/server.md). The first admin's password: PKGR_ADMIN_PASSWORD_FILE (a
# secret) or PKGR_ADMIN_PASSWORD; without either it is printed once on the first start.
ENV PKGR_DATA=/data PKGR_HOST=0.0.0.0 PKGR_PORT=8080
VOLUME /data
EXPOSE 8080
USER 10001:10001
WORKDIR /data
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["pkgr-healthcheck"]
# SIGTERM drains in-flight requests for up to PKGR_SHUTDOWN_GRACE seconds (default 30), then exits 0:
# give the container more than that to stop (docker stop -t 40, stop_grace_period, terminationGracePeriodSeconds)
STOPSIGNAL SIGTERM
ENTRYPOINT ["pkgr-registry"]
