package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.Sha256;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentPublishTest {

    @TempDir
    Path tmp;

    @Test
    void twentyParallelPublishesOfOneVersionCreateItExactlyOnce() throws Exception {
        // given two different bundles for the same version, and a server that takes all 20 uploads at once
        byte[] first = TestBundles.bundle(tmp, "team-race", "1.0.0", "A".repeat(200_000));
        byte[] second = TestBundles.bundle(tmp, "team-race", "1.0.0", "B".repeat(200_000));
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withMaxConcurrentUploads(32))) {
            // when 20 clients publish at the same time, half with each
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                HttpRequest request = registry.request("/api/v1/bundles/team-race/1.0.0", ALICE)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(i % 2 == 0 ? first : second)).build();
                responses.add(registry.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                statuses.add(response.get().statusCode());
            }

            // then one creates it, the others find it there (same bytes) or conflict (other bytes)
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 200 || s == 409), statuses.toString());
            byte[] stored = registry.getBytes(registry.request("/api/v1/bundles/team-race/1.0.0/download", BOB).GET().build()).body();
            assertTrue(java.util.Arrays.equals(stored, first) || java.util.Arrays.equals(stored, second));
            var record = TestRegistry.json(registry.get("/api/v1/bundles/team-race/1.0.0", BOB));
            String sha = record.get("sha256").asText();
            assertEquals(Sha256.ofBytes(stored).hex(), sha);
            // stored as layers (the files layer holds the one payload file), re-assembled byte for byte
            var layers = TestRegistry.json(registry.get("/api/v1/bundles/team-race/1.0.0/layers", BOB));
            assertFalse(layers.path("bundle_stored").asBoolean(true), layers.toString());
            String layer = layers.path("files").path("sha256").asText();
            Path blob = registry.data.resolve("blobs/sha256/" + layer.substring(0, 2) + "/" + layer);
            assertEquals(layer, Sha256.ofBytes(Files.readAllBytes(blob)).hex(), "the stored layer is intact");
            long conflicts = statuses.stream().filter(s -> s == 409).count();
            assertEquals(10, conflicts, "the ten uploads with the other bytes conflict");
        }
    }
}
