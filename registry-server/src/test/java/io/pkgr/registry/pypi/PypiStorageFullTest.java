package io.pkgr.registry.pypi;

import static io.pkgr.registry.pypi.PypiTestServer.ALICE;
import static io.pkgr.registry.pypi.PypiTestServer.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.SmallFileSystem;
import io.pkgr.registry.http.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyPI face on a real 2 MiB tmpfs that fills up: uploads and yanks answer 507, pages still load. */
class PypiStorageFullTest {

    @TempDir
    Path tmp;
    SmallFileSystem disk;
    PypiTestServer registry;

    @BeforeEach
    void start() throws IOException {
        disk = SmallFileSystem.mount(tmp.resolve("small"), "2m");
        registry = PypiTestServer.start(disk.root().resolve("data"), c -> c.withMinFreeBytes(0));
        byte[] wheel = TestDists.wheel("team-demo", "1.0.0", "one");
        assertEquals(200, registry.upload(ALICE, TestDists.form("team-demo", "1.0.0",
                TestDists.wheelName("team-demo", "1.0.0"), wheel)).statusCode());
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
    void anUploadOntoAFullDiskIs507AndStoresNothing() throws IOException {
        // given
        disk.fill();
        List<String> before = registry.storedFiles();
        byte[] wheel = TestDists.wheel("team-demo", "1.0.1", "two");

        // when
        HttpResponse<String> response = registry.upload(ALICE, TestDists.form("team-demo", "1.0.1",
                TestDists.wheelName("team-demo", "1.0.1"), wheel));

        // then
        assertEquals(507, response.statusCode(), response.body());
        assertEquals("INSUFFICIENT_STORAGE", Json.MAPPER.readTree(response.body()).path("error").path("code").asText());
        assertEquals(before, registry.storedFiles(), "nothing stored changed");
        assertTrue(registry.get("/simple/team-demo/", BOB, null).body().contains("team_demo-1.0.0"), "pages still served");
    }

    @Test
    void aYankOntoAFullDiskIs507AndNothingIsYanked() throws IOException {
        // given
        disk.fill();

        // when
        HttpResponse<String> response = registry.post("/api/v1/pypi/team-demo/1.0.0/yank", ALICE, "application/json",
                "{\"reason\":\"broken\"}".getBytes(StandardCharsets.UTF_8));

        // then
        assertEquals(507, response.statusCode(), response.body());
        assertEquals("INSUFFICIENT_STORAGE", Json.MAPPER.readTree(response.body()).path("error").path("code").asText());
        String page = registry.get("/simple/team-demo/", BOB, null).body();
        assertTrue(page.contains("team_demo-1.0.0") && !page.contains("data-yanked"), page);
    }
}
