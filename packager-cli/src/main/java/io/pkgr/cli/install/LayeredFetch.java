package io.pkgr.cli.install;

import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.AtomicFiles;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleLayers;
import io.pkgr.bundle.FileEntry;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.cache.HostBlobs;
import io.pkgr.cli.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Installs a bundle from its layers: the blobs this host already holds ({@link HostBlobs}, each
 * checked against its sha256 as it is used, unless the wheel store vouches for it) and the others downloaded in parallel from the
 * registry, each resumed where an earlier attempt stopped and checked before it is kept. The
 * environment directory gets what {@code BundleReader.extract} would have written ({@code files/},
 * {@code deps/}, {@code pkgr.json}), with {@code deps/} files linked to the held blobs rather
 * than copied: no bundle-sized temporary file exists at any point.
 *
 * <p>What is trusted: every payload file is checked against the manifest of the version record,
 * and the record is the registry's statement that this manifest is the bundle with the pinned
 * sha256 (it checked exactly that, by re-assembling the file, when the version was published).
 */
final class LayeredFetch {

    private static final int PARALLEL = 4;

    /**
     * What an install took from where; {@code unhashed}: the files of the environment ({@code deps/…})
     * taken from a store that vouches for them ({@link HostBlobs#verifiedOnEntry}) without hashing them.
     */
    record Stats(int held, long heldBytes, int fetched, long fetchedBytes, long received, long fetchNanos,
            long layoutNanos, Set<String> unhashed) {
    }

    /**
     * Asked for only when a blob must be fetched: a version whose blobs this host holds is laid out
     * without a client (no HTTP client set up, and none left to stop when the command exits).
     */
    private final Supplier<RegistryClient> client;
    private final HostBlobs blobs;
    private final java.util.function.Consumer<String> notice;

    LayeredFetch(Supplier<RegistryClient> client, HostBlobs blobs, java.util.function.Consumer<String> notice) {
        this.client = client;
        this.blobs = blobs;
        this.notice = notice;
    }

    private record Need(Sha256 sha256, long size) {
    }

    Stats install(ResolvedBundle b, VersionRecord.Layers layers, Path dir, LongConsumer progress) throws IOException {
        Manifest manifest = b.manifest();
        Map<Sha256, Need> needs = new LinkedHashMap<>();
        for (BundleLayers.Layer l : BundleLayers.blobLayers(manifest)) {
            needs.putIfAbsent(l.sha256(), new Need(l.sha256(), l.size()));
        }
        if (layers.files() != null) {
            needs.putIfAbsent(layers.files().sha256(), new Need(layers.files().sha256(), layers.files().size()));
        }
        long start = System.nanoTime();
        AtomicLong received = new AtomicLong();
        AtomicLong done = new AtomicLong();
        int[] held = {0};
        long[] heldBytes = {0};
        Set<Sha256> vouched = new HashSet<>();
        List<Need> fetch = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "pkgr-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            // held blobs are re-hashed (a cache file can rot), in parallel with each other, unless the
            // store they are in verified them on entry and vouches for them by what it recorded of them
            List<Future<Boolean>> checks = new ArrayList<>();
            List<Need> candidates = new ArrayList<>();
            for (Need n : needs.values()) {
                Optional<Path> found = blobs.find(n.sha256(), n.size());
                if (found.isPresent() && blobs.verifiedOnEntry(found.get())) {
                    held[0]++;
                    heldBytes[0] += n.size();
                    vouched.add(n.sha256());
                } else if (found.isPresent()) {
                    candidates.add(n);
                    checks.add(pool.submit(() -> intact(n)));
                } else {
                    fetch.add(n);
                }
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (get(checks.get(i))) {
                    held[0]++;
                    heldBytes[0] += candidates.get(i).size();
                } else {
                    notice.accept("the blob " + candidates.get(i).sha256() + " held on this host is damaged; fetching it again");
                    blobs.discard(candidates.get(i).sha256());
                    fetch.add(candidates.get(i));
                }
            }
            List<Future<?>> downloads = new ArrayList<>();
            // largest first: the biggest blob (scipy's 35 MB of the ML bundle's 73) starts at once instead of
            // after the small ones, so the fetch ends when the bytes do, not one big download later
            fetch.sort(java.util.Comparator.comparingLong(Need::size).reversed());
            for (Need n : fetch) {
                downloads.add(pool.submit(() -> {
                    fetchOne(b, n, bytes -> {
                        received.addAndGet(bytes);
                        if (progress != null) {
                            progress.accept(done.addAndGet(bytes));
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> f : downloads) {
                get(f);
            }
        } finally {
            pool.shutdownNow();
        }
        long fetched = System.nanoTime();
        Set<String> unhashed = materialize(manifest, layers, dir, vouched);
        long fetchedBytes = fetch.stream().mapToLong(Need::size).sum();
        return new Stats(held[0], heldBytes[0], fetch.size(), fetchedBytes, received.get(), fetched - start,
                System.nanoTime() - fetched, unhashed);
    }

    /** Downloads one blob into the host's store, under a per-blob file lock (another process may want it too). */
    private void fetchOne(ResolvedBundle b, Need n, LongConsumer progress) throws IOException {
        Path target = blobs.target(n.sha256());
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = FileOps.lock(channel)) {
            if (blobs.find(n.sha256(), n.size()).isPresent() && intact(n)) {
                return;
            }
            client.get().fetchBlob(b.name(), b.version(), n.sha256(), n.size(), target, progress);
        }
    }

    private boolean intact(Need n) throws IOException {
        Path file = blobs.find(n.sha256(), n.size()).orElse(null);
        return file != null && Sha256.ofFile(file).equals(n.sha256());
    }

    /**
     * Builds the environment directory in a hidden sibling and renames it into place when complete;
     * returns the payload paths linked to a blob of {@code vouched} (not hashed by this install).
     */
    private Set<String> materialize(Manifest manifest, VersionRecord.Layers layers, Path dir, Set<Sha256> vouched)
            throws IOException {
        Set<String> unhashed = new HashSet<>();
        Path absolute = dir.toAbsolutePath().normalize();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            for (Map.Entry<String, FileEntry> e : manifest.files().entrySet()) {
                if (!BundleLayers.ownBlob(e.getKey())) {
                    continue;
                }
                FileEntry f = e.getValue();
                Path blob = blobs.find(f.sha256(), f.size()).orElseThrow(() -> new IOException(
                        "the blob " + f.sha256() + " vanished from this host's store"));
                Path file = tmp.resolve(e.getKey()).normalize();
                if (!file.startsWith(tmp)) {
                    throw new BundleException(BundleException.Code.UNSAFE_PATH, e.getKey() + " leaves the target");
                }
                Files.createDirectories(file.getParent());
                link(blob, file, f.executable());
                if (vouched.contains(f.sha256())) {
                    unhashed.add(e.getKey());
                }
            }
            if (layers.files() != null) {
                Path layer = blobs.find(layers.files().sha256(), layers.files().size()).orElseThrow(() -> new IOException(
                        "the files layer " + layers.files().sha256() + " vanished from this host's store"));
                try (InputStream in = Files.newInputStream(layer)) {
                    BundleLayers.extractFilesLayer(manifest, in, tmp);
                }
            }
            Files.write(tmp.resolve(Manifest.JSON_FILE), manifest.toCanonicalJson(), StandardOpenOption.CREATE_NEW);
            AtomicFiles.renameIfAbsent(tmp, absolute);
            return unhashed;
        } catch (BundleException e) {
            throw new CliException(ExitCode.INTEGRITY, manifest.name() + " " + manifest.version() + " failed verification: "
                    + e.getMessage() + "; nothing was installed");
        } finally {
            FileOps.deleteTree(tmp);
        }
    }

    /** A hard link to the held blob where the file system allows (no copy), else a copy; executables are always copies. */
    private static void link(Path blob, Path file, boolean executable) throws IOException {
        if (!executable) {
            try {
                Files.createLink(file, blob);
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or links not supported: copy
            }
        }
        Files.copy(blob, file, StandardCopyOption.COPY_ATTRIBUTES);
        if (executable) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
    }

    private static <T> T get(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }
}
