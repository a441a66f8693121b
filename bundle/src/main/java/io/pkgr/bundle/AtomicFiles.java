package io.pkgr.bundle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files that readers see whole or not at all: written beside the target, synced, then renamed into place. */
public final class AtomicFiles {

    /** A writer that streams a file's content. */
    @FunctionalInterface
    public interface Content<T> {
        T writeTo(Path file) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} through a hidden temp file in the same directory with the given
     * permissions (e.g. {@code "rw-r--r--"}, {@code "rw-------"}), fsyncs it and renames it over the target.
     */
    public static <T> T write(Path target, String permissions, Content<T> content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: the directory's ACLs apply
            }
            T result = content.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return result;
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes {@code bytes} atomically (see {@link #write(Path, String, Content)}). */
    public static void write(Path target, String permissions, byte[] bytes) throws IOException {
        write(target, permissions, tmp -> Files.write(tmp, bytes));
    }

    /** Deletes a directory tree, best effort, without following links; nothing happens if it is absent. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // keep deleting what we can
                }
            });
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
