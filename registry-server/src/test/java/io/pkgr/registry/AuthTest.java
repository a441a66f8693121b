package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication and authorisation on every route: 401, 403, 429, never 500, never a logged password. */
class AuthTest {

    @TempDir
    Path tmp;
    TestRegistry registry;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private HttpResponse<String> getWithHeader(String path, String authorization) {
        return registry.send(registry.request(path, null).header("Authorization", authorization).GET().build());
    }

    @Test
    void aRequestWithoutCredentialsIs401WithABasicChallenge() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        HttpResponse<String> response = registry.get("/api/v1/bundles/team-x", null);

        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHORIZED", errorCode(response));
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic realm=\"pkgr\""));
    }

    @Test
    void aWrongPasswordIs401BadCredentials() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        HttpResponse<String> response = registry.get("/api/v1/whoami", "alice:wrong");

        assertEquals(401, response.statusCode());
        assertEquals("BAD_CREDENTIALS", errorCode(response));
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    @ParameterizedTest(name = "header [{0}] is 401, not 500")
    @ValueSource(strings = {"Basic", "Basic !!!!", "Basic bm9jb2xvbg==", "Bearer abc", "Basic " + "QUFB", "basic",
        "Basic YWxpY2U6YWxpY2UtcHc=extra", "Digest username=x"})
    void garbledAuthorizationHeadersAre401(String header) throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        HttpResponse<String> response = getWithHeader("/api/v1/whoami", header);

        assertEquals(401, response.statusCode(), response.body());
        assertTrue(List.of("MALFORMED_CREDENTIALS", "BAD_CREDENTIALS").contains(errorCode(response)), response.body());
    }

    @Test
    void aUserWithoutThePermissionIs403() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/1.0.0", BOB, bundle);

        assertEquals(403, response.statusCode());
        assertEquals("DENIED", errorCode(response));
    }

    @Test
    void aPublisherIsLimitedToItsNamePattern() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
        byte[] bundle = TestBundles.bundle(tmp, "other-x", "1.0.0", "x");

        HttpResponse<String> response = registry.put("/api/v1/bundles/other-x/1.0.0", ALICE, bundle);

        assertEquals(403, response.statusCode());
    }

    @Test
    void bruteForceReaches429WithRetryAfter() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        HttpResponse<String> last = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            last = registry.get("/api/v1/whoami", "alice:guess" + attempt);
            if (last.statusCode() == 429) {
                break;
            }
            assertEquals(401, last.statusCode());
        }

        assertEquals(429, last.statusCode());
        assertEquals("TOO_MANY_ATTEMPTS", errorCode(last));
        assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }

    @Test
    void anonymousReadLetsCallersWithoutCredentialsRead() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.withAnonymousRead(true));
        registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, TestBundles.bundle(tmp, "team-x", "1.0.0", "x"));

        assertEquals(200, registry.get("/api/v1/bundles/team-x", null).statusCode());
        assertEquals(401, registry.put("/api/v1/bundles/team-x/1.0.1", null,
                TestBundles.bundle(tmp, "team-x", "1.0.1", "x")).statusCode());
    }

    @Test
    void healthAndReadinessNeedNoCredentials() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        assertEquals(200, registry.get("/healthz", null).statusCode());
        assertEquals(200, registry.get("/readyz", null).statusCode());
    }

    @Test
    void firstStartCreatesAnAdminWithAPasswordShownOnce(@TempDir Path fresh) throws IOException {
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        RegistryServer server = new RegistryServer(ServerConfig.defaults().withDataDir(fresh).withHost("127.0.0.1").withPort(0),
                new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        server.start();
        String printed = console.toString(java.nio.charset.StandardCharsets.UTF_8);
        server.stop();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("created user admin with password (\\S+)").matcher(printed);
        assertTrue(m.find(), printed);
        String password = m.group(1);
        assertTrue(printed.contains("listening on http://127.0.0.1:"), printed);
        assertFalse(Files.readString(fresh.resolve("htpasswd")).contains(password), "stored hashed");
        assertTrue(Files.readString(fresh.resolve("htpasswd")).startsWith("admin:$2"));

        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        RegistryServer restarted = new RegistryServer(ServerConfig.defaults().withDataDir(fresh).withHost("127.0.0.1").withPort(0),
                new java.io.PrintStream(again, true, java.nio.charset.StandardCharsets.UTF_8));
        restarted.start();
        registry = null;
        try {
            assertFalse(again.toString(java.nio.charset.StandardCharsets.UTF_8).contains("password"), "shown once");
            TestRegistry client = null;
            java.net.http.HttpResponse<String> whoami = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(restarted.baseUri() + "/api/v1/whoami"))
                            .header("Authorization", TestRegistry.basic("admin:" + password)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, whoami.statusCode(), whoami.body());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            restarted.stop();
        }
    }
}
