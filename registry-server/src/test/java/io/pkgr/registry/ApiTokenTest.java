package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.errorCode;
import static io.pkgr.registry.TestRegistry.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.auth.ApiToken;
import io.pkgr.auth.FileTokenStore;
import io.pkgr.auth.TokenScope;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API tokens on the native API: made within the maker's rights, used as a Bearer header, refused
 * with the right status when expired, revoked or out of scope, with nothing stored.
 */
class ApiTokenTest {

    @TempDir
    Path tmp;
    TestRegistry registry;
    byte[] bundle;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
        bundle = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload one");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> createToken(String credentials, String body) {
        return registry.send(registry.request("/api/v1/tokens", credentials)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String token(String credentials, String name, String... scopes) {
        HttpResponse<String> created = createToken(credentials, "{\"name\":\"" + name + "\",\"scopes\":[\""
                + String.join("\",\"", scopes) + "\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return json(created).path("token").asText();
    }

    private HttpResponse<String> publishWith(String token, String name, String version, byte[] body) {
        return registry.send(HttpRequest.newBuilder(registry.uri("/api/v1/bundles/" + name + "/" + version))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpResponse<String> getWith(String token, String path) {
        return registry.send(HttpRequest.newBuilder(registry.uri(path)).header("Authorization", "Bearer " + token)
                .GET().build());
    }

    @Test
    void aScopedTokenPublishesAndIsListedWithoutItsSecret() {
        String token = token(ALICE, "ci-churn", "team-churn*:publish");

        HttpResponse<String> published = publishWith(token, "team-churn", "1.4.0", bundle);

        assertEquals(201, published.statusCode(), published.body());
        assertEquals("alice", json(published).path("publisher").asText());
        HttpResponse<String> listed = registry.get("/api/v1/tokens", ALICE);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode info = json(listed).path("tokens").get(0);
        assertEquals("ci-churn", info.path("name").asText());
        assertEquals("alice", info.path("user").asText());
        assertEquals("team-churn*:publish", info.path("scopes").get(0).asText());
        assertTrue(token.startsWith("pkgr_" + info.path("id").asText() + "_"));
        assertFalse(listed.body().contains(token.substring(16)), "the secret is shown once only");
        assertFalse(listed.body().contains("sha256"), listed.body());
    }

    @Test
    void aTokenCannotBeMadeWithMoreThanItsMakerMay() {
        HttpResponse<String> everything = createToken(ALICE, "{\"name\":\"wide\",\"scopes\":[\"*:publish\"]}");
        HttpResponse<String> yankOther = createToken(ALICE, "{\"name\":\"other\",\"scopes\":[\"fraud-*:yank\"]}");
        HttpResponse<String> adminScope = createToken(ALICE, "{\"name\":\"adm\",\"scopes\":[\"team-*:admin\"]}");
        HttpResponse<String> forBob = createToken(ALICE, "{\"name\":\"b\",\"scopes\":[\"team-*:read\"],\"user\":\"bob\"}");

        assertEquals(403, everything.statusCode());
        assertEquals("TOKEN_SCOPE_EXCEEDED", errorCode(everything));
        assertEquals("user 'alice' may not publish every bundle matching '*', so no token of theirs may",
                json(everything).path("error").path("message").asText());
        assertEquals("TOKEN_SCOPE_EXCEEDED", errorCode(yankOther));
        assertEquals("TOKEN_SCOPE_EXCEEDED", errorCode(adminScope));
        assertEquals(403, forBob.statusCode());
        assertEquals("TOKEN_MANAGEMENT_DENIED", errorCode(forBob));
        assertEquals(0, json(registry.get("/api/v1/tokens", ADMIN)).path("tokens").size(), "no token was stored");
    }

    @Test
    void anAdminMakesAndListsTokensOfOthersWithinTheirRights() {
        HttpResponse<String> tooWide = createToken(ADMIN, "{\"name\":\"b\",\"scopes\":[\"*:publish\"],\"user\":\"bob\"}");
        token(ADMIN, "bob-read", "*:read");
        HttpResponse<String> forBob = createToken(ADMIN, "{\"name\":\"b\",\"scopes\":[\"*:read\"],\"user\":\"bob\"}");

        assertEquals("TOKEN_SCOPE_EXCEEDED", errorCode(tooWide), "checked against bob's rights, not the admin's");
        assertEquals(201, forBob.statusCode(), forBob.body());
        assertEquals(2, json(registry.get("/api/v1/tokens", ADMIN)).path("tokens").size());
        assertEquals(1, json(registry.get("/api/v1/tokens", BOB)).path("tokens").size());
        assertEquals("TOKEN_MANAGEMENT_DENIED", errorCode(registry.get("/api/v1/tokens?user=admin", BOB)));
    }

    @Test
    void anOutOfScopeTokenIsRefusedWith403AndNothingIsStored() {
        String token = token(ALICE, "ci-churn", "team-churn*:publish");
        List<String> before = registry.storedFiles();

        HttpResponse<String> otherName = publishWith(token, "team-fraud", "1.0.0",
                uncheckedBundle("team-fraud", "1.0.0"));
        HttpResponse<String> yank = registry.send(HttpRequest.newBuilder(registry.uri("/api/v1/bundles/team-churn/1.4.0/yank"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(403, otherName.statusCode(), otherName.body());
        assertEquals("TOKEN_DENIED", errorCode(otherName));
        assertEquals("API token 'ci-churn' of user 'alice' may not publish team-fraud (its scopes: team-churn*:publish)",
                json(otherName).path("error").path("message").asText());
        assertEquals("TOKEN_DENIED", errorCode(yank));
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void aRevokedTokenIsRefusedWith401AndNothingIsStored() {
        String token = token(ALICE, "ci", "team-*:publish");
        String id = json(registry.get("/api/v1/tokens", ALICE)).path("tokens").get(0).path("id").asText();
        assertEquals(200, getWith(token, "/api/v1/whoami").statusCode());

        HttpResponse<String> revoked = registry.delete("/api/v1/tokens/" + id, ALICE);
        HttpResponse<String> again = registry.delete("/api/v1/tokens/" + id, ALICE);
        List<String> before = registry.storedFiles();
        HttpResponse<String> refused = publishWith(token, "team-churn", "1.4.0", bundle);

        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("TOKEN_UNKNOWN", errorCode(again));
        assertEquals(401, refused.statusCode());
        assertEquals("TOKEN_INVALID", errorCode(refused));
        assertEquals("Basic realm=\"pkgr\", charset=\"UTF-8\"", refused.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(before, registry.storedFiles());
        assertEquals(404, registry.get("/api/v1/bundles/team-churn/1.4.0", ADMIN).statusCode());
    }

    @Test
    void anotherUsersTokenCannotBeRevokedByAUserButByAnAdmin() {
        token(ALICE, "ci", "team-*:publish");
        String id = json(registry.get("/api/v1/tokens", ALICE)).path("tokens").get(0).path("id").asText();

        assertEquals("TOKEN_UNKNOWN", errorCode(registry.delete("/api/v1/tokens/" + id, BOB)));
        assertEquals(200, registry.delete("/api/v1/tokens/" + id, ADMIN).statusCode());
    }

    @Test
    void anExpiredTokenIsRefusedWith401AndNothingIsStored() throws Exception {
        registry.close();
        String secret = "expired-secret-expired-secret-expired-secret";
        FileTokenStore.open(registry.data.resolve("tokens.json")).insert(new ApiToken("expired001", "alice", "old",
                List.of(TokenScope.parse("team-*:publish")), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-02-01T00:00:00Z"), null, sha256(secret)));
        registry = TestRegistry.start(registry.data);
        List<String> before = registry.storedFiles();

        HttpResponse<String> refused = publishWith("pkgr_expired001_" + secret, "team-churn", "1.4.0", bundle);

        assertEquals(401, refused.statusCode());
        assertEquals("TOKEN_EXPIRED", errorCode(refused));
        assertEquals("API token 'old' of user 'alice' expired at 2025-02-01T00:00:00Z",
                json(refused).path("error").path("message").asText());
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void aTokenShrinksWithTheRightsOfItsOwner() throws Exception {
        String token = token(ALICE, "ci", "team-*:publish");
        assertEquals(201, publishWith(token, "team-churn", "1.4.0", bundle).statusCode());

        // alice keeps read on team-* but loses publish
        Files.writeString(registry.data.resolve("access.yaml"), TestRegistry.RULES.replace("allow: [publish, yank]", "allow: [read]"));
        HttpResponse<String> refused = null;
        for (int i = 0; i < 50; i++) {
            refused = publishWith(token, "team-churn", "1.5.0", uncheckedBundle("team-churn", "1.5.0"));
            if (refused.statusCode() != 201 || i == 49) {
                break;
            }
            Thread.sleep(100); // the rules file is looked at once a second at most
            registry.delete("/api/v1/bundles/team-churn/1.5.0", ADMIN);
        }

        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("DENIED", errorCode(refused));
        assertEquals(200, getWith(token, "/api/v1/bundles/team-churn/1.4.0").statusCode(), "read is left");
        assertTrue(registry.auditLines().stream().anyMatch(line -> line.path("action").asText().equals("access-reload")));
    }

    @Test
    void aTokenCannotManageTokens() {
        String token = token(ADMIN, "ci", "*:admin");

        HttpResponse<String> create = registry.send(HttpRequest.newBuilder(registry.uri("/api/v1/tokens"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"more\",\"scopes\":[\"*:read\"]}")).build());

        assertEquals(403, create.statusCode());
        assertEquals("TOKEN_MANAGEMENT_DENIED", errorCode(create));
        assertEquals(403, getWith(token, "/api/v1/tokens").statusCode());
    }

    @Test
    void badTokenRequestsAreRefusedWithTheReason() {
        HttpResponse<String> noScope = createToken(ALICE, "{\"name\":\"ci\",\"scopes\":[]}");
        HttpResponse<String> badScope = createToken(ALICE, "{\"name\":\"ci\",\"scopes\":[\"team-*\"]}");
        HttpResponse<String> badName = createToken(ALICE, "{\"name\":\"a b\",\"scopes\":[\"team-*:read\"]}");
        HttpResponse<String> past = createToken(ALICE, "{\"name\":\"ci\",\"scopes\":[\"team-*:read\"],\"expires\":\"2020-01-01T00:00:00Z\"}");
        token(ALICE, "ci", "team-*:read");
        HttpResponse<String> twice = createToken(ALICE, "{\"name\":\"ci\",\"scopes\":[\"team-*:read\"]}");

        assertEquals("BAD_REQUEST", errorCode(noScope));
        assertTrue(json(badScope).path("error").path("message").asText().contains("PATTERN:PERMISSION"), badScope.body());
        assertEquals("BAD_REQUEST", errorCode(badName));
        assertEquals("BAD_REQUEST", errorCode(past));
        assertEquals(409, twice.statusCode());
        assertEquals("TOKEN_EXISTS", errorCode(twice));
        assertEquals(1, json(registry.get("/api/v1/tokens", ALICE)).path("tokens").size());
    }

    private byte[] uncheckedBundle(String name, String version) {
        try {
            return TestBundles.bundle(Files.createDirectories(tmp.resolve(name + version)), name, version, "payload " + version);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(String secret) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
