package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.registry.TestRegistry;
import io.pkgr.registry.http.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access rules and token scopes match Maven coordinates exactly: a grant on {@code org.foo-bar:*}
 * covers that group only, never the groups that fold the same way under PEP 503 ({@code org.foo.bar},
 * {@code org.foo_bar}) nor another spelling of its case ({@code Org.foo-bar}).
 */
class MavenAccessTest {

    static final String ADMIN = TestRegistry.ADMIN;
    static final String ALICE = TestRegistry.ALICE;
    static final String RULES = """
            rules:
              - bundles: ["*"]
                users: [admin]
                allow: [admin]
              - bundles: ["org.foo-bar:*"]
                users: [alice]
                allow: [publish]
            """;
    /** Groups that fold to {@code org-foo-bar} under PEP 503 but are other directories of the repository. */
    static final List<String> TWINS = List.of("org/foo/bar", "org/foo_bar", "Org/foo-bar");

    @TempDir
    Path tmp;
    TestRegistry registry;

    @BeforeEach
    void start() throws IOException {
        Path rules = tmp.resolve("access.yaml");
        Files.writeString(rules, RULES);
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.withAccessFile(rules));
        for (String group : List.of("org/foo-bar", "org/foo/bar", "org/foo_bar", "Org/foo-bar")) {
            assertEquals(201, put(jar(group, "1.0"), basic(ADMIN), bytes("admin's " + group)).statusCode(), group);
        }
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aGrantOnAGroupDoesNotCoverTheGroupsThatFoldTheSame() {
        List<String> before = stored();

        for (String group : TWINS) {
            HttpResponse<String> deploy = put(jar(group, "2.0"), basic(ALICE), bytes("alice's"));
            HttpResponse<String> overwrite = put(jar(group, "1.0"), basic(ALICE), bytes("alice's"));
            HttpResponse<String> read = get(jar(group, "1.0"), basic(ALICE));

            assertEquals(403, deploy.statusCode(), group + ": " + deploy.body());
            String coordinates = group.replace('/', '.') + ":lib";
            assertTrue(deploy.body().contains("may not publish " + coordinates), deploy.body());
            assertEquals(403, overwrite.statusCode(), group);
            assertEquals(403, read.statusCode(), group);
        }
        assertEquals(before, stored(), "nothing stored changed");
        assertEquals("admin's org/foo/bar", get(jar("org/foo/bar", "1.0"), basic(ADMIN)).body());
    }

    @Test
    void aGrantOnAGroupStillCoversThatGroup() {
        HttpResponse<String> deploy = put(jar("org/foo-bar", "2.0"), basic(ALICE), bytes("alice's"));

        assertEquals(201, deploy.statusCode(), deploy.body());
        assertEquals("alice's", get(jar("org/foo-bar", "2.0"), basic(ALICE)).body());
        assertEquals(200, get("/maven/org/foo-bar/lib/maven-metadata.xml", basic(ALICE)).statusCode());
    }

    @Test
    void aTokenScopedToAGroupCoversThatGroupOnly() {
        String token = token("org.foo-bar:*:publish");
        List<String> before = stored();

        for (String group : TWINS) {
            HttpResponse<String> deploy = put(jar(group, "2.0"), "Bearer " + token, bytes("token's"));
            HttpResponse<String> read = get(jar(group, "1.0"), "Bearer " + token);

            assertEquals(403, deploy.statusCode(), group + ": " + deploy.body());
            assertEquals(403, read.statusCode(), group);
        }
        assertEquals(before, stored(), "nothing stored changed");
        assertEquals(201, put(jar("org/foo-bar", "2.0"), "Bearer " + token, bytes("token's")).statusCode());
        assertEquals("token's", get(jar("org/foo-bar", "2.0"), "Bearer " + token).body());
    }

    @Test
    void aTokenScopeIsListedAsWritten() throws IOException {
        token("org.foo-bar:*:publish");

        JsonNode listed = Json.MAPPER.readTree(get("/api/v1/tokens", basic(ALICE)).body());

        assertEquals("org.foo-bar:*:publish", listed.path("tokens").get(0).path("scopes").get(0).asText(), listed.toString());
    }

    @Test
    void aTokenCannotClaimAGroupItsOwnerMayNotPublishToEvenIfItFoldsTheSame() {
        HttpResponse<String> refused = registry.send(registry.request("/api/v1/tokens", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scopes\":[\"org.foo.bar:*:publish\"]}")).build());

        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("TOKEN_SCOPE_EXCEEDED"), refused.body());
    }

    @Test
    void theWebPageOfAFoldedTwinIsNotShown() {
        HttpResponse<String> twin = registry.send(registry.request("/ui/maven/org.foo.bar/lib", ALICE)
                .header("Accept", "text/html").build());
        HttpResponse<String> own = registry.send(registry.request("/ui/maven/org.foo-bar/lib", ALICE)
                .header("Accept", "text/html").build());

        assertEquals(404, twin.statusCode());
        assertFalse(twin.body().contains("org.foo.bar"), twin.body());
        assertEquals(200, own.statusCode(), own.body());
    }

    private String token(String scope) {
        HttpResponse<String> created = registry.send(registry.request("/api/v1/tokens", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scopes\":[\"" + scope + "\"]}")).build());
        assertEquals(201, created.statusCode(), created.body());
        try {
            return Json.MAPPER.readTree(created.body()).path("token").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String jar(String group, String version) {
        return "/maven/" + group + "/lib/" + version + "/lib-" + version + ".jar";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String userColonPassword) {
        return TestRegistry.basic(userColonPassword);
    }

    private HttpResponse<String> get(String path, String authorization) {
        return registry.send(authorized(path, authorization).GET().build());
    }

    private HttpResponse<String> put(String path, String authorization, byte[] body) {
        return registry.send(authorized(path, authorization).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpRequest.Builder authorized(String path, String authorization) {
        return registry.request(path, null).header("Authorization", authorization);
    }

    private List<String> stored() {
        return registry.storedFiles().stream().filter(p -> !p.startsWith(".tmp")).toList();
    }
}
