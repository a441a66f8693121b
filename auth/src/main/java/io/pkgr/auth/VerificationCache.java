package io.pkgr.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers successful verifications so bcrypt runs once per TTL per credential, not per request.
 *
 * <p>Entries are keyed by HMAC-SHA256(per-process random key, user NUL password): neither the
 * password nor an offline-crackable hash of it is ever held. An entry also records the stored
 * hash it was verified against and only counts while the file still holds that exact hash, so a
 * changed or removed line stops matching even before the reload purge runs. Failures are never
 * cached.
 */
final class VerificationCache {

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTicker;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    VerificationCache(long ttlNanos, int maxEntries, LongSupplier nanoTicker) {
        if (maxEntries < 0 || ttlNanos < 0) {
            throw new IllegalArgumentException("TTL and size must not be negative");
        }
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoTicker = nanoTicker;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The lookup key of these credentials. */
    Key keyOf(String user, byte[] password) {
        Mac mac = macs.get();
        mac.update(user.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(password);
        return new Key(mac.doFinal());
    }

    /** Whether these credentials were verified against {@code current} within the TTL; counts a hit or a miss. */
    boolean isVerified(Key key, String user, PasswordHash current) {
        Entry e = entries.get(key);
        boolean hit = e != null
                && current != null
                && nanoTicker.getAsLong() - e.expiresAt < 0
                && e.user.equals(user)
                && (e.hash == current || PasswordHash.constantTimeEquals(e.hash.encoded(), current.encoded()));
        (hit ? hits : misses).increment();
        if (e != null && !hit) {
            entries.remove(key, e);
        }
        return hit;
    }

    /** Records a successful verification. */
    void put(Key key, String user, PasswordHash verifiedAgainst) {
        if (maxEntries == 0 || ttlNanos == 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evict();
        }
        entries.put(key, new Entry(user, verifiedAgainst, nanoTicker.getAsLong() + ttlNanos));
    }

    /** Drops every entry of these users (their line changed or went away). */
    void invalidate(Set<String> users) {
        if (!users.isEmpty()) {
            entries.values().removeIf(e -> users.contains(e.user));
        }
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    int size() {
        return entries.size();
    }

    /** Expired entries go first; if that is not enough, arbitrary ones until a tenth is free. */
    private synchronized void evict() {
        long now = nanoTicker.getAsLong();
        entries.values().removeIf(e -> now - e.expiresAt >= 0);
        int target = maxEntries - Math.max(1, maxEntries / 10);
        Iterator<Key> it = entries.keySet().iterator();
        while (entries.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JRE", e);
        }
    }

    /** An HMAC value; map lookups by it reveal nothing, since its bytes are unpredictable. */
    static final class Key {
        private final byte[] mac;
        private final int hash;

        Key(byte[] mac) {
            this.mac = mac;
            this.hash = Arrays.hashCode(mac);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(mac, k.mac);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Entry(String user, PasswordHash hash, long expiresAt) {
    }
}
