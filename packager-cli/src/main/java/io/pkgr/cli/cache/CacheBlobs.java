package io.pkgr.cli.cache;

import io.pkgr.bundle.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/** {@link HostBlobs} kept in the cache: {@code CACHE/blobs/sha256/AB/HEX}, written only once verified. */
public final class CacheBlobs implements HostBlobs {

    private final Path root;

    public CacheBlobs(CacheLayout layout) {
        this.root = layout.blobsDir();
    }

    @Override
    public Optional<Path> find(Sha256 digest, long size) {
        Path file = path(digest);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() && a.size() == size ? Optional.of(file) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Path target(Sha256 digest) {
        Path file = path(digest);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void discard(Sha256 digest) {
        try {
            Files.deleteIfExists(path(digest));
        } catch (IOException ignored) {
            // the next fetch replaces it
        }
    }

    private Path path(Sha256 digest) {
        String hex = digest.hex();
        return root.resolve(hex.substring(0, 2)).resolve(hex);
    }
}
