package io.pkgr.distribution;

import java.util.Set;

/** The image names the container tests build, and the only ones the compose files and manifests may name. */
final class Images {

    static final String REGISTRY = "pkgr-registry:latest";
    static final String RUNNER = "pkgr-runner:latest";
    /** Built by docker/airflow/Dockerfile on the runner image (needs PyPI, so not built by the tests). */
    static final String AIRFLOW = "pkgr-airflow:latest";
    static final Set<String> ALL = Set.of(REGISTRY, RUNNER, AIRFLOW);

    private Images() {
    }
}
