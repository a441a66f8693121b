package io.pkgr.cli.run;

import io.pkgr.bundle.Runtime;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The command line and environment of an entrypoint in its environment.
 *
 * <p>Rule for the first word of {@code command}: {@code python}/{@code python3} (python runtime)
 * is the venv's interpreter and {@code java} (jvm runtime) is the JVM pkgr runs on (or
 * {@code $JAVA_HOME/bin/java}) with {@code -cp files:files/**.jar:deps/**.jar} added; a word with a {@code /}
 * is a path relative to the bundle's {@code files/} (the project root as packaged); any other
 * word is looked up on the child's PATH (for python, {@code venv/bin} comes first).
 */
record Launch(List<String> command, Map<String, String> env) {

    static Launch of(Environments.Environment e, List<String> entrypointCommand, List<String> args,
                     Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        List<String> cmd = new ArrayList<>(entrypointCommand);
        Runtime runtime = e.runtime();
        String first = cmd.get(0);
        if (runtime == Runtime.PYTHON) {
            Path bin = e.venv().resolve("bin");
            env.put("VIRTUAL_ENV", e.venv().toString());
            env.put("PATH", bin + prefixOf(env.get("PATH")));
            env.remove("PYTHONHOME");
            String pythonPath = e.files().toString();
            if (Files.isDirectory(e.files().resolve("src"))) {
                pythonPath += File.pathSeparator + e.files().resolve("src");
            }
            env.put("PYTHONPATH", pythonPath);
            env.putIfAbsent("PYTHONDONTWRITEBYTECODE", "1");
            if (first.equals("python") || first.equals("python3")) {
                cmd.set(0, bin.resolve("python").toString());
            }
        } else if (runtime == Runtime.JVM) {
            String classpath = classpath(e);
            env.put("CLASSPATH", classpath);
            if (first.equals("java")) {
                cmd.set(0, javaExecutable(env));
                boolean hasClasspath = cmd.stream().anyMatch(a -> a.equals("-cp") || a.equals("-classpath")
                        || a.equals("--class-path") || a.equals("-jar"));
                if (!hasClasspath) {
                    cmd.add(1, "-cp");
                    cmd.add(2, classpath);
                }
            }
        }
        first = cmd.get(0);
        if (!Path.of(first).isAbsolute()) {
            if (first.contains("/")) {
                cmd.set(0, e.files().resolve(first).normalize().toString());
            } else {
                String found = which(first, env.get("PATH"));
                if (found != null) {
                    cmd.set(0, found);
                }
            }
        }
        cmd.addAll(args);
        return new Launch(List.copyOf(cmd), env);
    }

    private static String prefixOf(String path) {
        return path == null || path.isEmpty() ? "" : File.pathSeparator + path;
    }

    private static String classpath(Environments.Environment e) {
        List<String> parts = new ArrayList<>();
        parts.add(e.files().toString());
        // the project's own jars (e.g. files/target/app.jar) come before the vendored ones
        for (Path dir : List.of(e.files(), e.dir().resolve("deps"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(p -> parts.add(p.toString()));
                } catch (IOException ignored) {
                    // verified at install; a vanished jar shows up as the JVM's own error
                }
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    private static String javaExecutable(Map<String, String> env) {
        String home = env.get("JAVA_HOME");
        if (home != null && !home.isEmpty() && Files.isExecutable(Path.of(home, "bin", "java"))) {
            return Path.of(home, "bin", "java").toString();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** ProcessBuilder resolves bare names against pkgr's PATH, not the child's: resolve here. */
    static String which(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
