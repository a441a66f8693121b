package io.pkgr.cli.runtime;

import io.pkgr.bundle.Runtime;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The {@link RuntimeSupport} of each runtime, found once with {@link ServiceLoader}. */
public final class Runtimes {

    private static final Map<Runtime, RuntimeSupport> ALL = load();

    private Runtimes() {
    }

    /** The support for {@code runtime}; every runtime of the bundle format has one. */
    public static RuntimeSupport of(Runtime runtime) {
        RuntimeSupport support = ALL.get(runtime);
        if (support == null) {
            throw new IllegalStateException("no RuntimeSupport registered for runtime " + runtime.id());
        }
        return support;
    }

    private static Map<Runtime, RuntimeSupport> load() {
        Map<Runtime, RuntimeSupport> all = new EnumMap<>(Runtime.class);
        for (RuntimeSupport support : ServiceLoader.load(RuntimeSupport.class, RuntimeSupport.class.getClassLoader())) {
            if (all.putIfAbsent(support.runtime(), support) != null) {
                throw new IllegalStateException("two RuntimeSupport implementations for runtime " + support.runtime().id());
            }
        }
        return all;
    }
}
