package io.pkgr.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Renderings kept per snapshot, and a bounded cache that stays within its size. */
class RenderCacheTest {

    @Test
    void theSameSnapshotIsRenderedOnce() {
        RenderCache<String> cache = new RenderCache<>("");
        AtomicInteger renders = new AtomicInteger();
        Object snapshot = new Object();

        Rendered first = cache.render("a", snapshot, s -> bytes(renders.incrementAndGet()));
        Rendered second = cache.render("a", snapshot, s -> bytes(renders.incrementAndGet()));

        assertSame(first, second);
        assertEquals(1, renders.get());
    }

    @Test
    void aBoundedCacheNeverHoldsMoreThanItsSize() {
        RenderCache<Integer> cache = new RenderCache<>("", 3);

        for (int key = 0; key < 100; key++) {
            cache.render(key, new Object(), s -> bytes(1));
        }

        assertEquals(3, cache.size());
    }

    @Test
    void aNewSnapshotOfAHeldKeyPushesNothingOut() {
        RenderCache<Integer> cache = new RenderCache<>("", 2);
        cache.render(1, new Object(), s -> bytes(1));
        Object two = new Object();
        cache.render(2, two, s -> bytes(2));

        cache.render(1, new Object(), s -> bytes(3));
        AtomicInteger renders = new AtomicInteger();
        cache.render(2, two, s -> bytes(renders.incrementAndGet()));

        assertEquals(2, cache.size());
        assertEquals(0, renders.get(), "key 2 is still held");
    }

    @Test
    void aCacheHoldsAtLeastOneEntry() {
        assertThrows(IllegalArgumentException.class, () -> new RenderCache<String>("", 0));
    }

    private static byte[] bytes(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.UTF_8);
    }
}
