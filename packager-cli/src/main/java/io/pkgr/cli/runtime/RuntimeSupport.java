package io.pkgr.cli.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What pkgr does differently per {@link Runtime}: vendor dependencies at build, prepare the
 * installed environment, shape the launch command, and scaffold a project. One implementation per
 * package under {@code io.pkgr.cli.runtime}, registered in
 * {@code META-INF/services/io.pkgr.cli.runtime.RuntimeSupport}; found with {@link Runtimes#of}.
 */
public interface RuntimeSupport {

    /** The manifest's {@code runtime} this implementation serves. */
    Runtime runtime();

    /** {@code pkgr build}: archive path ({@code deps/…}) → file of every dependency the bundle vendors. */
    Map<String, Path> vendor(Manifest manifest, DependencySources sources) throws IOException;

    /**
     * The runtime part of an environment's cache key; an environment built another way (an explicitly
     * chosen interpreter) gets a key of its own.
     */
    default String environmentVariant(Preparation preparation) {
        return runtime().id();
    }

    /**
     * Prepares an extracted bundle for running (a venv, …). Returns facts for the ready marker, in
     * order (e.g. the interpreter that built it); empty when there is nothing to do.
     */
    default Map<String, String> prepare(Environment environment, Preparation preparation) throws IOException {
        return Map.of();
    }

    /** Files (relative to the environment) that {@link #prepare} made and the run-time check fingerprints. */
    default List<String> preparedFiles() {
        return List.of();
    }

    /** False when what {@link #prepare} made is gone in a way the fingerprint cannot see. */
    default boolean intact(Environment environment) {
        return true;
    }

    /** With -v: what the ready marker says about how the environment was prepared, e.g. " (python …)". */
    default String readyDetail(JsonNode marker) {
        return "";
    }

    /**
     * Adapts the entrypoint's command (its first word) and the child's environment before the
     * rule every runtime shares resolves the first word (a path under {@code files/}, else the PATH).
     */
    default void launch(Environment environment, List<String> command, Map<String, String> childEnv) {
    }

    /** {@code pkgr init}: the runtime's part of the commented pkgr.yaml (after the common fields). */
    String manifestTemplate();

    /** {@code pkgr init}: the hello entrypoint's files, path → content. */
    Map<String, String> helloFiles();
}
