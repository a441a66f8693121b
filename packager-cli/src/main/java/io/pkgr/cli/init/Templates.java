package io.pkgr.cli.init;

import io.pkgr.bundle.Runtime;
import io.pkgr.cli.runtime.Runtimes;
import java.util.Map;

/** What {@code pkgr init} writes: the fields every runtime has, then the runtime's own template. */
final class Templates {

    private Templates() {
    }

    static String manifest(Runtime runtime, String name) {
        String common = """
                # pkgr.yaml: what `pkgr build` packs into NAME-VERSION.pkgr. Reference: docs/bundle.md
                name: %s                 # letters, digits, . _ -; compared PEP 503-normalised
                version: 0.1.0                # SemVer 2.0; a published version is immutable
                description: A pipeline step
                runtime: %s
                """.formatted(name, runtime.id());
        return common + Runtimes.of(runtime).manifestTemplate();
    }

    static Map<String, String> hello(Runtime runtime) {
        return Runtimes.of(runtime).helloFiles();
    }
}
