package io.pkgr.registry.admin;

import io.pkgr.registry.storage.BlobStat;
import java.time.Duration;
import java.util.List;

/**
 * What a garbage collection did (or, dry, would do): the versions retention removed, the blobs
 * scanned and why each stayed, the blobs removed with their bytes, and stale holds cleared.
 */
public record GcReport(boolean dryRun, List<Retention.Removal> versionsRemoved, long blobsScanned, long bytesScanned,
        long blobsReferenced, long blobsYoungOrHeld, long blobsForeign, long blobsRemoved, long bytesFreed,
        long staleHolds, Duration took) {

    /** Collects the counts as the sweep goes. */
    static final class Builder {
        private final boolean dryRun;
        private final List<Retention.Removal> removals;
        private long scanned;
        private long bytesScanned;
        private long referenced;
        private long young;
        private long foreign;
        private long removed;
        private long freed;
        private long staleHolds;

        Builder(boolean dryRun, List<Retention.Removal> removals) {
            this.dryRun = dryRun;
            this.removals = List.copyOf(removals);
        }

        private void scan(BlobStat blob) {
            scanned++;
            bytesScanned += blob.size();
        }

        void referenced(BlobStat blob) {
            scan(blob);
            referenced++;
        }

        void young(BlobStat blob) {
            scan(blob);
            young++;
        }

        void foreign(BlobStat blob) {
            scan(blob);
            foreign++;
        }

        void removed(BlobStat blob) {
            scan(blob);
            removed++;
            freed += blob.size();
        }

        void staleHold() {
            staleHolds++;
        }

        GcReport build(Duration took) {
            return new GcReport(dryRun, removals, scanned, bytesScanned, referenced, young, foreign, removed, freed,
                    staleHolds, took);
        }
    }
}
