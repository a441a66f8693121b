package io.pkgr.cli.cache;

import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
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
}
