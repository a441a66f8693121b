package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input from the issue: the status, the error code, and that nothing stored changed. */
class BadInputTest {

    @TempDir
    Path tmp;
    TestRegistry registry;
    List<String> before;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.withMaxUploadBytes(1 << 20));
        before = registry.storedFiles();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private void assertRejected(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, errorCode(response), response.body());
        assertEquals(before, registry.storedFiles(), "nothing stored changed");
        assertEquals(List.of(), tempFiles(), "no temp file left");
    }

    private List<Path> tempFiles() {
        try (Stream<Path> walk = Files.walk(registry.data)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "name {0} is refused with {1}")
    @CsvSource({
        "%2e%2e, INVALID_NAME",
        "..%2f..%2fetc, INVALID_NAME",
        "a%2fb, INVALID_NAME",
        "a%5cb, INVALID_NAME",
        "a%00b, INVALID_NAME",
        "caf%C3%A9, INVALID_NAME",
        "-leading, INVALID_NAME",
    })
    void badNamesAreRefusedOnPublish(String name, String code) throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/" + name + "/1.0.0", ALICE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertTrue(response.statusCode() == 400 || response.statusCode() == 404, response.statusCode() + " " + response.body());
        if (response.statusCode() == 400) {
            assertEquals(code, errorCode(response));
        } else {
            assertEquals("NOT_FOUND", errorCode(response));
        }
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void anOverlongNameIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        assertRejected(registry.put("/api/v1/bundles/team-" + "a".repeat(300) + "/1.0.0", ALICE, bundle), 400, "INVALID_NAME");
    }

    @ParameterizedTest(name = "version {0} is refused")
    @CsvSource({"%2e%2e", "1.0", "v1.0.0", "1.0.0%00", "1.0.0%2f..", "01.0.0", "1.0.0-%C3%A9"})
    void badVersionsAreRefusedOnPublish(String version) throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/" + version, ALICE, bundle);

        assertTrue(response.statusCode() == 400 || response.statusCode() == 404, response.statusCode() + " " + response.body());
        assertEquals(response.statusCode() == 400 ? "INVALID_VERSION" : "NOT_FOUND", errorCode(response));
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void anOverlongVersionIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0-" + "a".repeat(200), ALICE, bundle), 400, "INVALID_VERSION");
    }

    @Test
    void aBundleWhoseManifestNamesAnotherBundleIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-other", "1.0.0", "x");

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, bundle), 422, "MANIFEST_MISMATCH");
    }

    @Test
    void aBundleWhoseManifestNamesAnotherVersionIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.1", "x");

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, bundle), 422, "MANIFEST_MISMATCH");
    }

    @Test
    void aCorruptBundleIsRefused() {
        byte[] garbage = "this is not a gzip file at all".getBytes(StandardCharsets.UTF_8);

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, garbage), 422, "BUNDLE_INVALID");
    }

    @Test
    void aTruncatedBundleIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x".repeat(5000));
        byte[] truncated = java.util.Arrays.copyOf(bundle, bundle.length / 2);

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, truncated), 422, "BUNDLE_INVALID");
    }

    @Test
    void aTarSlipBundleIsRefused() {
        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, TestBundles.tarSlip("team-x", "1.0.0")),
                422, "BUNDLE_INVALID");
        assertTrue(Files.notExists(tmp.resolve("evil.txt")));
    }

    @Test
    void aBundleFollowedByASecondGzipMemberIsRefused() throws IOException {
        // given: a valid bundle with a gzip member holding '../concat-escaped' appended
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");
        byte[] concatenated = TestBundles.concat(bundle, TestBundles.escapingMember("../concat-escaped"));

        // when
        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, concatenated);

        // then
        assertRejected(response, 422, "BUNDLE_INVALID");
        assertTrue(errorMessage(response).contains("after the end of the gzip stream"), response.body());
        assertEquals(404, registry.get("/api/v1/bundles/team-x/1.0.0", ALICE).statusCode());
    }

    @Test
    void aBundleFollowedByJunkIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");
        byte[] withJunk = TestBundles.concat(bundle, "junk".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, withJunk);

        assertRejected(response, 422, "BUNDLE_INVALID");
        assertTrue(errorMessage(response).contains("after the end of the gzip stream"), response.body());
    }

    @Test
    void aBundleWithADirectoryEntryIsRefused() {
        HttpResponse<String> response = registry.put("/api/v1/bundles/team-x/1.0.0", ALICE,
                TestBundles.withDirectoryEntry("team-x", "1.0.0", "files/d/"));

        assertRejected(response, 422, "BUNDLE_INVALID");
        assertTrue(errorMessage(response).contains("'files/d/' is a directory"), response.body());
    }

    private static String errorMessage(HttpResponse<String> response) {
        return TestRegistry.json(response).path("error").path("message").asText();
    }

    @Test
    void aGzipBombIsRefused() {
        byte[] bomb = TestBundles.gzipBomb("team-x", "1.0.0", 512L << 20);
        assertTrue(bomb.length < 1 << 20, "test setup: the bomb fits under the upload limit");

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, bomb), 422, "BUNDLE_INVALID");
    }

    @Test
    void aDeclaredSha256ThatDoesNotMatchIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-x/1.0.0", ALICE)
                .header("X-Checksum-Sha256", "0".repeat(64))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertRejected(response, 400, "DIGEST_MISMATCH");
    }

    @Test
    void aDeclaredDigestHeaderThatDoesNotMatchIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-x/1.0.0", ALICE)
                .header("Digest", "sha-256=" + java.util.Base64.getEncoder().encodeToString(new byte[32]))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertRejected(response, 400, "DIGEST_MISMATCH");
    }

    @Test
    void aGarbledDigestHeaderIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-x/1.0.0", ALICE)
                .header("X-Checksum-Sha256", "not-hex")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertRejected(response, 400, "DIGEST_INVALID");
    }

    @Test
    void aBodyWithAnotherContentTypeIsRefused() throws IOException {
        byte[] bundle = TestBundles.bundle(tmp, "team-x", "1.0.0", "x");

        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-x/1.0.0", ALICE)
                .header("Content-Type", "multipart/form-data; boundary=x")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertRejected(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedWith413() {
        byte[] big = new byte[(1 << 20) + 1];

        assertRejected(registry.put("/api/v1/bundles/team-x/1.0.0", ALICE, big), 413, "UPLOAD_TOO_LARGE");
    }

    @Test
    void aChunkedBodyOverTheSizeLimitIsRefusedWith413() {
        byte[] big = new byte[(2 << 20)];
        HttpRequest request = registry.request("/api/v1/bundles/team-x/1.0.0", ALICE)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();

        HttpResponse<String> response;
        try {
            response = registry.send(request);
        } catch (java.io.UncheckedIOException e) {
            // the server may close the connection before the client finished sending: also a refusal
            assertEquals(before, registry.storedFiles());
            assertEquals(List.of(), tempFiles());
            return;
        }
        assertRejected(response, 413, "UPLOAD_TOO_LARGE");
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesNothingBehind() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/bundles/team-x/1.0.0 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + TestRegistry.basic(ALICE) + "\r\n"
                    + "Content-Length: 500000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100_000]);
            out.flush();
            waitFor(() -> !tempFiles().isEmpty());
        }

        waitFor(() -> tempFiles().isEmpty());
        assertEquals(before, registry.storedFiles());
        assertEquals(404, registry.get("/api/v1/bundles/team-x/1.0.0", ALICE).statusCode());
    }

    @Test
    void aMalformedRequestLineNeverCrashesTheServer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.getOutputStream().write("GARBAGE \u0000\u0001 HTTP/9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(5000);
            in.readAllBytes();
        } catch (java.net.SocketException | java.net.SocketTimeoutException expected) {
            // closed by the server: fine
        }

        assertEquals(200, registry.get("/healthz", null).statusCode());
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 10 s");
            }
            Thread.sleep(20);
        }
    }
}
