package io.pkgr.cli.run;

import io.pkgr.cli.runtime.Environment;
import io.pkgr.cli.runtime.Executables;
import io.pkgr.cli.runtime.Runtimes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of an entrypoint in its environment.
 *
 * <p>Rule for the first word of {@code command}: the runtime may replace it first ({@code python}
 * → the venv's interpreter, {@code java} → the JVM with its classpath); then a word with a {@code /}
 * is a path relative to the bundle's {@code files/} (the project root as packaged) and any other
 * word is looked up on the child's PATH (for python, {@code venv/bin} comes first).
 */
record Launch(List<String> command, Map<String, String> env) {

    static Launch of(Environment e, List<String> entrypointCommand, List<String> args, Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        List<String> cmd = new ArrayList<>(entrypointCommand);
        Runtimes.of(e.manifest().runtime()).launch(e, cmd, env);
        String first = cmd.get(0);
        if (!Path.of(first).isAbsolute()) {
            if (first.contains("/")) {
                cmd.set(0, e.files().resolve(first).normalize().toString());
            } else {
                String found = Executables.which(first, env.get("PATH"));
                if (found != null) {
                    cmd.set(0, found);
                }
            }
        }
        cmd.addAll(args);
        return new Launch(List.copyOf(cmd), env);
    }
}
