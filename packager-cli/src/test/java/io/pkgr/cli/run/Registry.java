package io.pkgr.cli.run;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.BundleSources;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.Main;
import io.pkgr.cli.Settings;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.registry.RegistryServer;
import io.pkgr.registry.ServerConfig;
import io.pkgr.testing.ProcessOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/** A real registry on port 0 plus a pkgr configured for it, run in-process or as a real process. */
final class Registry implements AutoCloseable {

    /** apt's interpreter: it has pip 23 and venv (a PATH python3 may be a pyenv shim). */
    static final String SYSTEM_PYTHON = "/usr/bin/python3";

    final Path root;
    final RegistryServer server;
    final String password;
    final Map<String, String> env = new HashMap<>();

    Registry(Path root) throws IOException {
        this.root = root;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        server = new RegistryServer(ServerConfig.defaults().withDataDir(root.resolve("data")).withPort(0)
                .withHost("127.0.0.1"), new PrintStream(console, true, StandardCharsets.UTF_8)).start();
        Matcher m = Pattern.compile("its password is in (\\S+)").matcher(console.toString(StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("no first-start password file in: " + console);
        }
        password = Files.readString(Path.of(m.group(1))).strip();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", root.toString());
        env.put("PKGR_CONFIG_DIR", root.resolve("config").toString());
        env.put("PKGR_CACHE_DIR", root.resolve("cache").toString());
        env.put("PKGR_REPOSITORIES_LOCAL_URL", "http://127.0.0.1:" + server.port());
        env.put("PKGR_HTTP_BASIC_LOCAL_USERNAME", "admin");
        env.put("PKGR_HTTP_BASIC_LOCAL_PASSWORD", password);
        env.put("PKGR_PYTHON", SYSTEM_PYTHON);
        env.put("PKGR_NO_PROGRESS", "1");
    }

    Settings settings() {
        return new Settings(Map.copyOf(env), root, root);
    }

    Path cache() {
        return root.resolve("cache");
    }

    /** What a pkgr invocation printed and returned. */
    record Result(int exitCode, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** pkgr in this JVM (the entrypoint's own output goes to the test's stdout). */
    Result pkgr(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(settings(), args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** pkgr as a real process: a JVM of its own, with this registry's environment. */
    ProcessBuilder pkgrProcess(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    Result pkgrProcessRun(String... args) throws IOException, InterruptedException {
        ProcessOutcome done = ProcessOutcome.of(pkgrProcess(args).start(), "pkgr");
        return new Result(done.exitCode(), done.out(), done.err());
    }

    /** Builds the project with {@code pkgr build} and publishes the bundle; returns its sha256. */
    Sha256 buildAndPublish(Path project, String... buildArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("build", "-C", project.toString(), "--json"));
        args.addAll(List.of(buildArgs));
        Result built = pkgr(args.toArray(String[]::new));
        if (built.exitCode() != 0) {
            throw new IllegalStateException("build failed: " + built.err() + built.out());
        }
        Path file;
        try (Stream<Path> s = Files.list(project.resolve("dist"))) {
            file = s.filter(f -> f.toString().endsWith(".pkgr")).max(java.util.Comparator.comparing(Path::toString))
                    .orElseThrow();
        }
        String json = built.out().trim();
        String name = json.replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
        String version = json.replaceAll(".*\"version\":\"([^\"]+)\".*", "$1");
        Sha256 sha = Sha256.ofFile(project.resolve("dist").resolve(name + "-" + version + ".pkgr"));
        client().publish(BundleName.parse(name), Version.parse(version),
                project.resolve("dist").resolve(name + "-" + version + ".pkgr"), sha, null);
        return sha;
    }

    /**
     * Writes the project's bundle with {@code wheels} vendored as they are (what {@code pkgr build}
     * gets from pip, without running pip) and publishes it; returns its sha256.
     */
    Sha256 publishWithWheels(Path project, List<Path> wheels) throws IOException {
        Manifest manifest = Manifest.readYaml(project.resolve(Manifest.YAML_FILE));
        SortedMap<String, Path> payload = new TreeMap<>(BundleSources.select(project, manifest));
        wheels.forEach(w -> payload.put("deps/" + w.getFileName(), w));
        Path file = project.resolve("dist").resolve(manifest.bundleFileName());
        Files.createDirectories(file.getParent());
        Sha256 sha = BundleWriter.write(manifest, payload, file).sha256();
        client().publish(manifest.name(), manifest.version(), file, sha, null);
        return sha;
    }

    RegistryClient client() {
        return new RegistryClient(new Repository("local", server.baseUri(), "admin", password));
    }

    /** A project directory with pkgr.yaml and files (path → content; paths under bin/ become executable). */
    Path project(String dirName, String yaml, Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(root.resolve("projects").resolve(dirName));
        Files.writeString(dir.resolve("pkgr.yaml"), yaml);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
            if (f.getKey().startsWith("bin/")) {
                p.toFile().setExecutable(true);
            }
        }
        return dir;
    }

    /** An exec bundle whose entrypoint "task" is the given shell script, with typed params. */
    Sha256 publishExec(String name, String version, String script) throws IOException {
        String yaml = """
                name: %s
                version: %s
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  task:
                    command: ["bin/task.sh"]
                    params:
                      day: {type: date, required: true}
                      epochs: {type: int, default: 10}
                """.formatted(name, version);
        return buildAndPublish(project(name + "-" + version, yaml, Map.of("bin/task.sh", "#!/bin/sh\n" + script)));
    }

    long installs() throws IOException {
        Path log = cache().resolve("install.log");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    List<Path> cachedBundles() throws IOException {
        Path dir = cache().resolve("bundles/sha256");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pkgr")).toList();
        }
    }

    List<Path> environments() throws IOException {
        Path dir = cache().resolve("envs");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    /** Whether a process runs (a zombie left for a non-reaping PID 1 does not count). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
