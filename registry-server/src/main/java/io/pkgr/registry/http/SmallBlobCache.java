package io.pkgr.registry.http;

import io.pkgr.bundle.Sha256;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of small blobs, by sha256, in bounded memory. Blobs are content-addressed and never
 * change, so a cached blob can never be stale; bytes are checked against their digest before they
 * are cached, so a damaged file on disk is never pinned in memory. A hit costs one map lookup: no
 * {@code stat}, {@code open}, {@code read}, {@code close}. Past the budget, arbitrary entries make
 * room (a popular blob comes back on its next miss).
 */
final class SmallBlobCache {

    private final ConcurrentHashMap<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    private final int maxBlob;

    SmallBlobCache(long maxBytes, int maxBlob) {
        this.maxBytes = maxBytes;
        this.maxBlob = maxBlob;
    }

    /** The cached bytes of {@code sha256}, or null. The array is shared: never write to it. */
    byte[] get(Sha256 sha256) {
        return blobs.get(sha256.hex());
    }

    /** Caches {@code content} when it is small enough and really has digest {@code sha256}. */
    void put(Sha256 sha256, byte[] content) {
        if (content.length > maxBlob || blobs.containsKey(sha256.hex()) || !Sha256.ofBytes(content).equals(sha256)) {
            return;
        }
        if (blobs.putIfAbsent(sha256.hex(), content) == null && bytes.addAndGet(content.length) > maxBytes) {
            Iterator<byte[]> it = blobs.values().iterator();
            while (bytes.get() > maxBytes && it.hasNext()) {
                byte[] evicted = it.next();
                it.remove();
                bytes.addAndGet(-evicted.length);
            }
        }
    }
}
