package io.pkgr.storage.s3;

import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The memory uploads stream through: at most {@code count} part buffers of {@code partSize} bytes
 * exist at once, reused, so memory stays bounded whatever the uploads' sizes and number. An upload
 * that needs a buffer while all are taken waits for one (its client is then slowed by TCP).
 */
final class PartBuffers {

    private final int partSize;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

    PartBuffers(int partSize, int count) {
        this.partSize = partSize;
        this.permits = new Semaphore(count, true);
    }

    /** A quarter of the heap, in buffers of {@code partSize}, and at least two. */
    static PartBuffers forHeap(int partSize) {
        long budget = Runtime.getRuntime().maxMemory() / 4;
        return new PartBuffers(partSize, (int) Math.max(2, Math.min(1024, budget / partSize)));
    }

    int partSize() {
        return partSize;
    }

    /** A buffer of {@link #partSize()} bytes, waiting while all are in use; give it back with {@link #release}. */
    byte[] take() throws InterruptedIOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload buffer");
        }
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[partSize];
    }

    void release(byte[] buffer) {
        free.offer(buffer);
        permits.release();
    }
}
