package io.pkgr.cli.runtime.python;

import io.pkgr.bundle.Sha256;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.HostBlobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's blobs as one store: {@code CACHE/blobs/} first, then the wheel store, whose entries
 * keep the wheel they were unpacked from ({@code wheel.whl}, keyed by the same sha256). A wheel the
 * store holds is therefore neither downloaded nor kept a second time under {@code CACHE/blobs/};
 * one fetched for a new environment lands in {@code CACHE/blobs/} and the store takes it by a hard
 * link when it unpacks it. The caller still hashes every blob it is given before it links it.
 */
public final class StoreBlobs implements HostBlobs {

    private final HostBlobs blobs;
    private final CacheLayout layout;
    private final WheelStore store;

    public StoreBlobs(HostBlobs blobs, CacheLayout layout) {
        this.blobs = blobs;
        this.layout = layout;
        this.store = new WheelStore(layout);
    }

    @Override
    public Optional<Path> find(Sha256 digest, long size) {
        Optional<Path> held = blobs.find(digest, size);
        return held.isPresent() ? held : storeWheel(digest, size);
    }

    /**
     * The {@code wheel.whl} of a published entry of {@code digest} (any interpreter tag) whose size
     * and mtime are those its {@code entry.json} recorded.
     */
    private Optional<Path> storeWheel(Sha256 digest, long size) {
        for (Path dir : entries(digest)) {
            if (!Files.isRegularFile(dir.resolve(CacheLayout.READY_MARKER))) {
                continue;
            }
            StoreEntry entry = StoreEntry.read(dir);
            StoreEntry.File recorded = entry == null ? null : entry.files().get(StoreEntry.WHEEL);
            if (recorded == null || recorded.size() != size || !WheelStore.readyId(dir).equals(entry.id())) {
                continue;
            }
            Path wheel = dir.resolve(StoreEntry.WHEEL);
            try {
                BasicFileAttributes a = Files.readAttributes(wheel, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.size() == size && a.lastModifiedTime().toMillis() == recorded.mtime()) {
                    return Optional.of(wheel);
                }
            } catch (IOException e) {
                // missing: not held here
            }
        }
        return Optional.empty();
    }

    private List<Path> entries(Sha256 digest) {
        Path root = layout.wheelsDir();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String prefix = digest.hex() + "-";
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public Path target(Sha256 digest) {
        return blobs.target(digest);
    }

    /**
     * Forgets a damaged blob: the {@code CACHE/blobs/} file, and every store entry of the digest
     * (under its lock), so that the wheel is fetched again and the entry rebuilt from it.
     */
    @Override
    public void discard(Sha256 digest) {
        blobs.discard(digest);
        for (Path dir : entries(digest)) {
            try {
                store.removeDamaged(dir.getFileName().toString());
            } catch (IOException ignored) {
                // the next lease finds it changed or rebuilds it
            }
        }
    }
}
