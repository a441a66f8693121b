package io.pkgr.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Progress;
import io.pkgr.cli.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Content-addressed environments: one directory per bundle digest, runtime and platform, built
 * under a file lock and published by a ready marker written last. A reader that finds the marker
 * (with the right digest and an unchanged file fingerprint) uses the environment without taking
 * the lock; anything else is rebuilt from the cached bundle, re-verified, or downloaded again.
 */
final class Environments {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** FileChannel locks are per process; threads of one process (tests) queue here first. */
    private static final ConcurrentHashMap<String, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final CacheLayout layout;
    private final Settings settings;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean verbose;

    Environments(CacheLayout layout, Settings settings, PrintWriter err, boolean quiet, boolean verbose) {
        this.layout = layout;
        this.settings = settings;
        this.err = err;
        this.quiet = quiet;
        this.verbose = verbose;
    }

    /** Where a bundle lives once installed. */
    record Environment(Path dir, ResolvedBundle bundle, String key) {
        Path files() {
            return dir.resolve("files");
        }

        Path venv() {
            return dir.resolve("venv");
        }

        Runtime runtime() {
            return bundle.manifest().runtime();
        }
    }

    /** Finds or builds the environment of {@code bundle}; {@code python} is --python (or null). */
    Environment prepare(ResolvedBundle bundle, String python, Resolver resolver) {
        String explicitPython = python != null ? python : settings.get("PKGR_PYTHON");
        String explicitFrom = python != null ? "--python" : "PKGR_PYTHON";
        String key = key(bundle, explicitPython);
        Path dir = layout.envDir(key);
        Environment env = new Environment(dir, bundle, key);
        if (problem(env) == null) {
            touch(dir);
            sayReady(env);
            return env;
        }
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(layout.envsDir());
            try (FileChannel ch = FileChannel.open(layout.envLock(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                String problem = problem(env);
                if (problem == null) {
                    touch(dir);
                    sayReady(env);
                    return env;
                }
                if (!problem.equals(NOT_INSTALLED)) {
                    err.println("pkgr: the cached environment of " + bundle + " is damaged (" + problem + "); rebuilding it");
                    err.flush();
                }
                build(env, explicitPython, explicitFrom, resolver);
                return env;
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot use the cache " + layout.root() + ": " + e.getMessage());
        } finally {
            local.unlock();
        }
    }

    static final String NOT_INSTALLED = "not installed";

    /** Null when the environment is ready for this bundle, else why not. */
    String problem(Environment env) {
        Path marker = env.dir().resolve(CacheLayout.READY_MARKER);
        if (!Files.isDirectory(env.dir())) {
            return NOT_INSTALLED;
        }
        if (!Files.isRegularFile(marker)) {
            return "no ready marker";
        }
        JsonNode m;
        try {
            m = JSON.readTree(marker.toFile());
        } catch (IOException e) {
            return "unreadable ready marker";
        }
        if (!env.bundle().sha256().hex().equals(m.path("sha256").asText())) {
            return "ready marker names another digest";
        }
        String fingerprint = fingerprint(env);
        if (fingerprint == null) {
            return "files are missing or changed size";
        }
        if (!fingerprint.equals(m.path("fingerprint").asText())) {
            return "files changed since it was installed";
        }
        return null;
    }

    /** With -v: which environment (and, for python, which interpreter built it) a warm run uses. */
    private void sayReady(Environment env) {
        if (!verbose) {
            return;
        }
        String python = "";
        try {
            JsonNode marker = JSON.readTree(env.dir().resolve(CacheLayout.READY_MARKER).toFile());
            python = marker.hasNonNull("python") ? " (python " + marker.get("python").asText()
                    + (marker.hasNonNull("python_version") ? " " + marker.get("python_version").asText() : "") + ")" : "";
        } catch (IOException e) {
            // the marker was checked a moment ago; say less rather than fail
        }
        err.println("pkgr: using the installed environment " + env.dir() + python);
        err.flush();
    }

    private void build(Environment env, String explicitPython, String explicitFrom, Resolver resolver) throws IOException {
        long start = System.nanoTime();
        ResolvedBundle b = env.bundle();
        Path dir = env.dir();
        FileOps.deleteTree(dir);
        Path bundleFile = layout.bundleFile(b.sha256());
        for (int attempt = 0; ; attempt++) {
            boolean cached = Files.isRegularFile(bundleFile);
            if (!cached) {
                download(b, bundleFile, resolver);
            }
            try {
                // a fresh download was hashed on its way in; a cached file is hashed again
                BundleInfo info = cached ? BundleReader.extract(bundleFile, dir)
                        : BundleReader.extract(bundleFile, dir, b.sha256());
                if (!info.sha256().equals(b.sha256())) {
                    throw new BundleException(BundleException.Code.DIGEST_MISMATCH, "the file has " + info.sha256());
                }
                break;
            } catch (BundleException e) {
                FileOps.deleteTree(dir);
                Files.deleteIfExists(bundleFile);
                if (cached && attempt == 0) {
                    err.println("pkgr: the cached bundle " + b + " is damaged (" + e.getMessage() + "); downloading it again");
                    err.flush();
                    continue;
                }
                throw new CliException(ExitCode.INTEGRITY, b + " (" + b.sha256() + ") failed verification: "
                        + e.getMessage() + "; nothing was installed");
            }
        }
        Python.Choice interpreter = null;
        try {
            StringBuilder log = new StringBuilder();
            if (b.manifest().runtime() == Runtime.PYTHON) {
                Python python = new Python(settings.childEnv(), new InterpreterProbes(layout.interpreterProbes(), settings.childEnv()));
                interpreter = python.choose(explicitPython, explicitFrom, b.manifest().python());
                if (verbose) {
                    err.println("pkgr: python: " + interpreter.path() + " (Python " + interpreter.version() + "; "
                            + interpreter.how() + ")");
                    err.flush();
                }
                python.createVenv(interpreter.path(), env.venv(), log);
                Path venvPython = env.venv().resolve("bin").resolve("python");
                List<Path> wheels = wheels(dir.resolve("deps"));
                if (!wheels.isEmpty()) {
                    python.installWheels(venvPython, wheels, interpreter.path(), log);
                }
                if (Files.isDirectory(env.files())) {
                    python.compile(venvPython, env.files(), log);
                }
            }
            String fingerprint = fingerprint(env);
            ObjectNode marker = JSON.createObjectNode()
                    .put("sha256", b.sha256().hex())
                    .put("name", b.name().value())
                    .put("version", b.version().toString())
                    .put("runtime", b.manifest().runtime().id())
                    .put("platform", CacheLayout.platform())
                    .put("installed", Instant.now().toString())
                    .put("fingerprint", fingerprint);
            if (b.repository() != null) {
                marker.put("repository", b.repository());
            }
            if (interpreter != null) {
                marker.put("python", interpreter.path()).put("python_version", interpreter.version());
            }
            // Written last: whoever sees it sees a complete environment.
            FileOps.writeAtomically(dir.resolve(CacheLayout.READY_MARKER), JSON.writeValueAsBytes(marker));
        } catch (RuntimeException | IOException e) {
            FileOps.deleteTree(dir);
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String line = Instant.now() + " installed " + b.name() + " " + b.version() + " " + b.sha256() + " "
                + env.key() + String.format(Locale.ROOT, " %.2fs", seconds) + " pid=" + ProcessHandle.current().pid() + "\n";
        Files.writeString(layout.installLog(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        if (!quiet) {
            err.println(String.format(Locale.ROOT, "pkgr: installed %s (%s, %s) in %.1f s", b, b.manifest().runtime().id(),
                    b.sha256().shortHex(), seconds));
            err.flush();
        }
    }

    private void download(ResolvedBundle b, Path target, Resolver resolver) {
        if (b.repository() == null) {
            throw new CliException(ExitCode.NOT_FOUND, b + " is not in the cache and no repository is known for it");
        }
        try (Progress progress = Progress.start(err, "pulling " + b, b.size(), quiet)) {
            resolver.client(b.repository()).download(b.name(), b.version(), b.sha256(), target, progress);
        }
    }

    /** The environment key: digest, runtime (an explicitly chosen python gets its own) and platform. */
    static String key(ResolvedBundle b, String explicitPython) {
        String runtime = b.manifest().runtime().id();
        if (b.manifest().runtime() == Runtime.PYTHON && explicitPython != null) {
            runtime += "-" + Sha256.ofBytes(explicitPython.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 8);
        }
        return b.sha256().hex() + "-" + runtime + "-" + CacheLayout.platform();
    }

    /**
     * Size and modification time of every payload file (and the venv's config): a cheap check on
     * each run that catches edited, truncated or deleted files. Null when a file is missing.
     */
    static String fingerprint(Environment env) {
        MessageDigest md = Sha256.newDigest();
        Manifest m = env.bundle().manifest();
        List<String> paths = new java.util.ArrayList<>();
        paths.add(Manifest.JSON_FILE);
        paths.addAll(m.files().keySet());
        if (m.runtime() == Runtime.PYTHON) {
            paths.add("venv/pyvenv.cfg");
            if (!Files.isExecutable(env.venv().resolve("bin").resolve("python"))) {
                return null;
            }
        }
        for (String path : paths) {
            try {
                BasicFileAttributes a = Files.readAttributes(env.dir().resolve(path), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return null;
                }
                long expected = m.files().containsKey(path) ? m.files().get(path).size() : a.size();
                if (a.size() != expected) {
                    return null;
                }
                md.update((path + "\t" + a.size() + "\t" + a.lastModifiedTime().toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                return null;
            }
        }
        return Sha256.of(md.digest()).hex();
    }

    private static List<Path> wheels(Path deps) throws IOException {
        if (!Files.isDirectory(deps)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(deps)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".whl")).sorted().toList();
        }
    }

    /** The marker's mtime says when the environment was last used (for cache gc). */
    private static void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir.resolve(CacheLayout.READY_MARKER), FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // a read-only cache (a baked image) still runs
        }
    }
}
