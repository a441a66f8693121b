package io.pkgr.bundle;

import java.util.Locale;

/** How a bundle's entrypoints run. */
public enum Runtime {
    /** A virtualenv with the vendored wheels installed offline. */
    PYTHON,
    /** {@code java -cp} the vendored jars. */
    JVM,
    /** The files as they are. */
    EXEC;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The runtime with this id ({@code python}, {@code jvm}, {@code exec}), or null: the one place ids are parsed. */
    public static Runtime fromId(String id) {
        for (Runtime r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
