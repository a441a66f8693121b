package io.pkgr.registry.http;

import io.pkgr.api.ErrorCode;
import io.pkgr.registry.ops.RegistryMetrics;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The {@code --max-concurrent-uploads} cap, shared by every upload route (native publish and PyPI
 * upload), with the in-flight gauge kept next to it.
 */
public final class UploadSlots {

    /** One upload in flight; closing it frees the slot. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final Semaphore slots;
    private final int max;
    private final RegistryMetrics metrics;

    public UploadSlots(int max, RegistryMetrics metrics) {
        this.slots = new Semaphore(max);
        this.max = max;
        this.metrics = metrics;
    }

    /**
     * Takes a slot or refuses at once.
     *
     * @throws ApiException {@code UPLOADS_BUSY} (503, {@code Retry-After: 1}) when all are taken
     */
    public Slot acquire() {
        if (!slots.tryAcquire()) {
            throw new ApiException(ErrorCode.UPLOADS_BUSY, Map.of("Retry-After", "1"), max);
        }
        metrics.uploadStarted();
        return () -> {
            metrics.uploadFinished();
            slots.release();
        };
    }
}
