package io.pkgr.registry.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmallBlobCacheTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void cachesBytesThatMatchTheirDigest() {
        SmallBlobCache cache = new SmallBlobCache(1024, 64);
        Sha256 digest = Sha256.ofBytes(bytes("hello"));
        cache.put(digest, bytes("hello"));
        assertArrayEquals(bytes("hello"), cache.get(digest));
    }

    @Test
    void neverCachesBytesUnderAnotherDigest() {
        SmallBlobCache cache = new SmallBlobCache(1024, 64);
        Sha256 digest = Sha256.ofBytes(bytes("hello"));
        cache.put(digest, bytes("damaged"));
        assertNull(cache.get(digest));
    }

    @Test
    void skipsBlobsOverTheSizeLimit() {
        SmallBlobCache cache = new SmallBlobCache(1024, 4);
        Sha256 digest = Sha256.ofBytes(bytes("hello"));
        cache.put(digest, bytes("hello"));
        assertNull(cache.get(digest));
    }

    @Test
    void staysWithinItsBudget() {
        SmallBlobCache cache = new SmallBlobCache(100, 64);
        int cached = 0;
        for (int i = 0; i < 50; i++) {
            byte[] content = bytes(String.format("blob number %08d", i)); // 20 bytes each
            cache.put(Sha256.ofBytes(content), content);
        }
        for (int i = 0; i < 50; i++) {
            byte[] content = bytes(String.format("blob number %08d", i));
            if (cache.get(Sha256.ofBytes(content)) != null) {
                cached++;
            }
        }
        assertTrue(cached > 0 && cached <= 5, "cached " + cached + " blobs of 20 bytes in 100 bytes");
    }
}
