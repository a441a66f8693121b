package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.audit.AuditEvent;
import io.pkgr.registry.audit.AuditLog;
import io.pkgr.registry.http.TrustedProxies;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: one JSON line per change and per refused write, checked field by field. */
class AuditLogTest {

    @TempDir
    Path tmp;
    TestRegistry registry;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"),
                c -> c.toBuilder().trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build());
    }

    /** The last line satisfying {@code which}, waiting a little: a line is written as its exchange completes. */
    private JsonNode line(Predicate<JsonNode> which) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            List<JsonNode> lines = registry.auditLines();
            for (int j = lines.size() - 1; j >= 0; j--) {
                if (which.test(lines.get(j))) {
                    return lines.get(j);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such audit line in " + registry.auditLines());
    }

    private static Predicate<JsonNode> action(String action) {
        return line -> line.path("action").asText().equals(action);
    }

    private HttpResponse<String> send(String method, String path, String credentials, byte[] body) {
        return registry.send(registry.request(path, credentials).header("X-Forwarded-For", "203.0.113.7")
                .header("Content-Type", "application/octet-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private static void assertFields(JsonNode line, String action, String outcome, int status, String user, String name,
            String version) {
        assertEquals(action, line.path("action").asText(), line.toString());
        assertEquals(outcome, line.path("outcome").asText(), line.toString());
        assertEquals(status, line.path("status").asInt(), line.toString());
        assertEquals(user, line.path("user").asText(null), line.toString());
        assertEquals("203.0.113.7", line.path("address").asText(), "the client behind the trusted proxy: " + line);
        assertEquals(name, line.path("name").asText(null), line.toString());
        assertEquals(version, line.path("version").asText(null), line.toString());
        assertTrue(Instant.parse(line.path("time").asText()).isAfter(Instant.now().minusSeconds(60)), line.toString());
    }

    @Test
    void publishYankUnyankAndDeleteEachWriteALineWithWhoWhatWhereAndTheDigest() throws Exception {
        start();
        byte[] bundle = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload");
        String sha = Sha256.ofBytes(bundle).hex();

        assertEquals(201, send("PUT", "/api/v1/bundles/team-churn/1.4.0", ALICE, bundle).statusCode());
        JsonNode publish = line(action("publish"));
        assertEquals(200, send("PUT", "/api/v1/bundles/team-churn/1.4.0", ALICE, bundle).statusCode());
        JsonNode again = line(action("publish").and(l -> l.has("detail")));
        assertEquals(200, send("POST", "/api/v1/bundles/team-churn/1.4.0/yank", ALICE,
                "{\"reason\":\"bad weights\"}".getBytes()).statusCode());
        JsonNode yank = line(action("yank"));
        assertEquals(200, send("POST", "/api/v1/bundles/team-churn/1.4.0/unyank", ALICE, null).statusCode());
        JsonNode unyank = line(action("unyank"));
        assertEquals(200, send("DELETE", "/api/v1/bundles/team-churn/1.4.0", ADMIN, null).statusCode());
        JsonNode delete = line(action("delete"));

        assertFields(publish, "publish", "ok", 201, "alice", "team-churn", "1.4.0");
        assertEquals(sha, publish.path("sha256").asText());
        assertEquals("PUT", publish.path("method").asText());
        assertEquals("/api/v1/bundles/team-churn/1.4.0", publish.path("path").asText());
        assertFalse(publish.has("token_id"), "a password login has no token");
        assertFalse(publish.has("code"));
        assertFields(again, "publish", "ok", 200, "alice", "team-churn", "1.4.0");
        assertEquals("unchanged", again.path("detail").asText());
        assertFields(yank, "yank", "ok", 200, "alice", "team-churn", "1.4.0");
        assertEquals(sha, yank.path("sha256").asText());
        assertEquals("reason: bad weights", yank.path("detail").asText());
        assertFields(unyank, "unyank", "ok", 200, "alice", "team-churn", "1.4.0");
        assertEquals(sha, unyank.path("sha256").asText());
        assertFields(delete, "delete", "ok", 200, "admin", "team-churn", "1.4.0");
        assertEquals(sha, delete.path("sha256").asText());
    }

    @Test
    void refusedWritesAreLoggedWithTheirCode() throws Exception {
        start();
        byte[] bundle = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload");

        assertEquals(401, send("PUT", "/api/v1/bundles/team-churn/1.4.0", "alice:wrong", bundle).statusCode());
        JsonNode badPassword = line(l -> l.path("code").asText().equals("BAD_CREDENTIALS"));
        assertEquals(403, send("PUT", "/api/v1/bundles/team-churn/1.4.0", BOB, bundle).statusCode());
        JsonNode denied = line(l -> l.path("code").asText().equals("DENIED"));
        assertEquals(404, registry.get("/api/v1/bundles/team-churn", ADMIN).statusCode(), "nothing stored");

        assertFields(badPassword, "request", "refused", 401, null, null, null);
        assertEquals("/api/v1/bundles/team-churn/1.4.0", badPassword.path("path").asText());
        assertFields(denied, "publish", "refused", 403, "bob", "team-churn", "1.4.0");
        assertEquals(2, registry.auditLines().size(), "reads write no line: " + registry.auditLines());
    }

    @Test
    void tokenChangesAndTokenUseNameTheTokenButNeverItsSecret() throws Exception {
        start();
        HttpResponse<String> created = send("POST", "/api/v1/tokens", ALICE,
                "{\"name\":\"ci-churn\",\"scopes\":[\"team-*:publish\"],\"expires\":\"2099-01-01T00:00:00Z\"}".getBytes());
        assertEquals(201, created.statusCode(), created.body());
        String token = json(created).path("token").asText();
        String id = json(created).path("info").path("id").asText();
        JsonNode create = line(action("token-create"));
        byte[] bundle = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload");
        HttpResponse<String> published = registry.send(HttpRequest.newBuilder(registry.uri("/api/v1/bundles/team-churn/1.4.0"))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", "203.0.113.7")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());
        assertEquals(201, published.statusCode());
        JsonNode publish = line(action("publish"));
        assertEquals(200, send("DELETE", "/api/v1/tokens/" + id, ALICE, null).statusCode());
        JsonNode revoke = line(action("token-revoke"));

        assertFields(create, "token-create", "ok", 201, "alice", "alice", "ci-churn");
        assertEquals("token " + id + ", scopes [team-*:publish], expires 2099-01-01T00:00:00Z", create.path("detail").asText());
        assertFields(publish, "publish", "ok", 201, "alice", "team-churn", "1.4.0");
        assertEquals(id, publish.path("token_id").asText());
        assertEquals("ci-churn", publish.path("token_name").asText());
        assertFields(revoke, "token-revoke", "ok", 200, "alice", "alice", "ci-churn");
        String log = Files.readString(registry.data.resolve("audit/audit.log"));
        assertFalse(log.contains(token.substring(16)), "no secret in the audit log");
        assertFalse(log.contains("alice-pw"), "no password in the audit log");
    }

    @Test
    void userChangesAndAccessRuleReloadsAreLogged() throws Exception {
        start();
        new HtpasswdWriter(registry.data.resolve("htpasswd"), 4).put("carol", "carol-pw".toCharArray());
        new HtpasswdWriter(registry.data.resolve("htpasswd"), 4).remove("bob");
        Files.writeString(registry.data.resolve("access.yaml"), TestRegistry.RULES + "\n# changed\n");

        JsonNode users = null;
        JsonNode rules = null;
        for (int i = 0; i < 40 && (users == null || rules == null); i++) {
            registry.get("/api/v1/whoami", ADMIN); // reloads are noticed while requests come in
            registry.get("/api/v1/bundles/x", ADMIN);
            users = registry.auditLines().stream().filter(action("users-reload")).findFirst().orElse(null);
            rules = registry.auditLines().stream().filter(action("access-reload")).findFirst().orElse(null);
            Thread.sleep(100);
        }

        assertEquals("htpasswd reloaded: added [carol] removed [bob]", users.path("detail").asText(), users.toString());
        assertEquals("ok", users.path("outcome").asText());
        assertFalse(users.has("user"), "the server noticed it itself");
        assertEquals("reloaded " + registry.data.resolve("access.yaml"), rules.path("detail").asText());
    }

    @Test
    void theFirstStartAdminIsLogged() throws Exception {
        Path data = tmp.resolve("fresh");
        try (RegistryServer server = new RegistryServer(ServerConfig.defaults().withDataDir(data).withHost("127.0.0.1")
                .withPort(0), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
            server.start();
        }

        String line = Files.readAllLines(data.resolve("audit/audit.log")).get(0);
        JsonNode event = io.pkgr.registry.http.Json.MAPPER.readTree(line);
        assertEquals("user-create", event.path("action").asText());
        assertEquals("admin", event.path("name").asText());
        assertEquals("first start: in " + data.resolve("htpasswd"), event.path("detail").asText());
        String password = Files.readString(data.resolve("admin-password")).strip();
        assertFalse(line.contains(password));
    }

    @Test
    void theLogRotatesBySizeAndKeepsTheNewestFiles() throws IOException {
        Path file = tmp.resolve("audit.log");
        try (AuditLog log = new AuditLog(file, 4096, 2)) {
            for (int i = 0; i < 100; i++) {
                log.record(AuditEvent.ofServer("access-reload", null, "line " + i + " " + "x".repeat(100)));
            }
        }

        List<Path> files = AuditLog.files(file);
        assertEquals(List.of(tmp.resolve("audit.log.2"), tmp.resolve("audit.log.1"), file), files);
        for (Path f : files) {
            assertTrue(Files.size(f) <= 4096, f + " is " + Files.size(f));
        }
        List<String> last = Files.readAllLines(file);
        assertTrue(last.get(last.size() - 1).contains("\"line 99 "), last.get(last.size() - 1));
        assertFalse(Files.exists(tmp.resolve("audit.log.3")));
    }
}
