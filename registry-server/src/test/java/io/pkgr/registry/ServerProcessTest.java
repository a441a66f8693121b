package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.Sha256;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server process: killed mid-upload, and stopped with SIGTERM during a download and a stalled upload. */
class ServerProcessTest {

    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newHttpClient();

    private static List<Path> partFiles(Path data) throws Exception {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    private static void sendHeaders(OutputStream out, String method, String path, long length) throws Exception {
        out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + TestRegistry.basic(ALICE)
                + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aServerKilledMidUploadRestartsWithoutAPartialVersionAndTheUploadCanBeRetried() throws Exception {
        // given a 200 MB bundle and a server process receiving half of it
        Path bundle = TestBundles.largeBundle(tmp, "team-big", "1.0.0", 200L << 20);
        Path data = tmp.resolve("data");
        ServerProcess server = ServerProcess.start(data);
        try (server; Socket socket = new Socket("127.0.0.1", server.port); InputStream in = Files.newInputStream(bundle)) {
            OutputStream out = socket.getOutputStream();
            sendHeaders(out, "PUT", "/api/v1/bundles/team-big/1.0.0", Files.size(bundle));
            byte[] chunk = new byte[1 << 20];
            for (int sent = 0; sent < 100; sent++) {
                out.write(chunk, 0, in.read(chunk));
            }
            out.flush();
            BadInputTest.waitFor(() -> {
                try {
                    return !partFiles(data).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });

            // when the process is killed with SIGKILL
            server.process.destroyForcibly();
            server.process.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(!partFiles(data).isEmpty(), "test setup: the crash left a temp file");

        // then a restart sweeps the temp file, shows no version, and accepts the upload again
        try (ServerProcess restarted = ServerProcess.start(data)) {
            assertEquals(List.of(), partFiles(data));
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(restarted.uri("/api/v1/bundles/team-big/1.0.0")))
                    .header("Authorization", TestRegistry.basic(BOB)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(!Files.exists(data.resolve("bundles")) || Files.list(data.resolve("bundles")).findAny().isEmpty());

            HttpResponse<String> retry = http.send(HttpRequest.newBuilder(URI.create(restarted.uri("/api/v1/bundles/team-big/1.0.0")))
                    .header("Authorization", TestRegistry.basic(ALICE)).PUT(HttpRequest.BodyPublishers.ofFile(bundle)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, retry.statusCode(), retry.body());
            assertEquals(Sha256.ofFile(bundle).hex(), TestRegistry.json(retry).get("sha256").asText());
        }
    }

    @Test
    void sigtermLetsAnInFlightDownloadComplete() throws Exception {
        // given a published 32 MB bundle and a client that has started downloading it slowly
        Path bundle = TestBundles.largeBundle(tmp, "team-dl", "1.0.0", 32L << 20);
        Path data = tmp.resolve("data");
        ServerProcess server = ServerProcess.start(data, "--shutdown-grace", "20");
        try {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(server.uri("/api/v1/bundles/team-dl/1.0.0")))
                    .header("Authorization", TestRegistry.basic(ALICE)).PUT(HttpRequest.BodyPublishers.ofFile(bundle)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode(), put.body());
            try (Socket socket = new Socket("127.0.0.1", server.port)) {
                socket.setReceiveBufferSize(64 * 1024);
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/v1/bundles/team-dl/1.0.0/download HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Authorization: " + TestRegistry.basic(BOB) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] head = in.readNBytes(4096);

                // when the server gets SIGTERM mid-download
                server.process.destroy();
                Thread.sleep(500);

                // then the download still completes with the exact bytes, and the process exits
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                String headers = new String(head, StandardCharsets.ISO_8859_1);
                int bodyStart = headers.indexOf("\r\n\r\n") + 4;
                assertTrue(headers.startsWith("HTTP/1.1 200"), headers);
                sha.update(head, bodyStart, head.length - bodyStart);
                long total = head.length - bodyStart;
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    sha.update(buffer, 0, n);
                    total += n;
                }
                assertEquals(Files.size(bundle), total);
                assertEquals(Sha256.ofFile(bundle).hex(), HexFormat.of().formatHex(sha.digest()));
            }
            assertTrue(server.process.waitFor(20, TimeUnit.SECONDS), "the server exits after draining");
            assertEquals(0, server.process.exitValue(), "a drained stop is a clean stop: " + server.output);
        } finally {
            server.close();
        }
    }

    @Test
    void sigtermWithAStalledUploadExitsZeroSoonAfterTheGracePeriodAndKeepsNoPartOfIt() throws Exception {
        // given an upload that sent its headers and 1 MiB of a declared 64 MiB, then stalled (idle timeout 60 s)
        Path data = tmp.resolve("data");
        ServerProcess server = ServerProcess.start(data, "--shutdown-grace", "2");
        try (Socket socket = new Socket("127.0.0.1", server.port)) {
            OutputStream out = socket.getOutputStream();
            sendHeaders(out, "PUT", "/api/v1/bundles/team-stall/1.0.0", 64L << 20);
            out.write(new byte[1 << 20]);
            out.flush();
            Thread.sleep(500);

            // when the server gets SIGTERM
            server.process.destroy();

            // then it exits 0 once the grace period is over, without waiting for the idle timeout
            assertTrue(server.process.waitFor(15, TimeUnit.SECONDS), "the server exits soon after the 2 s grace period");
            assertEquals(0, server.process.exitValue());
        } finally {
            server.close();
        }
        // and no version and no record of the upload is left
        assertTrue(Files.notExists(data.resolve("bundles/team-stall")), "no version of the cut upload");
    }
}
