package io.pkgr.cli.runtime.python;

import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.FileOps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The per-host store of unpacked wheels: one read-only entry per wheel sha256 and interpreter cache
 * tag ({@code cpython-311}), unpacked and byte-compiled once, built under a file lock and published
 * by a ready marker (holding the build's id) written last. Environments link to entries and list
 * them in {@code .pkgr-wheels}; {@code pkgr cache gc} removes entries no environment lists.
 */
public final class WheelStore {

    /** FileChannel locks are per process; threads of one process (tests) queue here first. */
    private static final ConcurrentHashMap<String, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    /**
     * Compiles every {@code .py} under the given directories in a pool of processes, as compileall
     * does but in one pool for all of them; timestamp pycs (what pip writes): links and copies keep
     * the source's mtime, so Python checks them with the stat it does anyway. Prints the failures
     * (files that are not valid Python 3, which pip skips too). Directories named {@code tests}
     * (a package's own test suite: half the sources of pandas, numpy, scipy and scikit-learn, which
     * no task imports) are left out unless {@code PKGR_COMPILE_TESTS=1}; a run that imports one
     * compiles it in memory, as Python does for any source without a {@code .pyc}.
     */
    private static final String COMPILE = String.join("\n",
            "import os, sys, py_compile",
            "from concurrent.futures import ProcessPoolExecutor",
            "def one(f):",
            "    try:",
            "        py_compile.compile(f, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)",
            "        return None",
            "    except Exception as e:",
            "        return f",
            "def walk(d, skip):",
            "    for r, ds, ns in os.walk(d):",
            "        ds[:] = [x for x in ds if x not in skip]",
            "        yield from (os.path.join(r, n) for n in ns if n.endswith('.py'))",
            "if __name__ == '__main__':",
            "    skip = set() if os.environ.get('PKGR_COMPILE_TESTS') == '1' else {'tests'}",
            "    files = [f for d in sys.argv[1:] for f in walk(d, skip)]",
            "    files.sort(key=os.path.getsize, reverse=True)",
            "    with ProcessPoolExecutor() as pool:",
            "        bad = [f for f in pool.map(one, files, chunksize=8) if f]",
            "    print(len(files), len(bad))");

    private final CacheLayout layout;

    public WheelStore(CacheLayout layout) {
        this.layout = layout;
    }

    /**
     * A wheel of a bundle: its sha256 (from the verified bundle manifest) and the extracted file;
     * {@code hashed} when this install checked the file's bytes against the sha256 (a download, an
     * extracted bundle), false when it was taken from the store on the store's word (its recorded
     * size, mtime and inode): such a file is hashed before an entry is built from it.
     */
    record Wheel(Sha256 sha256, Path file, boolean hashed) {
    }

    /** A wheel of the bundle and the store entry it links. */
    record Held(Wheel wheel, StoreLink entry) {
    }

    /**
     * Entries held under their locks while an environment links to them; {@code built} were made now.
     * Lists and maps keyed by the entry's key: the records' generated {@code hashCode} would spin
     * method-handle classes on first use (tens of ms of an install) and hash every directory of an entry.
     */
    final class Lease implements AutoCloseable {
        /** Every wheel with its entry, in the order asked. */
        final List<Held> held = new ArrayList<>();
        /** The entries, each once (two wheel files of one digest share one), by key. */
        final Map<String, StoreLink> entries = new TreeMap<>();
        int built;
        private final List<Runnable> unlocks = new ArrayList<>();

        private void hold(List<Wheel> wheels, StoreLink entry) {
            wheels.forEach(w -> held.add(new Held(w, entry)));
            entries.put(entry.key(), entry);
        }

        @Override
        public void close() {
            for (int i = unlocks.size() - 1; i >= 0; i--) {
                unlocks.get(i).run();
            }
        }
    }

    /**
     * The store entries of {@code wheels} for {@code interpreter}, checked by {@link StoreLink#change}
     * (or file by file against {@code entry.json} with {@code PKGR_STORE_CHECK=files}) and (re)built
     * where missing or changed; held locked until the lease closes.
     */
    Lease lease(List<Wheel> wheels, Python.Choice interpreter, Map<String, String> env, PrintWriter err, StringBuilder log)
            throws IOException {
        Files.createDirectories(layout.wheelsDir());
        Map<String, List<Wheel>> byKey = new TreeMap<>();
        for (Wheel w : wheels) {
            byKey.computeIfAbsent(key(w.sha256(), interpreter.cacheTag()), k -> new ArrayList<>()).add(w);
        }
        Lease lease = new Lease();
        try {
            for (String key : byKey.keySet()) {
                lease.unlocks.add(lock(key));
            }
            // the per-file check of each entry is a few thousand stats: entries are checked side by side
            boolean everyFile = "files".equals(env.get("PKGR_STORE_CHECK"));
            Map<String, StoreLink> published = new ConcurrentHashMap<>();
            byKey.keySet().parallelStream().forEach(key -> {
                StoreLink entry = published(key, everyFile, err);
                if (entry != null) {
                    published.put(key, entry);
                }
            });
            List<Build> builds = new ArrayList<>();
            for (Map.Entry<String, List<Wheel>> e : byKey.entrySet()) {
                StoreLink entry = published.get(e.getKey());
                if (entry == null) {
                    builds.add(new Build(e.getKey(), e.getValue().get(0)));
                } else {
                    lease.hold(e.getValue(), entry);
                }
            }
            for (StoreLink entry : build(builds, interpreter, env, log)) {
                lease.hold(byKey.get(entry.key()), entry);
            }
            lease.built = builds.size();
            return lease;
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** {@code SHA256HEX-CACHETAG}. */
    static String key(Sha256 sha256, String cacheTag) {
        return sha256.hex() + "-" + cacheTag;
    }

    /**
     * The published, unchanged entry of {@code key}, or null (a changed one is said and removed):
     * the cheap check of its {@code link.json}, and with {@code everyFile} also every file's size
     * and mtime against {@code entry.json}.
     */
    private StoreLink published(String key, boolean everyFile, PrintWriter err) {
        Path dir = layout.wheelEntry(key);
        if (!Files.isRegularFile(dir.resolve(CacheLayout.READY_MARKER))) {
            return null;
        }
        StoreLink entry = StoreLink.read(dir);
        String change;
        if (entry == null) {
            change = "unreadable " + StoreLink.FILE;
        } else {
            change = entry.change();
            if (change == null && everyFile) {
                StoreEntry full = StoreEntry.read(dir);
                change = full == null ? "unreadable " + StoreEntry.MANIFEST : full.firstChange();
            }
        }
        if (change == null && readyId(dir).equals(entry.id())) {
            return entry;
        }
        if (entry == null && Files.isRegularFile(dir.resolve(StoreEntry.MANIFEST))) {
            err.println("pkgr: the wheel store's entry " + key.substring(0, 12) + " was sealed by an older pkgr (no "
                    + StoreLink.FILE + "); rebuilding it");
            err.flush();
            remove(dir);
            return null;
        }
        err.println("pkgr: the wheel store's entry " + key.substring(0, 12) + " ("
                + (entry == null ? "?" : entry.name() + " " + entry.version()) + ") is damaged ("
                + (change == null ? "ready marker names another build" : change) + "); rebuilding it");
        err.flush();
        remove(dir);
        return null;
    }

    /** One entry to make. */
    private record Build(String key, Wheel wheel) {
    }

    /** Unpacks in parallel, compiles all of them in one pool of processes, then seals and publishes each. */
    private List<StoreLink> build(List<Build> builds, Python.Choice interpreter, Map<String, String> env,
                                   StringBuilder log) throws IOException {
        if (builds.isEmpty()) {
            return List.of();
        }
        List<WheelArchive.Unpacked> unpacked = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<WheelArchive.Unpacked>> futures = new ArrayList<>();
            for (Build b : builds) {
                futures.add(pool.submit(() -> unpack(b)));
            }
            for (Future<WheelArchive.Unpacked> f : futures) {
                unpacked.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            builds.forEach(b -> remove(layout.wheelEntry(b.key())));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, "interrupted while unpacking wheels");
        } finally {
            pool.shutdownNow();
        }
        compile(builds.stream().map(b -> layout.wheelEntry(b.key()).resolve("site")).toList(), interpreter.path(), env, log);
        String python = majorMinor(interpreter.version());
        List<StoreLink> entries = new ArrayList<>();
        for (int i = 0; i < builds.size(); i++) {
            entries.add(seal(builds.get(i).key(), unpacked.get(i), python));
        }
        return entries;
    }

    private WheelArchive.Unpacked unpack(Build b) throws IOException {
        if (!b.wheel().hashed()) {
            Sha256 actual = Sha256.ofFile(b.wheel().file());
            if (!actual.equals(b.wheel().sha256())) {
                throw new CliException(ExitCode.INTEGRITY, "the wheel " + b.wheel().file().getFileName() + " held on this host"
                        + " has " + actual + ", not " + b.wheel().sha256() + "; nothing was installed (run again to fetch it)");
            }
        }
        Path dir = layout.wheelEntry(b.key());
        remove(dir);
        Files.createDirectories(dir);
        Path stored = dir.resolve(StoreEntry.WHEEL);
        try {
            Files.createLink(stored, b.wheel().file());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(b.wheel().file(), stored);
        }
        return WheelArchive.unpack(stored, dir);
    }

    /**
     * Makes every file read-only, records sizes and mtimes (and every directory's mtime), writes
     * entry.json, the RECORD lines and link.json, and then the ready marker.
     */
    private StoreLink seal(String key, WheelArchive.Unpacked u, String python) throws IOException {
        Path dir = layout.wheelEntry(key);
        Map<String, StoreEntry.File> files = new TreeMap<>();
        Map<String, Long> directories = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory() && !p.equals(dir)) {
                    // the root is left out: the entry's own files (entry.json, the ready marker) are written there
                    directories.put(dir.relativize(p).toString(), a.lastModifiedTime().toMillis());
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                boolean executable = Files.isExecutable(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "r-xr-xr-x" : "r--r--r--"));
                String rel = dir.relativize(p).toString();
                files.put(rel, new StoreEntry.File(a.size(), a.lastModifiedTime().toMillis(), executable,
                        u.recorded().getOrDefault(rel, "")));
            }
        }
        StoreEntry entry = new StoreEntry(dir, key, UUID.randomUUID().toString(), u.name(), u.version(), u.distInfo(),
                python, files, u.consoleScripts(), u.guiScripts(), StoreEntry.inode(dir.resolve(StoreEntry.WHEEL)));
        entry.write();
        StoreEntry.File wheel = files.get(StoreEntry.WHEEL);
        StoreLink link = entry.link(directories, wheel.size(), wheel.mtime());
        Files.writeString(dir.resolve(StoreLink.RECORD_LINES), entry.recordLines(), StandardCharsets.UTF_8);
        link.write();
        FileOps.writeAtomically(dir.resolve(CacheLayout.READY_MARKER), entry.id().getBytes(StandardCharsets.UTF_8));
        return link;
    }

    private static void compile(List<Path> dirs, String interpreter, Map<String, String> env, StringBuilder log) {
        List<String> cmd = new ArrayList<>(List.of(interpreter, "-c", COMPILE));
        dirs.forEach(d -> cmd.add(d.toString()));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().remove("PYTHONPATH");
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            log.append("$ ").append(interpreter).append(" -c COMPILE ").append(dirs.size()).append(" wheel(s)\n").append(out);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new CliException(ExitCode.FAILURE, interpreter + " could not byte-compile the wheels:\n" + out.strip());
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot run " + interpreter + " to byte-compile the wheels: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, "interrupted while byte-compiling the wheels");
        }
    }

    /** Takes the entry's lock (waiting), returning what releases it. */
    private Runnable lock(String key) throws IOException {
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            FileChannel ch = FileChannel.open(layout.wheelLock(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = FileOps.lock(ch);
            return () -> {
                try {
                    lock.release();
                    ch.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** Removes an entry whose wheel did not match its sha256, waiting for its lock (the next install rebuilds it). */
    void removeDamaged(String key) throws IOException {
        Runnable unlock = lock(key);
        try {
            remove(layout.wheelEntry(key));
        } finally {
            unlock.run();
        }
    }

    /** Unpublishes (ready marker first, so no one uses a half-deleted entry) and deletes. */
    private static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(CacheLayout.READY_MARKER));
        } catch (IOException ignored) {
            // deleteTree tries again
        }
        FileOps.deleteTree(dir);
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts[0] + "." + parts[1];
    }

    /** The id in an entry's ready marker, or "" when there is none. */
    static String readyId(Path dir) {
        try {
            return Files.readString(dir.resolve(CacheLayout.READY_MARKER), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    // ---- what pkgr cache list and gc know of the store ----

    /** Keys of the entries in the store (published or not). */
    public List<String> keys() throws IOException {
        if (!Files.isDirectory(layout.wheelsDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(layout.wheelsDir())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        }
    }

    /** An entry's name, version and bytes, from its manifest ({@code ?} and the bytes on disk when unreadable). */
    public record Summary(String key, String name, String version, long bytes, boolean ready) {
    }

    public Summary summary(String key) {
        Path dir = layout.wheelEntry(key);
        StoreEntry entry = StoreEntry.read(dir);
        boolean ready = Files.isRegularFile(dir.resolve(CacheLayout.READY_MARKER));
        return entry == null ? new Summary(key, "?", "?", FileOps.size(dir), false)
                : new Summary(key, entry.name(), entry.version(), entry.bytes(), ready);
    }

    /** The store keys an environment links to (its {@code .pkgr-wheels}); empty for other runtimes. */
    public static Set<String> references(Path envDir) {
        Set<String> keys = new HashSet<>();
        try {
            for (String line : Files.readAllLines(CacheLayout.envWheels(envDir), StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ", 2);
                if (parts.length == 2) {
                    keys.add(Path.of(parts[1]).getFileName().toString());
                }
            }
        } catch (IOException e) {
            // no list: a runtime without wheels, or an environment that never finished
        }
        return keys;
    }

    /**
     * Removes the entry unless a builder or linker holds its lock or {@code referenced} (asked again
     * under the lock, so an environment that linked it meanwhile keeps it) names it.
     */
    public boolean removeUnlessInUse(String key, Supplier<Set<String>> referenced) throws IOException {
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        if (!local.tryLock()) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(layout.wheelLock(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                return false;
            }
            try {
                if (referenced.get().contains(key)) {
                    return false;
                }
                remove(layout.wheelEntry(key));
            } finally {
                lock.release();
            }
        } finally {
            local.unlock();
        }
        // The lock file stays: a process waiting on it must lock the file the next builder locks.
        return true;
    }
}
