package io.pkgr.registry.storage;

import io.pkgr.bundle.Sha256;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Holds on blobs that a publish is about to reference: the guard that lets garbage collection run
 * while the registry publishes. A publish that may end up using a blob that is already stored
 * (identical bytes published before, perhaps by a version since deleted, so unreferenced and old)
 * first writes a hold ({@code holds/HEX/ID}), then commits or checks the blob, then inserts its
 * record, then releases the hold (unless a collection is running, see {@link #close}). Garbage
 * collection never deletes a blob with a hold younger than its grace period, and looks for holds again
 * after it moved each batch aside (see docs/housekeeping.md for the whole argument). A hold left by a
 * crash, or kept while a collection ran, is removed by the next collection after the grace period.
 */
public final class BlobHolds implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BlobHolds.class.getName());

    private final BlobStore store;
    private final String id;
    private final List<RepoPath> held = new ArrayList<>();

    /** Holds of one publish (a random id, so that concurrent publishes of the same blob keep their own). */
    public BlobHolds(BlobStore store) {
        this(store, UUID.randomUUID().toString());
    }

    /** Holds under a known id, for a hold released by a later request (a layered publish's blob uploads). */
    public BlobHolds(BlobStore store, String id) {
        this.store = store;
        this.id = id;
    }

    /** Holds {@code digest} until {@link #close()}; written before the blob is committed or found. */
    public synchronized void hold(Sha256 digest) throws IOException {
        RepoPath path = StoragePaths.hold(digest, id);
        if (!held.contains(path)) {
            store.replace(path, new byte[0]);
            held.add(path);
        }
    }

    /**
     * Releases every hold (after the record that references the blobs is stored, or the publish failed),
     * unless a garbage collection is running ({@code collecting/}): it read the records before this
     * publish stored its own and may be about to judge these blobs, so the holds stay until a later
     * collection clears them as stale. A collection that starts after this look reads the record.
     */
    @Override
    public synchronized void close() {
        if (held.isEmpty()) {
            return;
        }
        try {
            if (!store.list(StoragePaths.COLLECTING).isEmpty()) {
                held.clear();
                return;
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot tell whether a garbage collection runs, holds kept: {0}", e.getMessage());
            held.clear();
            return;
        }
        for (RepoPath path : held) {
            try {
                store.delete(path);
            } catch (IOException e) {
                // harmless: a stale hold only keeps a blob one grace period longer
                LOG.log(Level.DEBUG, "could not release the hold {0}: {1}", path, e.getMessage());
            }
        }
        held.clear();
    }

    /** Every digest with a hold written at or after {@code notBefore}: one listing of {@code holds/}. */
    public static java.util.Set<Sha256> heldDigests(BlobStore store, java.time.Instant notBefore) throws IOException {
        java.util.Set<Sha256> held = new java.util.HashSet<>();
        for (BlobStat stat : store.listStats(StoragePaths.HOLDS)) {
            Sha256 digest = StoragePaths.heldDigest(stat.path());
            if (digest != null && !stat.modified().isBefore(notBefore)) {
                held.add(digest);
            }
        }
        return held;
    }
}
