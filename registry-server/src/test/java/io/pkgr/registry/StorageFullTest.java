package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on a real 2 MiB tmpfs that fills up: 507 for writes, reads still served, /readyz down. */
class StorageFullTest {

    @TempDir
    Path tmp;
    SmallFileSystem disk;
    TestRegistry registry;
    byte[] published;

    @BeforeEach
    void start() throws IOException {
        disk = SmallFileSystem.mount(tmp.resolve("small"), "2m");
        registry = TestRegistry.start(disk.root().resolve("data"), c -> c.withMinFreeBytes(256 * 1024));
        published = TestBundles.bundle(tmp, "team-x", "1.0.0", "first");
        assertEquals(201, registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, published).statusCode());
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aPublishOntoAFullDiskIs507AndStoresNothing() throws IOException {
        // given
        disk.fill();
        List<String> before = registry.storedFiles();
        String versionsBefore = registry.get("/api/v1/bundles/team-x", BOB).body();

        // when
        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/1.0.1", ALICE,
                TestBundles.bundle(tmp, "team-x", "1.0.1", "second"));

        // then
        assertEquals(507, response.statusCode(), response.body());
        assertEquals("INSUFFICIENT_STORAGE", errorCode(response));
        assertEquals(before, registry.storedFiles(), "nothing stored changed");
        assertEquals(List.of(), tempFiles(), "the temp file is removed");
        assertEquals(versionsBefore, registry.get("/api/v1/bundles/team-x", BOB).body(), "catalog unchanged");
    }

    @Test
    void aYankOnAFullDiskIs507AndTheRecordIsUnchanged() throws IOException {
        // given
        disk.fill();
        String recordBefore = registry.get("/api/v1/bundles/team-x/1.0.0", BOB).body();
        String storedBefore = Files.readString(registry.data.resolve("bundles/team-x/1.0.0.json"));

        // when
        HttpResponse<String> response = registry.post("/api/v1/bundles/team-x/1.0.0/yank", ALICE, "{\"reason\":\"x\"}");

        // then
        assertEquals(507, response.statusCode(), response.body());
        assertEquals("INSUFFICIENT_STORAGE", errorCode(response));
        assertEquals(recordBefore, registry.get("/api/v1/bundles/team-x/1.0.0", BOB).body());
        // the stored record also carries how the bundle is stored (layers), which the API does not serve
        assertEquals(storedBefore, Files.readString(registry.data.resolve("bundles/team-x/1.0.0.json")),
                "stored record unchanged");
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void readsAreStillServedWhileTheDiskIsFull() throws IOException {
        disk.fill();

        HttpResponse<byte[]> download = registry.getBytes(registry.request("/api/v1/bundles/team-x/1.0.0/download", BOB)
                .GET().build());

        assertEquals(200, download.statusCode());
        assertArrayEquals(published, download.body());
        assertEquals(200, registry.get("/api/v1/bundles/team-x", BOB).statusCode());
        assertEquals(200, registry.get("/healthz", null).statusCode());
    }

    @Test
    void readinessFailsBelowTheFreeSpaceThresholdAndRecovers() throws IOException {
        // given: nearly full, with room for small writes still
        disk.fill();
        disk.free();
        assertEquals(200, registry.get("/readyz", null).statusCode(), "2 MiB free is above the 256 KiB threshold");
        Files.write(disk.root().resolve("filler"), new byte[(int) (Files.getFileStore(disk.root()).getUsableSpace()
                - 128 * 1024)]);

        // when
        HttpResponse<String> low = registry.get("/readyz", null);

        // then
        assertEquals(503, low.statusCode(), low.body());
        assertEquals("UNAVAILABLE", errorCode(low));
        assertEquals("storage is almost full", TestRegistry.json(low).path("error").path("message").asText());
        disk.free();
        assertEquals(200, registry.get("/readyz", null).statusCode());
        assertEquals(201, registry.put("/api/v1/bundles/team-x/1.0.1", ALICE,
                TestBundles.bundle(tmp, "team-x", "1.0.1", "second")).statusCode(), "writes work again once space is freed");
    }

    private List<Path> tempFiles() {
        try (Stream<Path> walk = Files.walk(registry.data)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
