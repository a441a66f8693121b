package io.pkgr.cli.runtime;

import io.pkgr.bundle.Manifest;
import java.nio.file.Path;

/** An extracted bundle in the cache, as a runtime sees it: {@code files/}, {@code deps/} and what it prepares. */
public record Environment(Path dir, Manifest manifest) {

    /** The project files as packed. */
    public Path files() {
        return dir.resolve("files");
    }

    /** The vendored dependencies. */
    public Path deps() {
        return dir.resolve("deps");
    }
}
