package io.pkgr.bundle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files that readers see whole or not at all: written to a hidden temp beside the target, synced,
 * then renamed (replace) or linked (put-if-absent) into place, and the directory synced. The one
 * implementation of write-then-rename: the lockfile, config, htpasswd, the registry's storage, the
 * client's download and bundle extraction all place their files through it.
 */
public final class AtomicFiles {

    /** Every temp this class names ends so; a store sweeps {@code .*.part} files a crash left behind. */
    public static final String TEMP_SUFFIX = ".part";

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
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), TEMP_SUFFIX);
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: the directory's ACLs apply
            }
            T result = content.writeTo(tmp);
            sync(tmp);
            moveInto(tmp, target);
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

    /** Forces a written file's content to disk (before it is moved or linked into place). */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Renames a synced {@code temp} over {@code target} (replacing it) and syncs the directory.
     * Atomic where the file system can rename atomically; elsewhere (some Windows and network
     * file systems) a plain replacing move.
     */
    public static void moveInto(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Renames a finished {@code temp} tree (or file) to {@code target} only if nothing is there:
     * {@link FileAlreadyExistsException} or {@link DirectoryNotEmptyException} otherwise. For
     * directories, where {@link #linkIfAbsent} cannot help.
     */
    public static void renameIfAbsent(Path temp, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Put-if-absent: hard-links a synced {@code temp} to {@code target} and syncs the directory;
     * false, with nothing changed, when {@code target} exists. {@code link(2)} refuses an existing
     * name, so this is atomic across threads and processes without a lock. The temp stays (the
     * caller deletes it). Throws {@link UnsupportedOperationException} on file systems without
     * hard links.
     */
    public static boolean linkIfAbsent(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        syncDirectory(target.toAbsolutePath().getParent());
        return true;
    }

    /** Makes a rename or link itself durable; best effort, as not every platform can open a directory. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. Windows: the rename is as durable as the platform makes it
        }
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
