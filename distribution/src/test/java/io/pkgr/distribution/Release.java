package io.pkgr.distribution;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put the release archive, and the repository it was built from (set by the pom). */
final class Release {

    private Release() {
    }

    static String version() {
        return property("pkgr.version");
    }

    static Path archive() {
        Path archive = Path.of(property("pkgr.archive"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException(archive + " is missing: these tests run after `package`");
        }
        return archive;
    }

    /** The repository root (docker/ and the Dockerfiles are there). */
    static Path repo() {
        return Path.of(property("pkgr.repo")).toAbsolutePath().normalize();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven");
        }
        return value;
    }
}
