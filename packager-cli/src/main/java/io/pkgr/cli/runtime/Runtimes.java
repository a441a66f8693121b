package io.pkgr.cli.runtime;

import io.pkgr.bundle.Runtime;
import io.pkgr.cli.runtime.exec.ExecRuntime;
import io.pkgr.cli.runtime.jvm.JvmRuntime;
import io.pkgr.cli.runtime.python.PythonRuntime;

/**
 * The {@link RuntimeSupport} of each runtime: one registration line per runtime below.
 *
 * <p>Not a {@link java.util.ServiceLoader}: on the class path it opens every jar of the release
 * (more than a hundred) to look for a services file, which cost a warm {@code pkgr run} about a
 * tenth of a second, more than the rest of its own work. The supports are stateless: each call
 * makes one, and only of the runtime asked for.
 */
public final class Runtimes {

    private Runtimes() {
    }

    /** The support for {@code runtime}; every runtime of the bundle format has one (the switch is exhaustive). */
    public static RuntimeSupport of(Runtime runtime) {
        return switch (runtime) {
            case PYTHON -> new PythonRuntime();
            case JVM -> new JvmRuntime();
            case EXEC -> new ExecRuntime();
        };
    }
}
