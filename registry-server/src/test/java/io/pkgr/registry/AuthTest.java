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
        assertTrue(List.of("MALFORMED_CREDENTIALS", "BAD_CREDENTIALS", "TOKEN_INVALID").contains(errorCode(response)), response.body());
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

    private HttpResponse<String> whoamiVia(String forwardedFor, String credentials) throws IOException {
        return registry.send(registry.request("/api/v1/whoami", credentials).header("X-Forwarded-For", forwardedFor).GET().build());
    }

    private int failUntilRefused(String forwardedFor) throws IOException {
        for (int attempt = 0; attempt < 30; attempt++) {
            HttpResponse<String> r = whoamiVia(forwardedFor, "nobody" + attempt + ":guess");
            if (r.statusCode() == 429) {
                return attempt;
            }
            assertEquals(401, r.statusCode());
        }
        throw new AssertionError("never refused");
    }

    @Test
    void behindATrustedProxyFailedLoginsCountPerForwardedClientNotForTheProxy() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"),
                c -> c.toBuilder().trustedProxies(io.pkgr.registry.http.TrustedProxies.parse("127.0.0.1/32")).build());

        // a client behind the balancer guesses until its address is refused
        failUntilRefused("198.51.100.1, 203.0.113.7");
        assertEquals(429, whoamiVia("203.0.113.7", BOB).statusCode(), "the guessing client stays refused");

        // another client through the same balancer logs in as usual
        assertEquals(200, whoamiVia("203.0.113.8", BOB).statusCode());
        // and what a client writes left of the hop the proxy added is not believed
        assertEquals(429, whoamiVia("203.0.113.8, 203.0.113.7", BOB).statusCode());
    }

    @Test
    void withoutTrustedProxiesAForgedForwardedForIsIgnored() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        // a guesser rotating forged X-Forwarded-For values is still one address (its connection's)
        for (int attempt = 0; attempt < 30; attempt++) {
            HttpResponse<String> r = whoamiVia("203.0.113." + attempt, "nobody" + attempt + ":guess");
            if (r.statusCode() == 429) {
                assertTrue(attempt <= 12, "refused after " + attempt);
                return;
            }
        }
        throw new AssertionError("forged X-Forwarded-For values escaped the limiter");
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
    void firstStartWritesTheAdminPasswordToAnOwnerOnlyFileAndPrintsOnlyItsPath(@TempDir Path fresh) throws Exception {
        // given / when
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        RegistryServer server = new RegistryServer(ServerConfig.defaults().withDataDir(fresh).withHost("127.0.0.1").withPort(0),
                new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        server.start();
        String printed = console.toString(java.nio.charset.StandardCharsets.UTF_8);
        server.stop();

        // then
        Path passwordFile = fresh.resolve("admin-password");
        String password = Files.readString(passwordFile).strip();
        assertEquals(24, password.length());
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(passwordFile));
        assertTrue(printed.contains("created user admin in " + fresh.resolve("htpasswd") + "; its password is in "
                + passwordFile.toAbsolutePath()), printed);
        assertFalse(printed.contains(password), "the password never reaches the console: " + printed);
        assertTrue(printed.contains("listening on http://127.0.0.1:"), printed);
        assertFalse(Files.readString(fresh.resolve("htpasswd")).contains(password), "stored hashed");
        assertTrue(Files.readString(fresh.resolve("htpasswd")).startsWith("admin:$2"));

        // and on the next start nothing is created again and the password works
        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        RegistryServer restarted = new RegistryServer(ServerConfig.defaults().withDataDir(fresh).withHost("127.0.0.1").withPort(0),
                new java.io.PrintStream(again, true, java.nio.charset.StandardCharsets.UTF_8));
        restarted.start();
        try {
            assertFalse(again.toString(java.nio.charset.StandardCharsets.UTF_8).contains("created"), "created once");
            java.net.http.HttpResponse<String> whoami = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(restarted.baseUri() + "/api/v1/whoami"))
                            .header("Authorization", TestRegistry.basic("admin:" + password)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, whoami.statusCode(), whoami.body());
        } finally {
            restarted.stop();
        }
    }

    @Test
    void anHtpasswdFileWithoutRulesLetsEveryUserReadAndPublishAsPypiserverDoes(@TempDir Path fresh) throws IOException {
        // given: an htpasswd file brought from pypiserver, and no access rules
        Path htpasswd = fresh.resolve("pypiserver.htpasswd");
        new io.pkgr.auth.HtpasswdWriter(htpasswd, 4).put("carol", "carol-pw".toCharArray());
        Path data = fresh.resolve("data");
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();

        // when
        RegistryServer server = new RegistryServer(ServerConfig.defaults().withDataDir(data).withHtpasswd(htpasswd)
                .withHost("127.0.0.1").withPort(0), new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        server.start();
        try {
            // then: the rules are written, announced, and carol may publish and read but not yank
            String printed = console.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(printed.contains("no access rules for " + htpasswd + ": created " + data.resolve("access.yaml")
                    + " letting every user in it read and publish every bundle, as pypiserver does"), printed);
            assertFalse(Files.exists(data.resolve("admin-password")), "no admin is made for a file the operator brought");
            var http = java.net.http.HttpClient.newHttpClient();
            String carol = TestRegistry.basic("carol:carol-pw");
            var published = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.baseUri() + "/api/v1/bundles/any-name/1.0.0")).header("Authorization", carol)
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(TestBundles.bundle(fresh, "any-name", "1.0.0", "x")))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, published.statusCode(), published.body());
            var read = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.baseUri() + "/api/v1/bundles/any-name")).header("Authorization", carol).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read.body());
            var yank = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.baseUri() + "/api/v1/bundles/any-name/1.0.0/yank")).header("Authorization", carol)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(403, yank.statusCode(), yank.body());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            server.stop();
        }
    }

    @Test
    void existingAccessRulesAreNeverReplaced(@TempDir Path fresh) throws IOException {
        // given
        Path htpasswd = fresh.resolve("htpasswd");
        new io.pkgr.auth.HtpasswdWriter(htpasswd, 4).put("carol", "carol-pw".toCharArray());
        Files.writeString(fresh.resolve("access.yaml"), "rules: []\n");
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();

        // when
        RegistryServer server = new RegistryServer(ServerConfig.defaults().withDataDir(fresh).withHost("127.0.0.1").withPort(0),
                new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        server.start();
        server.stop();

        // then
        assertEquals("rules: []\n", Files.readString(fresh.resolve("access.yaml")));
        assertFalse(console.toString(java.nio.charset.StandardCharsets.UTF_8).contains("no access rules"));
    }
}
