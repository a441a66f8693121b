package io.pkgr.cli.cache;

import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Atomic writes, tree removal and sizes for the cache (the writes go through {@link AtomicFiles}). */
public final class FileOps {

    private FileOps() {
    }

    /** Writes beside the target, fsyncs and renames into place: readers see all or nothing. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        AtomicFiles.write(target, "rw-r--r--", content);
    }

    /** Deletes a tree without following links (a venv links to its interpreter). */
    public static void deleteTree(Path root) {
        AtomicFiles.deleteTree(root);
    }

    /**
     * Bytes of the files under a tree that no other path shares (link count 1): what removing the
     * tree alone would free; files hardlinked from the wheel store are counted with the store.
     */
    public static long ownSize(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    Object links = Files.getAttribute(p, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    return links instanceof Integer n && n > 1 ? 0 : Files.size(p);
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Bytes under a tree (links not followed). */
    public static long size(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Locks the whole file of {@code channel}, waiting for another process to release it, by polling
     * {@code tryLock} rather than blocking in {@code lock}. POSIX record locks belong to the process,
     * so the kernel's deadlock check takes two processes whose threads wait on each other's files for
     * a cycle and fails the last waiter with EDEADLK ("Resource deadlock avoided"), even when no
     * thread waits while it holds a lock: two cold runs of versions that share blobs, each fetching
     * on four threads, did. A poll is never refused that way.
     */
    public static FileLock lock(FileChannel channel) throws IOException {
        long pause = 1;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a lock another process holds");
            }
            pause = Math.min(pause * 2, 20);
        }
    }
}
