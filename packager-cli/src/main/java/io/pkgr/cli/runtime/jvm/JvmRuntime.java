package io.pkgr.cli.runtime.jvm;

import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.runtime.DependencySources;
import io.pkgr.cli.runtime.Environment;
import io.pkgr.cli.runtime.RuntimeSupport;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * jvm: Maven coordinates vendored as jars by Maven Resolver; nothing to prepare; {@code java} is
 * the JVM with {@code -cp files:files/**.jar:deps/**.jar}.
 */
public final class JvmRuntime implements RuntimeSupport {

    @Override
    public Runtime runtime() {
        return Runtime.JVM;
    }

    @Override
    public Map<String, Path> vendor(Manifest manifest, DependencySources sources) throws IOException {
        Map<String, Path> deps = new TreeMap<>();
        if (manifest.dependencies().isEmpty()) {
            return deps;
        }
        List<Repository> remotes = new ArrayList<>();
        int i = 0;
        for (URI u : sources.mavenRepos()) {
            remotes.add(new Repository("extra-" + i++, u, null, null));
        }
        Repository registry = sources.registry();
        if (registry != null) {
            remotes.add(new Repository(registry.name(), registry.base().resolve("maven/"), registry.username(),
                    registry.password()));
        }
        deps.putAll(MavenJars.resolve(manifest.dependencies(), remotes, sources.noCentral(), sources.mavenLocal()));
        return deps;
    }

    @Override
    public void launch(Environment environment, List<String> command, Map<String, String> childEnv) {
        String classpath = classpath(environment);
        childEnv.put("CLASSPATH", classpath);
        if (command.get(0).equals("java")) {
            command.set(0, javaExecutable(childEnv));
            boolean hasClasspath = command.stream().anyMatch(a -> a.equals("-cp") || a.equals("-classpath")
                    || a.equals("--class-path") || a.equals("-jar"));
            if (!hasClasspath) {
                command.add(1, "-cp");
                command.add(2, classpath);
            }
        }
    }

    private static String classpath(Environment e) {
        List<String> parts = new ArrayList<>();
        parts.add(e.files().toString());
        // the project's own jars (e.g. files/target/app.jar) come before the vendored ones
        for (Path dir : List.of(e.files(), e.deps())) {
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

    @Override
    public String manifestTemplate() {
        return """
                dependencies: []              # pinned Maven coordinates, e.g. - com.fasterxml.jackson.core:jackson-databind:2.17.2
                # Your compiled code: every jar in the bundle is on the classpath. Build it first, e.g.
                #   javac -d target/classes src/main/java/hello/Main.java && jar cf target/hello.jar -C target/classes .
                include: ["target/*.jar"]
                entrypoints:
                  hello:                      # pkgr run NAME==VERSION hello --who=team
                    command: ["java", "hello.Main"]   # pkgr adds -cp with your jars and the dependencies
                    description: Say hello
                    params:
                      who: {type: string, default: world}
                """;
    }

    @Override
    public Map<String, String> helloFiles() {
        return Map.of("src/main/java/hello/Main.java", """
                package hello;

                public class Main {
                    public static void main(String[] args) {
                        String who = "world";
                        for (String a : args) {
                            if (a.startsWith("--who=")) {
                                who = a.substring("--who=".length());
                            }
                        }
                        System.out.println("hello, " + who);
                    }
                }
                """);
    }
}
