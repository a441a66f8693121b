package io.pkgr.cli.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.JsonFields;
import io.pkgr.cli.Progress;
import io.pkgr.cli.cache.CacheBlobs;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.runtime.Environment;
import io.pkgr.cli.runtime.Preparation;
import io.pkgr.cli.runtime.RuntimeSupport;
import io.pkgr.cli.runtime.Runtimes;
import io.pkgr.cli.runtime.python.StoreBlobs;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Content-addressed environments: one directory per bundle digest, runtime and platform, built
 * under a file lock and published by a ready marker written last. A reader that finds the marker
 * (with the right digest and an unchanged file fingerprint) uses the environment without taking
 * the lock; anything else is rebuilt from the cached bundle, re-verified, or downloaded again.
 * What differs per runtime (a venv, …) is the {@link RuntimeSupport}'s.
 */
public final class Environments {

    /** Data binding only where an environment is built or described (-v); a warm run does without it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    /** How a ready marker's fingerprint made by CRC-32C starts (an older marker's is a bare SHA-256). */
    private static final String CRC32C_PREFIX = "crc32c:";
    /** FileChannel locks are per process; threads of one process (tests) queue here first. */
    private static final ConcurrentHashMap<String, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final CliContext context;
    private final CacheLayout layout;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean verbose;
    private final Preparation preparation;

    /** {@code python} is --python, or null. */
    Environments(CliContext context, PrintWriter err, boolean quiet, boolean verbose, String python) {
        this.context = context;
        this.layout = context.cache();
        this.err = err;
        this.quiet = quiet;
        this.verbose = verbose;
        this.preparation = preparation(python);
    }

    /** Where a bundle's environment lives in the cache, and how its runtime prepares it. */
    private record Slot(Path dir, ResolvedBundle bundle, String key, RuntimeSupport runtime) {
        Environment environment() {
            return new Environment(dir, bundle.manifest());
        }
    }

    /** What the cache holds for a slot. */
    sealed interface State {
        /** Ready for this bundle: the marker names its digest and the files are as installed. */
        record Ready() implements State {
        }

        /** Nothing there yet. */
        record NotInstalled() implements State {
        }

        /** Something there that must not be used; the reason is shown when it is rebuilt. */
        record Damaged(String reason) implements State {
        }
    }

    /** Finds or builds the environment of {@code bundle}. */
    public Environment prepare(ResolvedBundle bundle) {
        RuntimeSupport runtime = Runtimes.of(bundle.manifest().runtime());
        String key = bundle.sha256().hex() + "-" + runtime.environmentVariant(preparation) + "-" + CacheLayout.platform();
        Slot slot = new Slot(layout.envDir(key), bundle, key, runtime);
        if (state(slot) instanceof State.Ready) {
            return use(slot);
        }
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(layout.envsDir());
            try (FileChannel ch = FileChannel.open(layout.envLock(key), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = FileOps.lock(ch)) {
                return useOrBuild(slot);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot use the cache " + layout.root() + ": " + e.getMessage());
        } finally {
            local.unlock();
        }
    }

    /** Under the lock: another process may have built it meanwhile. */
    private Environment useOrBuild(Slot slot) throws IOException {
        State state = state(slot);
        if (state instanceof State.Ready) {
            return use(slot);
        }
        if (state instanceof State.Damaged damaged) {
            err.println("pkgr: the cached environment of " + slot.bundle() + " is damaged (" + damaged.reason()
                    + "); rebuilding it");
            err.flush();
        }
        build(slot);
        return slot.environment();
    }

    /** The interpreter asked for: --python, else PKGR_PYTHON, else none (the runtime chooses). */
    private Preparation preparation(String python) {
        String interpreter = python != null ? python : context.settings().get("PKGR_PYTHON");
        String from = python != null ? "--python" : "PKGR_PYTHON";
        return new Preparation(context.settings().childEnv(), layout.interpreterProbes(), interpreter, from, err, verbose, layout,
                ConcurrentHashMap.newKeySet());
    }

    private State state(Slot slot) {
        Path marker = slot.dir().resolve(CacheLayout.READY_MARKER);
        if (!Files.isDirectory(slot.dir())) {
            return new State.NotInstalled();
        }
        if (!Files.isRegularFile(marker)) {
            return new State.Damaged("no ready marker");
        }
        JsonFields m;
        byte[] markerBytes;
        try {
            // the streaming parser only: a warm run reads this marker and nothing else of the environment
            markerBytes = Files.readAllBytes(marker);
            m = JsonFields.parse(markerBytes);
        } catch (IOException e) {
            return new State.Damaged("unreadable ready marker");
        }
        if (!slot.bundle().sha256().hex().equals(m.text("sha256"))) {
            return new State.Damaged("ready marker names another digest");
        }
        String recorded = m.text("fingerprint");
        boolean earlier = recorded != null && !recorded.startsWith(CRC32C_PREFIX);
        String fingerprint = fingerprint(slot, !earlier);
        if (fingerprint == null) {
            return new State.Damaged("files are missing or changed size");
        }
        if (!fingerprint.equals(recorded)) {
            return new State.Damaged("files changed since it was installed");
        }
        if (earlier) {
            upgradeFingerprint(slot, marker, markerBytes, recorded);
        }
        return new State.Ready();
    }

    /**
     * A marker an earlier pkgr wrote, just checked in its SHA-256 form, gets the CRC-32C form, so
     * that later warm runs skip the security providers too. Only that value changes; a read-only
     * cache keeps the earlier form (still checked, a little slower).
     */
    private static void upgradeFingerprint(Slot slot, Path marker, byte[] markerBytes, String recorded) {
        String now = fingerprint(slot, true);
        String text = new String(markerBytes, StandardCharsets.UTF_8);
        String quoted = "\"" + recorded + "\"";
        if (now == null || text.indexOf(quoted) != text.lastIndexOf(quoted)) {
            return;
        }
        try {
            FileOps.writeAtomically(marker, text.replace(quoted, "\"" + now + "\"").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a read-only cache (a baked image): the earlier form stays, and is checked as such
        }
    }

    private Environment use(Slot slot) {
        touch(slot.dir());
        sayReady(slot);
        return slot.environment();
    }

    /** With -v: which environment (and how its runtime prepared it) a warm run uses. */
    private void sayReady(Slot slot) {
        if (!verbose) {
            return;
        }
        String detail = "";
        try {
            detail = slot.runtime().readyDetail(Json.MAPPER.readTree(slot.dir().resolve(CacheLayout.READY_MARKER).toFile()));
        } catch (IOException e) {
            // the marker was checked a moment ago; say less rather than fail
        }
        err.println("pkgr: using the installed environment " + slot.dir() + detail);
        err.flush();
    }

    private void build(Slot slot) throws IOException {
        long start = System.nanoTime();
        FileOps.deleteTree(slot.dir());
        extract(slot.bundle(), slot.dir());
        try {
            Map<String, String> facts = slot.runtime().prepare(slot.environment(), preparation);
            publish(slot, facts);
        } catch (RuntimeException | IOException e) {
            FileOps.deleteTree(slot.dir());
            throw e;
        }
        logInstall(slot, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Extracts the cached bundle (downloading it if absent), once more from the registry if the
     * cached copy is damaged; a bundle not cached as a file whose registry stores it as layers is
     * installed from its layers instead ({@link LayeredFetch}).
     */
    private void extract(ResolvedBundle b, Path dir) throws IOException {
        preparation.unhashed().clear();
        Path bundleFile = layout.bundleFile(b.sha256());
        if (!Files.isRegularFile(bundleFile) && b.repository() != null) {
            Optional<VersionRecord.Layers> layers = layers(b);
            if (layers.isPresent()) {
                installLayered(b, layers.get(), dir);
                return;
            }
        }
        for (int attempt = 0; ; attempt++) {
            boolean cached = Files.isRegularFile(bundleFile);
            if (!cached) {
                download(b, bundleFile);
            }
            try {
                // a fresh download was hashed on its way in; a cached file is hashed again
                BundleInfo info = cached ? BundleReader.extract(bundleFile, dir)
                        : BundleReader.extract(bundleFile, dir, b.sha256());
                if (!info.sha256().equals(b.sha256())) {
                    throw new BundleException(BundleException.Code.DIGEST_MISMATCH, "the file has " + info.sha256());
                }
                return;
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
    }

    /** The layers of {@code b}: from the cache (an offline rebuild), else from the registry, then cached. */
    private Optional<VersionRecord.Layers> layers(ResolvedBundle b) throws IOException {
        Path cached = layout.layersFile(b.sha256());
        if (Files.isRegularFile(cached)) {
            try {
                return Optional.of(cachedLayers(Files.readAllBytes(cached)));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(cached);
            }
        }
        Optional<VersionRecord.Layers> layers = context.registry(b.repository()).layers(b.name(), b.version());
        if (layers.isPresent()) {
            Files.createDirectories(cached.getParent());
            FileOps.writeAtomically(cached, ApiJson.bytes(layers.get()));
        }
        return layers;
    }

    /**
     * A cached layers file (as {@code ApiJson} wrote it), read by the streaming parser: data binding
     * of this two-field record loads some 200 classes, 0.1 s or more of installing a version whose
     * record is cached. What does not read as one is refused (and fetched again).
     */
    static VersionRecord.Layers cachedLayers(byte[] json) throws IOException {
        JsonFields layers = JsonFields.parse(json);
        byte[] files = layers.object("files");
        if (files == null) {
            if (layers.textOrNull("files") != null) {
                throw new IOException("files is not an object");
            }
            return new VersionRecord.Layers(null, layers.bool("bundle_stored", false));
        }
        JsonFields blob = JsonFields.parse(files);
        String sha256 = blob.textOrNull("sha256");
        long size = blob.number("size", -1);
        if (sha256 == null || size < 0) {
            throw new IOException("the files layer has no sha256 or size");
        }
        return new VersionRecord.Layers(new VersionRecord.Blob(Sha256.parse(sha256), size), layers.bool("bundle_stored", false));
    }

    private void installLayered(ResolvedBundle b, VersionRecord.Layers layers, Path dir) throws IOException {
        LayeredFetch.Stats stats;
        try (Progress progress = Progress.start(err, "pulling " + b, b.size(), quiet)) {
            stats = new LayeredFetch(() -> context.registry(b.repository()), new StoreBlobs(new CacheBlobs(layout), layout), message -> {
                err.println("pkgr: " + message);
                err.flush();
            }).install(b, layers, dir, progress);
        }
        preparation.unhashed().addAll(stats.unhashed());
        if (!quiet) {
            err.println("pkgr: " + b + ": " + stats.fetched() + " blob(s) fetched (" + Progress.human(stats.received())
                    + " received), " + stats.held() + " held on this host (" + Progress.human(stats.heldBytes()) + ")"
                    + String.format(Locale.ROOT, "; fetched in %.2f s, laid out in %.2f s", stats.fetchNanos() / 1e9,
                    stats.layoutNanos() / 1e9));
            err.flush();
        }
    }

    /** Writes the ready marker, last: whoever sees it sees a complete environment. */
    private void publish(Slot slot, Map<String, String> facts) throws IOException {
        ResolvedBundle b = slot.bundle();
        ObjectNode marker = Json.MAPPER.createObjectNode()
                .put("sha256", b.sha256().hex())
                .put("name", b.name().value())
                .put("version", b.version().toString())
                .put("runtime", b.manifest().runtime().id())
                .put("platform", CacheLayout.platform())
                .put("installed", Instant.now().toString())
                .put("fingerprint", fingerprint(slot, true));
        if (b.repository() != null) {
            marker.put("repository", b.repository());
        }
        facts.forEach(marker::put);
        FileOps.writeAtomically(slot.dir().resolve(CacheLayout.READY_MARKER), Json.MAPPER.writeValueAsBytes(marker));
    }

    private void logInstall(Slot slot, double seconds) throws IOException {
        ResolvedBundle b = slot.bundle();
        String line = Instant.now() + " installed " + b.name() + " " + b.version() + " " + b.sha256() + " "
                + slot.key() + String.format(Locale.ROOT, " %.2fs", seconds) + " pid=" + ProcessHandle.current().pid() + "\n";
        Files.writeString(layout.installLog(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        if (!quiet) {
            err.println(String.format(Locale.ROOT, "pkgr: installed %s (%s, %s) in %.1f s", b, b.manifest().runtime().id(),
                    b.sha256().shortHex(), seconds));
            err.flush();
        }
    }

    private void download(ResolvedBundle b, Path target) {
        if (b.repository() == null) {
            throw new CliException(ExitCode.NOT_FOUND, b + " is not in the cache and no repository is known for it");
        }
        try (Progress progress = Progress.start(err, "pulling " + b, b.size(), quiet)) {
            context.registry(b.repository()).download(b.name(), b.version(), b.sha256(), target, progress);
        }
    }

    /**
     * Size and modification time of every payload file (and what the runtime prepared): a cheap check
     * on each run that catches edited, truncated or deleted files. Null when a file is missing.
     *
     * <p>Summed up by CRC-32C ({@code crc32c:HEX}): it guards against accidents, not attackers (whoever
     * can change the files can rewrite the marker too), and SHA-256 would start the security
     * providers, tens of milliseconds of a warm run. A marker that an earlier pkgr wrote holds the
     * SHA-256 form, which is still checked ({@code crc32c} false) and then replaced, so its
     * environment is not rebuilt.
     */
    private static String fingerprint(Slot slot, boolean crc32c) {
        Checksum crc = crc32c ? new CRC32C() : null;
        MessageDigest md = crc32c ? null : Sha256.newDigest();
        Manifest m = slot.bundle().manifest();
        List<String> paths = new ArrayList<>();
        paths.add(Manifest.JSON_FILE);
        paths.addAll(m.files().keySet());
        paths.addAll(slot.runtime().preparedFiles());
        if (!slot.runtime().intact(slot.environment())) {
            return null;
        }
        for (String path : paths) {
            try {
                BasicFileAttributes a = Files.readAttributes(slot.dir().resolve(path), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return null;
                }
                long expected = m.files().containsKey(path) ? m.files().get(path).size() : a.size();
                if (a.size() != expected) {
                    return null;
                }
                byte[] line = (path + "\t" + a.size() + "\t" + a.lastModifiedTime().toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                if (crc != null) {
                    crc.update(line, 0, line.length);
                } else {
                    md.update(line);
                }
            } catch (IOException e) {
                return null;
            }
        }
        if (crc == null) {
            return Sha256.of(md.digest()).hex();
        }
        String hex = Long.toHexString(crc.getValue());
        return CRC32C_PREFIX + "0".repeat(8 - hex.length()) + hex;
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
