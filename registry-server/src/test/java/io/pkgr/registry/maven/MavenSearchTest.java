package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ApiJson;
import io.pkgr.api.SearchResults;
import io.pkgr.registry.TestRegistry;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maven artifacts in {@code /api/v1/search}: their own kind, only what the caller may read, from the index. */
class MavenSearchTest {

    @TempDir
    Path data;
    TestRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(data, c -> c);
        // alice may read team-* (TestRegistry's rules), bob everything
        deploy("/maven/com/example/lib/1.0/lib-1.0.jar");
        deploy("/maven/team-a/lib/2.0/lib-2.0.jar");
        deploy("/maven/team-a/tool/1.0/tool-1.0.pom");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aSearchListsTheMavenArtifactsTheCallerMayRead() throws IOException {
        SearchResults bob = search("LIB", TestRegistry.BOB);
        SearchResults alice = search("lib", TestRegistry.ALICE);

        assertEquals(List.of(new SearchResults.MavenHit("com.example", "lib"), new SearchResults.MavenHit("team-a", "lib")),
                bob.maven());
        assertEquals(List.of(new SearchResults.MavenHit("team-a", "lib")), alice.maven());
        assertEquals(List.of(), alice.results(), "no bundle matches");
    }

    @Test
    void anEmptyQueryListsEveryReadableArtifact() throws IOException {
        assertEquals(List.of("team-a:lib", "team-a:tool"),
                search("", TestRegistry.ALICE).maven().stream().map(SearchResults.MavenHit::coordinates).toList());
    }

    @Test
    void anAnonymousCallerIsAskedToLogIn() {
        HttpResponse<String> anonymous = registry.send(registry.request("/api/v1/search?q=lib", null).GET().build());

        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("UNAUTHORIZED"), anonymous.body());
    }

    @Test
    void aSearchWithoutMavenHitsHasNoMavenKey() {
        HttpResponse<String> response = registry.send(registry.request("/api/v1/search?q=nothing", TestRegistry.BOB).GET().build());

        assertEquals("{\"query\":\"nothing\",\"results\":[]}", response.body());
    }

    @Test
    void whatWasStoredBeforeARestartIsFoundAfterIt() throws IOException {
        registry.close();
        registry = TestRegistry.start(data, c -> c);

        assertEquals(3, search("", TestRegistry.BOB).maven().size());
        assertTrue(registry.send(registry.request("/metrics", TestRegistry.ADMIN).GET().build()).body()
                .contains("pkgr_catalog_maven_artifacts 3.0"));
    }

    private SearchResults search(String query, String credentials) throws IOException {
        HttpResponse<String> response = registry.send(registry.request("/api/v1/search?q=" + query, credentials).GET().build());
        assertEquals(200, response.statusCode(), response.body());
        return ApiJson.MAPPER.readValue(response.body(), SearchResults.class);
    }

    private void deploy(String path) {
        HttpResponse<String> put = registry.send(registry.request(path, TestRegistry.ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString(path, StandardCharsets.UTF_8)).build());
        assertEquals(201, put.statusCode(), put.body());
    }
}
