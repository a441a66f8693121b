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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The host's blobs as one store: {@code CACHE/blobs/} first, then the wheel store, whose entries
 * keep the wheel they were unpacked from ({@code wheel.whl}, keyed by the same sha256). A wheel the
 * store holds is therefore neither downloaded nor kept a second time under {@code CACHE/blobs/};
 * one fetched for a new environment lands in {@code CACHE/blobs/} and the store takes it by a hard
 * link when it unpacks it.
 *
 * <p>A store wheel is not hashed again when it is held: it was verified by its sha256 before its
 * entry was built, and it counts as held only while its size, mtime and inode are those the entry
 * recorded and the entry's ready marker names the entry's build (a few {@code stat}s and one small
 * read per wheel, instead of hashing 73 MB for the ML bundle). A file of {@code CACHE/blobs/} has
 * no such record and is hashed by the caller.
 */
public final class StoreBlobs implements HostBlobs {

    private final HostBlobs blobs;
    private final CacheLayout layout;
    private final WheelStore store;
    /** Wheels found held, by digest: an install asks for each twice (to fetch, then to lay out). */
    private final Map<Sha256, Path> found = new ConcurrentHashMap<>();

    public StoreBlobs(HostBlobs blobs, CacheLayout layout) {
        this.blobs = blobs;
        this.layout = layout;
        this.store = new WheelStore(layout);
    }

    /** The store's wheel first (no hashing needed), then {@code CACHE/blobs/}. */
    @Override
    public Optional<Path> find(Sha256 digest, long size) {
        Optional<Path> wheel = storeWheel(digest, size);
        return wheel.isPresent() ? wheel : blobs.find(digest, size);
    }

    @Override
    public boolean verifiedOnEntry(Path file) {
        return file.startsWith(layout.wheelsDir()) && file.getFileName().toString().equals(StoreEntry.WHEEL);
    }

    /**
     * The {@code wheel.whl} of a published entry of {@code digest} (any interpreter tag) whose size,
     * mtime and inode are those its {@code link.json} recorded.
     */
    private Optional<Path> storeWheel(Sha256 digest, long size) {
        Path known = found.get(digest);
        if (known != null) {
            return Optional.of(known);
        }
        for (Path dir : entries(digest)) {
            if (!Files.isRegularFile(dir.resolve(CacheLayout.READY_MARKER))) {
                continue;
            }
            StoreLink entry = StoreLink.read(dir);
            if (entry == null || entry.wheelSize() != size || !WheelStore.readyId(dir).equals(entry.id())) {
                continue;
            }
            Path wheel = dir.resolve(StoreEntry.WHEEL);
            try {
                BasicFileAttributes a = Files.readAttributes(wheel, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.size() == size && a.lastModifiedTime().toMillis() == entry.wheelMtime()
                        && entry.wheelInode() >= 0 && StoreEntry.inode(wheel) == entry.wheelInode()) {
                    found.put(digest, wheel);
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
        found.remove(digest);
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
