package io.pkgr.auth;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A configuration file parsed into an immutable snapshot and re-parsed when it changes.
 *
 * <p>Readers call {@link #current()}: at most once per interval one of them stats the file
 * (the others carry on with the snapshot they have, without waiting); only when mtime, size
 * or inode moved is the file read, and only when its SHA-256 differs from the applied one is
 * it parsed. A file that cannot be read or that the parser rejects keeps the last good
 * snapshot and is logged once per change.
 */
final class WatchedFile<T> {

    /** Turns file bytes into a snapshot; {@code previous} is null on the first load. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] content, T previous) throws RejectedFileException;
    }

    /** The file is readable but its content must not replace the last good snapshot. */
    static final class RejectedFileException extends Exception {
        RejectedFileException(String message) {
            super(message);
        }
    }

    static final long MAX_FILE_BYTES = 16L << 20;
    /** Within this distance from now an mtime is not trusted (coarse clocks, same-size rewrites). */
    private static final long RACY_MTIME_MILLIS = 2_000;
    private static final Logger LOG = System.getLogger(WatchedFile.class.getName());

    private final Path path;
    private final String what;
    private final Parser<T> parser;
    private final long intervalNanos;
    private final LongSupplier nanoTicker;
    private final BiConsumer<T, T> onChange;
    private final AtomicLong nextCheck;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile T current;

    // guarded by refreshing
    private Stat seen;
    private byte[] appliedSha256;
    private boolean unreadableLogged;

    WatchedFile(Path path, String what, Parser<T> parser, long intervalNanos, LongSupplier nanoTicker,
                BiConsumer<T, T> onChange) throws IOException {
        this.path = Objects.requireNonNull(path);
        this.what = what;
        this.parser = parser;
        this.intervalNanos = intervalNanos;
        this.nanoTicker = nanoTicker;
        this.onChange = onChange;
        Stat stat = stat();
        byte[] content = read();
        try {
            this.current = parser.parse(content, null);
        } catch (RejectedFileException e) {
            throw new IOException(what + " " + path + ": " + e.getMessage(), e);
        }
        this.appliedSha256 = sha256(content);
        this.seen = trusted(stat);
        this.nextCheck = new AtomicLong(nanoTicker.getAsLong() + intervalNanos);
    }

    Path path() {
        return path;
    }

    /** The current snapshot, after a reload check if one is due; never blocks on another reload. */
    T current() {
        long due = nextCheck.get();
        long now = nanoTicker.getAsLong();
        if (now - due >= 0 && nextCheck.compareAndSet(due, now + intervalNanos) && refreshing.tryLock()) {
            try {
                refresh();
            } finally {
                refreshing.unlock();
            }
        }
        return current;
    }

    /** Checks the file now (tests, or a scheduled task); returns whether a new snapshot was applied. */
    boolean checkNow() {
        refreshing.lock();
        try {
            return refresh();
        } finally {
            refreshing.unlock();
        }
    }

    private boolean refresh() {
        Stat stat;
        byte[] content;
        try {
            stat = stat();
            if (stat.equals(seen)) {
                return false;
            }
            content = read();
        } catch (IOException e) {
            if (!unreadableLogged) { // once per outage, not once per second
                LOG.log(Level.WARNING, "{0} {1} cannot be read, keeping the last good version: {2}",
                        what, path, describe(e));
                unreadableLogged = true;
            }
            seen = null;
            return false;
        }
        unreadableLogged = false;
        byte[] sha = sha256(content);
        if (MessageDigest.isEqual(sha, appliedSha256)) {
            seen = trusted(stat);
            return false;
        }
        T previous = current;
        T next;
        try {
            next = parser.parse(content, previous);
        } catch (RejectedFileException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0} {1} not reloaded, keeping the last good version: {2}",
                    what, path, e.getMessage());
            // Remember the stat so a broken file is not re-read and re-logged every second;
            // a writer finishing its job changes size or mtime, which brings us back here.
            seen = trusted(stat);
            return false;
        }
        current = next;
        appliedSha256 = sha;
        seen = trusted(stat);
        LOG.log(Level.INFO, "{0} {1} reloaded", what, path);
        if (onChange != null) {
            onChange.accept(previous, next);
        }
        return true;
    }

    private Stat trusted(Stat stat) {
        // An mtime close to now may be followed by another write in the same clock tick with the
        // same size (git's "racily clean" problem); such a stat is not remembered, so the next
        // check reads the content again (and the hash avoids a needless re-parse).
        return Math.abs(System.currentTimeMillis() - stat.mtimeMillis) < RACY_MTIME_MILLIS ? null : stat;
    }

    private Stat stat() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return new Stat(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    }

    private byte[] read() throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] content = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (content.length > MAX_FILE_BYTES) {
                throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            return content;
        }
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "file does not exist" : e.toString();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }

    private record Stat(long mtimeMillis, long size, Object fileKey) {
    }
}
