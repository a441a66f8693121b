package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What HTTP itself asks of every answer: Allow on 405, HEAD on probes, nosniff on JSON. */
class HttpHygieneTest {

    @TempDir
    Path tmp;
    TestRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aMethodNotAllowedOnAnApiRouteNamesTheMethodsThatAre() {
        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-a/1.0.0", ALICE)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(405, response.statusCode(), response.body());
        assertEquals("METHOD_NOT_ALLOWED", errorCode(response));
        assertEquals("DELETE, GET, HEAD, PUT", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void aMethodNotAllowedOnAProbeNamesGetAndHead() {
        HttpResponse<String> response = registry.send(registry.request("/healthz", null)
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(405, response.statusCode(), response.body());
        assertEquals("METHOD_NOT_ALLOWED", errorCode(response));
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }

    @ParameterizedTest(name = "HEAD {0} answers 200 without a body")
    @ValueSource(strings = {"/healthz", "/readyz"})
    void probesAnswerHeadLikeGetWithoutABody(String path) {
        HttpResponse<String> response = registry.send(registry.request(path, null)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
    }

    @ParameterizedTest(name = "{0} says nosniff")
    @ValueSource(strings = {"/healthz", "/api/v1/whoami", "/api/v1/bundles/team-none", "/no/such/route"})
    void jsonAnswersForbidContentSniffing(String path) {
        HttpResponse<String> response = registry.get(path, ALICE);

        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                path + " answers JSON");
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"), path);
    }
}
