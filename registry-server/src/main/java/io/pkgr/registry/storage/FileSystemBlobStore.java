package io.pkgr.registry.storage;

import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory. New objects are written to a temp file in the same
 * file system, fsynced, then hard-linked into place: {@code link(2)} fails if the target exists,
 * which makes put-if-absent atomic without a lock, across processes too. Temp names start with a
 * dot, which no {@link RepoPath} can, so they are never listed and are swept at start-up.
 */
final class FileSystemBlobStore implements BlobStore {

    private static final System.Logger LOG = System.getLogger(FileSystemBlobStore.class.getName());
    static final String TEMP_DIR = ".tmp";
    /**
     * Where {@link #deleteAllUnless} sets objects aside: a dot-name, so never a {@link RepoPath}, never
     * listed nor read; its files do not end in the temp suffix, so no temp sweep removes them.
     */
    static final String ASIDE_DIR = ".set-aside";
    /** Joins the segments of a path set aside (a character no segment may hold) and the batch's id. */
    private static final char ASIDE_SEPARATOR = '~';
    private static final String TEMP_SUFFIX = AtomicFiles.TEMP_SUFFIX;
    /** How long after opening the background sweep starts walking the whole store. */
    private static final long SWEEP_DELAY_MILLIS = 10_000;

    private final Path root;
    private final Path tempDir;
    private final Path asideDir;
    private volatile Boolean caseSensitive; // probed on first use

    private FileSystemBlobStore(Path root) {
        this.root = root;
        this.tempDir = root.resolve(TEMP_DIR);
        this.asideDir = root.resolve(ASIDE_DIR);
    }

    /**
     * Opens (creating if needed) the store at {@code root}, puts back what an interrupted garbage
     * collection set aside ({@link #recoverSetAside}), and sweeps temp files a crash left behind:
     * those of staged uploads ({@code .tmp/}) at once, those beside records and blobs (small, and
     * never visible as objects) on a background thread ten seconds later, since that means walking every file of a
     * large catalog. The background sweep removes only temp files last modified before the store
     * was opened, never one a write of this process is filling.
     */
    static FileSystemBlobStore open(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        Files.createDirectories(absolute.resolve(TEMP_DIR));
        FileSystemBlobStore store = new FileSystemBlobStore(absolute);
        long opened = System.currentTimeMillis();
        int recovered = store.recoverSetAside();
        if (recovered > 0) {
            LOG.log(Level.INFO, "put back {0} blob(s) that an interrupted garbage collection had set aside", recovered);
        }
        int swept = store.sweepTempFiles(store.tempDir, Long.MAX_VALUE);
        if (swept > 0) {
            LOG.log(Level.INFO, "removed {0} unfinished upload(s) left by an earlier run", swept);
        }
        Thread sweeper = new Thread(() -> {
            try {
                Thread.sleep(SWEEP_DELAY_MILLIS); // start-up first: the walk would share its cores
                int more = store.sweepTempFiles(absolute, opened);
                if (more > 0) {
                    LOG.log(Level.INFO, "removed {0} unfinished write(s) left by an earlier run", more);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "temp file sweep of {0} stopped: {1}", absolute, e.getMessage());
            }
        }, "pkgr-temp-sweep");
        sweeper.setDaemon(true);
        sweeper.setPriority(Thread.MIN_PRIORITY);
        sweeper.start();
        return store;
    }

    /**
     * Opens an existing store without creating or sweeping anything, for tools that read a data
     * directory a running server may be writing (its temp files are that server's uploads).
     */
    static FileSystemBlobStore openExisting(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new java.nio.file.NoSuchFileException(root + ": no such directory");
        }
        return new FileSystemBlobStore(absolute);
    }

    /** Probed once: a file written with an upper-case name, looked for under its lower-case one. */
    @Override
    public boolean caseSensitive() {
        Boolean known = caseSensitive;
        if (known == null) {
            Path dir = Files.isDirectory(tempDir) ? tempDir : root;
            Path probe = dir.resolve(".CASE-PROBE-" + Long.toHexString(System.nanoTime()) + TEMP_SUFFIX); // swept if left
            try {
                Files.createFile(probe);
                try {
                    known = !Files.exists(dir.resolve(probe.getFileName().toString().toLowerCase(java.util.Locale.ROOT)));
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException e) {
                return true; // unknown for now (a read-only directory): ask again next time
            }
            caseSensitive = known;
            if (!known) {
                LOG.log(Level.WARNING, "{0} is on a file system that does not tell upper from lower case: Maven paths"
                        + " with upper-case letters are refused (docs/maven.md)", root);
            }
        }
        return known;
    }

    @Override
    public Optional<BlobStat> stat(RepoPath path) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(fileOf(path), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobStat(path, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Blob get(RepoPath path, ByteRange range) throws IOException {
        Path file = fileOf(path);
        long size = stat(path).orElseThrow(() -> new BlobNotFoundException(path)).size();
        if (range != null && range.last() >= size) {
            throw new IllegalArgumentException("range " + range + " beyond size " + size);
        }
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                FileChannel channel = openAt(file, path, range);
                InputStream in = Channels.newInputStream(channel);
                return range == null ? in : new BoundedInputStream(in, range.length());
            }

            @Override
            public Optional<FileChannel> openChannel() throws IOException {
                return Optional.of(openAt(file, path, range));
            }
        };
    }

    private static FileChannel openAt(Path file, RepoPath path, ByteRange range) throws IOException {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            if (range != null) {
                channel.position(range.first());
            }
            return channel;
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(path);
        }
    }

    @Override
    public PutResult putIfAbsent(RepoPath path, InputStream content) throws IOException {
        Path target = fileOf(path);
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw StorageFullException.classify(e, root);
        }
        // temp beside the target: same directory, same file system, so the link is atomic
        try (FileStaged staged = write(target.getParent(), content, Long.MAX_VALUE, true)) {
            return staged.commitIfAbsent(path);
        }
    }

    @Override
    public void replace(RepoPath path, byte[] content) throws IOException {
        try {
            AtomicFiles.write(fileOf(path), "rw-r--r--", content);
        } catch (IOException e) {
            throw StorageFullException.classify(e, root);
        }
    }

    @Override
    public List<RepoPath> list(RepoPath prefix) throws IOException {
        return listStats(prefix).stream().map(BlobStat::path).toList();
    }

    @Override
    public List<BlobStat> listStats(RepoPath prefix) throws IOException {
        Path dir = fileOf(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BlobStat> stats = new ArrayList<>();
        // the walk reads each file's attributes once (one stat, not two): size and time come with the
        // listing. Objects, temp files and directories removed while it walks (a record's temp file
        // renamed, a hold released, a blob collected) are skipped, so a listing beside a running
        // server never fails on what the server just moved.
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    try {
                        stats.add(new BlobStat(RepoPath.of(relative), attributes.size(),
                                attributes.lastModifiedTime().toInstant()));
                    } catch (IllegalArgumentException notAnObject) {
                        // temp files are not objects
                    }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e == null || e instanceof NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        stats.sort(java.util.Comparator.comparing(BlobStat::path));
        return stats;
    }

    @Override
    public boolean delete(RepoPath path) throws IOException {
        Path file = fileOf(path);
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            AtomicFiles.syncDirectory(file.getParent());
            pruneEmptyParents(file.getParent());
        }
        return deleted;
    }

    /** Unlinks each file, then syncs each directory that lost one once and prunes the empty ones. */
    @Override
    public void deleteAll(List<RepoPath> paths) throws IOException {
        java.util.Set<Path> directories = new java.util.LinkedHashSet<>();
        for (RepoPath path : paths) {
            Path file = fileOf(path);
            if (Files.deleteIfExists(file)) {
                directories.add(file.getParent());
            }
        }
        for (Path directory : directories) {
            AtomicFiles.syncDirectory(directory);
        }
        for (Path directory : directories) {
            pruneEmptyParents(directory);
        }
    }

    /**
     * Renames each file into {@code .set-aside/} (atomic, same file system; a missing one is skipped,
     * one that cannot be moved, such as a file open on Windows, is kept), asks {@code keep} once, links
     * the kept ones back unless a file is at their path again (same path, same digest, same bytes), then
     * unlinks the set-aside names and syncs each directory once, as {@link #deleteAll} does. If
     * {@code keep} fails, everything goes back.
     */
    @Override
    public List<RepoPath> deleteAllUnless(List<RepoPath> paths, KeepCheck keep) throws IOException {
        String batch = UUID.randomUUID().toString();
        java.util.Map<RepoPath, Path> moved = new java.util.LinkedHashMap<>();
        java.util.Set<RepoPath> kept;
        try {
            Files.createDirectories(asideDir);
            for (RepoPath path : paths) {
                Path file = fileOf(path);
                Path aside = asideDir.resolve(asideName(path, batch));
                try {
                    Files.move(file, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    moved.put(path, aside);
                } catch (NoSuchFileException e) {
                    // gone already
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "{0} not deleted, it cannot be moved aside: {1}", path, e.getMessage());
                }
            }
            kept = moved.isEmpty() ? java.util.Set.of() : keep.keep(List.copyOf(moved.keySet()));
        } catch (IOException | RuntimeException | Error e) {
            for (java.util.Map.Entry<RepoPath, Path> entry : moved.entrySet()) {
                try {
                    putBack(entry.getKey(), entry.getValue());
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again); // still set aside: recoverSetAside puts it back
                }
            }
            throw e;
        }
        List<RepoPath> deleted = new ArrayList<>();
        java.util.Set<Path> directories = new java.util.LinkedHashSet<>();
        for (java.util.Map.Entry<RepoPath, Path> entry : moved.entrySet()) {
            if (kept.contains(entry.getKey())) {
                putBack(entry.getKey(), entry.getValue()); // durable before the name set aside goes
            } else {
                Files.deleteIfExists(entry.getValue());
                deleted.add(entry.getKey());
                directories.add(fileOf(entry.getKey()).getParent());
            }
        }
        if (!moved.isEmpty()) {
            AtomicFiles.syncDirectory(asideDir);
        }
        for (Path directory : directories) {
            AtomicFiles.syncDirectory(directory);
        }
        for (Path directory : directories) {
            pruneEmptyParents(directory);
        }
        return deleted;
    }

    /** Puts back every file left in {@code .set-aside/}: a cheap look when there is none (one directory). */
    @Override
    public int recoverSetAside() throws IOException {
        if (!Files.isDirectory(asideDir)) {
            return 0;
        }
        List<Path> left;
        try (Stream<Path> files = Files.list(asideDir)) {
            left = files.toList();
        }
        int recovered = 0;
        for (Path aside : left) {
            String name = aside.getFileName().toString();
            int end = name.lastIndexOf(ASIDE_SEPARATOR);
            RepoPath path;
            try {
                path = RepoPath.of(name.substring(0, Math.max(end, 0)).replace(ASIDE_SEPARATOR, '/'));
            } catch (IllegalArgumentException notOurs) {
                LOG.log(Level.WARNING, "{0} is not a name this store sets aside: left as it is", aside);
                continue;
            }
            putBack(path, aside);
            recovered++;
        }
        return recovered;
    }

    /** {@code blobs/sha256/ab/HEX} set aside by batch ID: {@code blobs~sha256~ab~HEX~ID}. */
    static String asideName(RepoPath path, String batch) {
        return path.value().replace('/', ASIDE_SEPARATOR) + ASIDE_SEPARATOR + batch;
    }

    /**
     * Links {@code aside} back to {@code path} unless a file is there again (stored again meanwhile: same
     * path, so for a blob the same bytes), then drops the name set aside. A link and not a rename, so a
     * file stored again is never replaced. Idempotent: a name already put back (by another process
     * recovering) is skipped.
     */
    private void putBack(RepoPath path, Path aside) throws IOException {
        Path file = fileOf(path);
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectories(file.getParent());
                AtomicFiles.linkIfAbsent(aside, file);
                break;
            } catch (UnsupportedOperationException noLinks) {
                try {
                    AtomicFiles.renameIfAbsent(aside, file);
                } catch (java.nio.file.FileAlreadyExistsException | NoSuchFileException e) {
                    // there again, or put back by someone else
                }
                break;
            } catch (NoSuchFileException e) {
                if (!Files.exists(aside, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return; // put back by someone else already
                }
                if (attempt == 2) {
                    throw e;
                }
                // the directory was pruned between its creation and the link: again
            }
        }
        Files.deleteIfExists(aside);
    }

    @Override
    public StagedBlob stage(InputStream content, long maxBytes) throws IOException {
        return write(tempDir, content, maxBytes, true);
    }

    @Override
    public StagedBlob stageSha256(InputStream content, long maxBytes) throws IOException {
        return write(tempDir, content, maxBytes, false);
    }

    @Override
    public void checkWritable() throws IOException {
        Path probe = newTempFile(tempDir);
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        } catch (IOException e) {
            throw StorageFullException.classify(e, root);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Override
    public long usableBytes() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    Path root() {
        return root;
    }

    private FileStaged write(Path dir, InputStream content, long maxBytes, boolean allDigests) throws IOException {
        Path temp;
        try {
            temp = newTempFile(dir);
        } catch (IOException e) {
            throw StorageFullException.classify(e, root);
        }
        try {
            Digests digests;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                digests = new DigestingCopy(allDigests).copy(content, out, maxBytes);
                channel.force(true);
            }
            return new FileStaged(temp, digests);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw StorageFullException.classify(e, root);
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private Path fileOf(RepoPath path) {
        Path file = root.resolve(path.value()).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("path escapes the store: " + path);
        }
        return file;
    }

    private static Path newTempFile(Path dir) throws IOException {
        return Files.createFile(dir.resolve("." + UUID.randomUUID() + TEMP_SUFFIX));
    }

    /** Removes the temp files under {@code dir} last modified before {@code before} (epoch ms). */
    private int sweepTempFiles(Path dir, long before) throws IOException {
        int[] swept = {0};
        try (Stream<Path> files = Files.find(dir, Integer.MAX_VALUE, (f, attributes) -> attributes.isRegularFile()
                && f.getFileName().toString().startsWith(".") && f.getFileName().toString().endsWith(TEMP_SUFFIX)
                && attributes.lastModifiedTime().toMillis() < before)) {
            files.forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                    swept[0]++;
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot remove temp file {0}: {1}", f, e.getMessage());
                }
            });
        }
        return swept[0];
    }

    private void pruneEmptyParents(Path dir) {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A synced temp file: re-read in place, hard-linked into place on commit, deleted on close. */
    private final class FileStaged implements StagedBlob {
        private final Path temp;
        private final Digests digests;
        private boolean committed;
        private boolean closed;

        FileStaged(Path temp, Digests digests) {
            this.temp = temp;
            this.digests = digests;
        }

        @Override
        public Digests digests() {
            return digests;
        }

        @Override
        public InputStream open() throws IOException {
            return Channels.newInputStream(openChannel());
        }

        @Override
        public FileChannel openChannel() throws IOException {
            if (closed) {
                throw new IOException("the staged content was discarded");
            }
            return FileChannel.open(temp, StandardOpenOption.READ);
        }

        @Override
        public PutResult commitIfAbsent(RepoPath target) throws IOException {
            if (committed || closed) {
                throw new IllegalStateException(closed ? "the staged content was discarded" : "already committed");
            }
            committed = true;
            Path file = fileOf(target);
            boolean linked;
            try {
                Files.createDirectories(file.getParent());
                linked = AtomicFiles.linkIfAbsent(temp, file);
            } catch (UnsupportedOperationException e) {
                return moveIfAbsent(file, target);
            } catch (IOException e) {
                throw StorageFullException.classify(e, root); // a new directory entry may need a block too
            }
            if (!linked) {
                return new PutResult(false, stat(target).orElseThrow(() -> new BlobNotFoundException(target)));
            }
            return new PutResult(true, stat(target).orElseThrow());
        }

        private PutResult moveIfAbsent(Path file, RepoPath target) throws IOException {
            // no hard links here: check-then-move under a lock (single process only)
            synchronized (FileSystemBlobStore.this) {
                Optional<BlobStat> existing = stat(target);
                if (existing.isPresent()) {
                    return new PutResult(false, existing.get());
                }
                AtomicFiles.renameIfAbsent(temp, file);
            }
            return new PutResult(true, stat(target).orElseThrow());
        }

        @Override
        public void close() throws IOException {
            closed = true;
            // after a link the object has its own name; this drops only the temp one
            Files.deleteIfExists(temp);
        }
    }

    /** Limits a stream to a range's length. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
