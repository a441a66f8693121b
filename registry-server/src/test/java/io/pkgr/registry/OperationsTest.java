package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, readiness, metrics and the upload cap. */
class OperationsTest {

    @TempDir
    Path tmp;

    @Test
    void metricsCountRequestsByRouteTemplateAndStatus() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"))) {
            registry.put("/api/v1/bundles/team-m/1.0.0", ALICE, TestBundles.bundle(tmp, "team-m", "1.0.0", "m"));
            registry.get("/api/v1/bundles/team-m", BOB);

            HttpResponse<String> metrics = registry.get("/metrics", ADMIN);

            assertEquals(200, metrics.statusCode());
            String body = metrics.body();
            assertTrue(body.contains("pkgr_http_requests_total{method=\"GET\",route=\"/api/v1/bundles/{name}\",status=\"200\"} 1"), body);
            assertTrue(body.contains("route=\"/api/v1/bundles/{name}/{version}\",status=\"201\""), body);
            assertTrue(body.contains("pkgr_http_request_duration_seconds_bucket"), body);
            assertTrue(body.contains("pkgr_catalog_versions 1"), body);
            assertTrue(body.contains("pkgr_auth_cache_hits_total"), body);
            assertTrue(body.contains("pkgr_uploads_in_flight 0"), body);
            assertTrue(body.contains("pkgr_http_received_bytes_total"), body);
        }
    }

    @Test
    void metricsNeedCredentialsUnlessMadePublic() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"))) {
            assertEquals(401, registry.get("/metrics", null).statusCode());
        }
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withPublicMetrics(true))) {
            assertEquals(200, registry.get("/metrics", null).statusCode());
        }
    }

    @Test
    void readinessFailsWhenStorageIsNotWritable() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"))) {
            assertEquals(200, registry.get("/readyz", null).statusCode());
            java.nio.file.Files.delete(registry.data.resolve(".tmp"));

            HttpResponse<String> response = registry.get("/readyz", null);

            assertEquals(503, response.statusCode());
            assertEquals("UNAVAILABLE", errorCode(response));
            assertEquals(200, registry.get("/healthz", null).statusCode(), "alive all the same");
        }
    }

    @Test
    void uploadsBeyondTheCapAreRefusedWith503() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withMaxConcurrentUploads(1));
             Socket slow = new Socket("127.0.0.1", registry.server.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("PUT /api/v1/bundles/team-a/1.0.0 HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestRegistry.basic(ALICE) + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            BadInputTest.waitFor(() -> registry.get("/metrics", ADMIN).body().contains("pkgr_uploads_in_flight 1"));

            HttpResponse<String> response = registry.put("/api/v1/bundles/team-b/1.0.0", ALICE,
                    TestBundles.bundle(tmp, "team-b", "1.0.0", "b"));

            assertEquals(503, response.statusCode());
            assertEquals("UPLOADS_BUSY", errorCode(response));
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void anUploadCutOffMidwayIsLoggedAndCountedAs499WithTheBytesReallyReceived() throws Exception {
        AccessLines access = AccessLines.capture();
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"))) {
            try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("PUT /api/v1/bundles/team-a/1.0.0 HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                        + TestRegistry.basic(ALICE) + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1000]);
                out.flush();
                BadInputTest.waitFor(() -> registry.get("/metrics", ADMIN).body().contains("pkgr_uploads_in_flight 1"));
            }

            BadInputTest.waitFor(() -> access.contains("PUT /api/v1/bundles/team-a/1.0.0 "));

            assertTrue(access.contains("alice PUT /api/v1/bundles/team-a/1.0.0 499 in=1000 out=0"), access.toString());
            String metrics = registry.get("/metrics", ADMIN).body();
            assertTrue(metrics.contains("method=\"PUT\",route=\"/api/v1/bundles/{name}/{version}\",status=\"499\"} 1"), metrics);
            assertFalse(metrics.contains("method=\"PUT\",route=\"/api/v1/bundles/{name}/{version}\",status=\"200\""), metrics);
            assertTrue(metrics.contains("pkgr_http_received_bytes_total 1000.0"), metrics);
            assertEquals(404, registry.get("/api/v1/bundles/team-a/1.0.0", ALICE).statusCode(), "nothing published");
        } finally {
            access.close();
        }
    }

    @Test
    void anUploadRefusedBeforeItsBodyIsReadCountsNoReceivedBytes() throws Exception {
        AccessLines access = AccessLines.capture();
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withMaxUploadBytes(1 << 20));
             Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /api/v1/bundles/team-a/1.0.0 HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestRegistry.basic(ALICE) + "\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            BadInputTest.waitFor(() -> access.contains("PUT /api/v1/bundles/team-a/1.0.0 "));
            assertTrue(access.contains("alice PUT /api/v1/bundles/team-a/1.0.0 413 in=0 "), access.toString());
            String metrics = registry.get("/metrics", ADMIN).body();
            assertTrue(metrics.contains("pkgr_http_received_bytes_total 0.0"), metrics);
        } finally {
            access.close();
        }
    }

    /** The access log lines written while it is open (the logger is JUL's {@code pkgr.access}). */
    static final class AccessLines extends Handler {
        // JUL holds loggers weakly: keep this one while the handler is on it
        private final Logger logger = Logger.getLogger("pkgr.access");
        private final List<String> lines = new CopyOnWriteArrayList<>();

        static AccessLines capture() {
            AccessLines handler = new AccessLines();
            handler.logger.addHandler(handler);
            return handler;
        }

        boolean contains(String text) {
            return lines.stream().anyMatch(line -> line.contains(text));
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }
}
