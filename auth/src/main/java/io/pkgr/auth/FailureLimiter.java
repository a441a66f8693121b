package io.pkgr.auth;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per key (a client address, or a user name) and blocks a key for a while
 * after too many failures in a window.
 *
 * <p>Memory is bounded: past {@code maxKeys}, idle and unblocked keys are evicted first, so a
 * flood of distinct addresses cannot push out the keys that are blocked.
 */
final class FailureLimiter {

    private final int maxFailures;
    private final long windowNanos;
    private final long blockNanos;
    private final int maxKeys;
    private final LongSupplier nanoTicker;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    FailureLimiter(int maxFailures, long windowNanos, long blockNanos, int maxKeys, LongSupplier nanoTicker) {
        if (maxFailures < 1 || windowNanos <= 0 || blockNanos <= 0 || maxKeys < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.blockNanos = blockNanos;
        this.maxKeys = maxKeys;
        this.nanoTicker = nanoTicker;
    }

    /** Nanoseconds until {@code key} may try again, or 0 when it is not blocked. */
    long blockedForNanos(String key) {
        Counter c = counters.get(key);
        return c == null ? 0 : c.blockedFor(nanoTicker.getAsLong());
    }

    /** Counts a failure; returns whether the key is blocked from now on. */
    boolean recordFailure(String key) {
        Counter c = counters.get(key);
        if (c == null) {
            if (counters.size() >= maxKeys) {
                evict();
            }
            c = counters.computeIfAbsent(key, k -> new Counter());
        }
        return c.fail(nanoTicker.getAsLong());
    }

    /** Forgets the failures of a key that is not blocked; a blocked key stays blocked until its time is up. */
    void recordSuccess(String key) {
        Counter c = counters.get(key);
        if (c != null && c.blockedFor(nanoTicker.getAsLong()) == 0) {
            counters.remove(key, c);
        }
    }

    int size() {
        return counters.size();
    }

    private synchronized void evict() {
        if (counters.size() < maxKeys) {
            return; // another thread made room
        }
        long now = nanoTicker.getAsLong();
        int target = maxKeys - Math.max(1, maxKeys / 10);
        // 1. keys with nothing left to remember; 2. unblocked keys with failures; 3. anything.
        counters.values().removeIf(c -> c.isIdle(now));
        removeUntil(target, c -> c.blockedFor(now) == 0);
        removeUntil(target, c -> true);
    }

    private void removeUntil(int target, java.util.function.Predicate<Counter> removable) {
        Iterator<Map.Entry<String, Counter>> it = counters.entrySet().iterator();
        while (counters.size() > target && it.hasNext()) {
            if (removable.test(it.next().getValue())) {
                it.remove();
            }
        }
    }

    private final class Counter {
        private int failures;
        private long windowStart;
        private long blockedUntil;
        private boolean blocked;

        synchronized long blockedFor(long now) {
            if (!blocked) {
                return 0;
            }
            long left = blockedUntil - now;
            if (left <= 0) {
                blocked = false;
                return 0;
            }
            return left;
        }

        synchronized boolean fail(long now) {
            if (blockedFor(now) > 0) {
                return true;
            }
            if (failures == 0 || now - windowStart >= windowNanos) {
                failures = 0;
                windowStart = now;
            }
            failures++;
            if (failures >= maxFailures) {
                blocked = true;
                blockedUntil = now + blockNanos;
                failures = 0;
            }
            return blocked;
        }

        synchronized boolean isIdle(long now) {
            return blockedFor(now) == 0 && (failures == 0 || now - windowStart >= windowNanos);
        }
    }
}
