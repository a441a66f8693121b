package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

/** What HTTP itself asks of every answer: Allow on 405, HEAD on probes, nosniff on JSON, strict headers. */
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

    @Test
    void aHeaderLineWithoutAColonIsRefusedWith400() throws IOException {
        String request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nthis line has no colon\r\n\r\n";

        String answer = rawExchange(request);

        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    }

    @Test
    void aWellFormedRawRequestIsStillAnswered() throws IOException {
        String answer = rawExchange("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }

    /** Sends {@code request} as written, then reads until the server closes or 5 s pass. */
    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.ISO_8859_1);
        }
    }
}
