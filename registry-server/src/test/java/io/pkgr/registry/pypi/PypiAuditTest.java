package io.pkgr.registry.pypi;

import static io.pkgr.registry.pypi.PypiTestServer.ADMIN;
import static io.pkgr.registry.pypi.PypiTestServer.ALICE;
import static io.pkgr.registry.pypi.PypiTestServer.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit lines of the PyPI face: upload, yank, un-yank, delete and a refused upload, field by field. */
class PypiAuditTest {

    private static final String WHEEL = TestDists.wheelName("team-demo", "1.0.0");

    @TempDir
    Path tmp;
    PypiTestServer registry;
    byte[] wheel;

    @BeforeEach
    void start() throws IOException {
        registry = PypiTestServer.start(tmp.resolve("data"));
        wheel = TestDists.wheel("team-demo", "1.0.0", "one");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private JsonNode last(String action) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            List<JsonNode> lines = registry.auditLines().stream()
                    .filter(line -> line.path("action").asText().equals(action)).toList();
            if (!lines.isEmpty()) {
                return lines.get(lines.size() - 1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + action + " line in " + registry.auditLines());
    }

    private static void assertLine(JsonNode line, String action, String outcome, int status, String user, String code,
            String version, String sha256) {
        assertEquals(action, line.path("action").asText(), line.toString());
        assertEquals(outcome, line.path("outcome").asText(), line.toString());
        assertEquals(status, line.path("status").asInt(), line.toString());
        assertEquals(user, line.path("user").asText(), line.toString());
        assertEquals(code, line.path("code").asText(null), line.toString());
        assertEquals("127.0.0.1", line.path("address").asText(), line.toString());
        assertEquals("team-demo", line.path("name").asText(), line.toString());
        assertEquals(version, line.path("version").asText(null), line.toString());
        assertEquals(sha256, line.path("sha256").asText(null), line.toString());
        assertFalse(line.has("token_id"), line.toString());
    }

    @Test
    void uploadYankUnyankAndDeleteOfAPypiFileEachWriteAFullLine() throws Exception {
        String sha = TestDists.hex("SHA-256", wheel);
        byte[] reason = "{\"reason\":\"broken\"}".getBytes(StandardCharsets.UTF_8);

        assertEquals(200, registry.upload(ALICE, TestDists.form("team-demo", "1.0.0", WHEEL, wheel)).statusCode());
        JsonNode upload = last("pypi-upload");
        assertEquals(200, registry.post("/api/v1/pypi/team-demo/" + WHEEL + "/yank", ALICE, "application/json", reason).statusCode());
        JsonNode yank = last("pypi-yank");
        assertEquals(200, registry.post("/api/v1/pypi/team-demo/" + WHEEL + "/unyank", ALICE, null, new byte[0]).statusCode());
        JsonNode unyank = last("pypi-unyank");
        assertEquals(200, registry.send(registry.request("/api/v1/pypi/team-demo/" + WHEEL, ADMIN).DELETE().build()).statusCode());
        JsonNode delete = last("pypi-delete");

        assertLine(upload, "pypi-upload", "ok", 200, "alice", null, WHEEL, sha);
        assertEquals("POST", upload.path("method").asText());
        assertEquals("/legacy/", upload.path("path").asText());
        assertLine(yank, "pypi-yank", "ok", 200, "alice", null, WHEEL, sha);
        assertLine(unyank, "pypi-unyank", "ok", 200, "alice", null, WHEEL, sha);
        assertLine(delete, "pypi-delete", "ok", 200, "admin", null, WHEEL, sha);
    }

    @Test
    void aRefusedUploadIsLoggedWithTheProjectAndItsCode() throws Exception {
        assertEquals(403, registry.upload(BOB, TestDists.form("team-demo", "1.0.0", WHEEL, wheel)).statusCode());

        JsonNode refused = last("pypi-upload");

        assertEquals("refused", refused.path("outcome").asText());
        assertEquals(403, refused.path("status").asInt());
        assertEquals("DENIED", refused.path("code").asText());
        assertEquals("bob", refused.path("user").asText());
        assertFalse(refused.has("sha256"), "nothing was stored: " + refused);
    }
}
