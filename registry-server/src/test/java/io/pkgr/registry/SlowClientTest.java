package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clients that send request bodies a byte at a time: refused ones are answered at once and
 * closed, accepted ones are cut off below the minimum rate, and real clients go on meanwhile.
 * The attack uses raw sockets; the real clients use the JDK's HTTP client.
 */
class SlowClientTest {

    /** More attackers than worker threads (64): before the fix they held every one. */
    private static final int ATTACKERS = 80;
    private static final Duration SAFETY = Duration.ofSeconds(15);

    @TempDir
    Path tmp;
    TestRegistry registry;
    final List<SlowBodies> attacks = new ArrayList<>();

    @AfterEach
    void stop() {
        attacks.forEach(SlowBodies::close);
        if (registry != null) {
            registry.close();
        }
    }

    private void start(java.util.function.UnaryOperator<ServerConfig> customize) throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> customize.apply(c
                .withMinUploadRate(1024, Duration.ofSeconds(2))
                .withShutdownGrace(Duration.ofSeconds(1))));
    }

    @ParameterizedTest(name = "{0}: every slow body is answered {1} at once and closed; publish, login and yank go on")
    @CsvSource({"anonymous, 401", "bob (read only), 403"})
    void slowUnauthenticatedBodiesDoNotStarvePublishers(String who, int status) throws Exception {
        start(c -> c);
        String credentials = who.startsWith("bob") ? "Authorization: " + TestRegistry.basic(BOB) + "\r\n" : "";
        registry.put("/api/v1/bundles/team-ok/1.0.0", ALICE, TestBundles.bundle(tmp, "team-ok", "1.0.0", "ok"));
        List<String> before = registry.storedFiles();

        SlowBodies bundles = attack(ATTACKERS / 2, "PUT /api/v1/bundles/team-evil/1.0.0", credentials);
        // a PyPI upload names its project in the body, so a user is only refused once it is read: yank instead
        SlowBodies others = who.startsWith("bob")
                ? attack(ATTACKERS / 2, "POST /api/v1/bundles/team-ok/1.0.0/yank", credentials)
                : attack(ATTACKERS / 2, "POST /legacy/", "Content-Type: multipart/form-data; boundary=xyz\r\n");

        HttpResponse<String> published = registry.send(registry.request("/api/v1/bundles/team-new/1.0.0", ALICE)
                .timeout(SAFETY).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(TestBundles.bundle(tmp, "team-new", "1.0.0", "new"))).build());
        HttpResponse<String> login = registry.send(registry.request("/api/v1/whoami", ADMIN).timeout(SAFETY).build());
        HttpResponse<String> yanked = registry.send(registry.request("/api/v1/bundles/team-ok/1.0.0/yank", ALICE)
                .timeout(SAFETY).POST(HttpRequest.BodyPublishers.noBody()).build());

        assertEquals(201, published.statusCode(), published.body());
        assertEquals(200, login.statusCode(), login.body());
        assertEquals("admin", json(login).get("user").asText());
        assertEquals(200, yanked.statusCode(), yanked.body());
        for (Answer answer : bundles.answers()) {
            answer.assertRefusedAndClosed(status);
        }
        for (Answer answer : others.answers()) {
            answer.assertRefusedAndClosed(status);
        }
        List<String> after = registry.storedFiles();
        assertTrue(after.containsAll(before), "nothing lost");
        assertTrue(after.stream().noneMatch(f -> f.contains("team-evil")), "nothing of the attack stored: " + after);
    }

    @Test
    void slowLegacyUploadsOfAReadOnlyUserAreRefused403AtOnceAndTakeNoUploadSlot() throws Exception {
        start(c -> c.withMaxConcurrentUploads(4));
        String bob = "Authorization: " + TestRegistry.basic(BOB) + "\r\nContent-Type: multipart/form-data; boundary=xyz\r\n";
        List<String> before = registry.storedFiles();

        SlowBodies attack = attack(ATTACKERS, "POST /legacy/", bob);
        List<Answer> answers = attack.answers();
        HttpResponse<String> published = registry.send(registry.request("/api/v1/bundles/team-new/1.0.0", ALICE)
                .timeout(SAFETY).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(TestBundles.bundle(tmp, "team-new", "1.0.0", "new"))).build());

        for (Answer answer : answers) {
            answer.assertRefusedAndClosed(403);
            assertTrue(answer.text.contains("user 'bob' may not publish any project"), answer.text);
        }
        assertEquals(201, published.statusCode(), published.body());
        List<String> after = registry.storedFiles();
        assertTrue(after.containsAll(before) && after.stream().noneMatch(f -> f.endsWith(".part")), after.toString());
    }

    @Test
    void slowUploadsBeyondTheCapAreRefusedWith503AtOnceAndTheSlotHoldersAreCutOff() throws Exception {
        start(c -> c.withMaxConcurrentUploads(4));
        String alice = "Authorization: " + TestRegistry.basic(ALICE) + "\r\n";
        SlowBodies holders = attack(4, "PUT /api/v1/bundles/team-evil/1.0.0", alice);
        BadInputTest.waitFor(() -> registry.get("/metrics", ADMIN).body().contains("pkgr_uploads_in_flight 4"));

        SlowBodies refused = attack(36, "PUT /api/v1/bundles/team-evil/1.0.0", alice);

        for (Answer answer : refused.answers()) {
            answer.assertRefusedAndClosed(503);
            assertTrue(answer.text.contains("UPLOADS_BUSY"), answer.text);
        }
        for (Answer answer : holders.answers()) {
            answer.assertRefusedAndClosed(408);
            assertTrue(answer.text.contains("BODY_TOO_SLOW"), answer.text);
        }
        HttpResponse<String> published = registry.send(registry.request("/api/v1/bundles/team-new/1.0.0", ALICE)
                .timeout(SAFETY).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(TestBundles.bundle(tmp, "team-new", "1.0.0", "new"))).build());
        assertEquals(201, published.statusCode(), published.body());
        // a request is counted when its exchange completes, which may be just after its answer was read
        BadInputTest.waitFor(() -> {
            String metrics = registry.get("/metrics", ADMIN).body();
            return metrics.contains("route=\"/api/v1/bundles/{name}/{version}\",status=\"408\"} 4")
                    && metrics.contains("route=\"/api/v1/bundles/{name}/{version}\",status=\"503\"} 36");
        });
        assertTrue(registry.storedFiles().stream().noneMatch(f -> f.contains("team-evil") || f.endsWith(".part")),
                registry.storedFiles().toString());
    }

    @Test
    void aBodyThatStallsAfterItsHeadersIsAnswered408AfterTheGracePeriod() throws Exception {
        start(c -> c);
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.setSoTimeout((int) SAFETY.toMillis());
            socket.getOutputStream().write(head("PUT /api/v1/bundles/team-a/1.0.0",
                    "Authorization: " + TestRegistry.basic(ALICE) + "\r\n").getBytes(StandardCharsets.US_ASCII));

            Answer answer = Answer.readFrom(socket.getInputStream());

            answer.assertRefusedAndClosed(408);
            assertTrue(answer.text.contains("BODY_TOO_SLOW"), answer.text);
        }
        BadInputTest.waitFor(() -> registry.storedFiles().stream().noneMatch(f -> f.endsWith(".part")));
        BadInputTest.waitFor(() -> registry.get("/metrics", ADMIN).body()
                .contains("route=\"/api/v1/bundles/{name}/{version}\",status=\"408\"} 1"));
    }

    @Test
    void aSlowBodyAboveTheMinimumRateIsNotCutOff() throws Exception {
        start(c -> c);
        byte[] payload = new byte[24 * 1024];
        new Random(7).nextBytes(payload);
        byte[] bundle = Files.readAllBytes(TestBundles.writeBundle(tmp, "team-slow", "1.0.0", payload));
        assertTrue(bundle.length > 16 * 1024, "test setup: sending takes longer than the grace period");

        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.setSoTimeout((int) SAFETY.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head("PUT /api/v1/bundles/team-slow/1.0.0", "Authorization: " + TestRegistry.basic(ALICE)
                    + "\r\nConnection: close\r\n", bundle.length).getBytes(StandardCharsets.US_ASCII));
            // 2 KiB every 250 ms: 8 KiB/s against a minimum of 1 KiB/s, for about three seconds
            for (int offset = 0; offset < bundle.length; offset += 2048) {
                out.write(bundle, offset, Math.min(2048, bundle.length - offset));
                out.flush();
                Thread.sleep(250);
            }

            Answer answer = Answer.readFrom(socket.getInputStream());

            assertTrue(answer.text.startsWith("HTTP/1.1 201"), answer.text);
        }
        assertEquals(200, registry.get("/api/v1/bundles/team-slow/1.0.0", ALICE).statusCode());
    }

    private SlowBodies attack(int count, String requestLine, String headers) throws IOException {
        SlowBodies attack = SlowBodies.open(registry.server.port(), count, head(requestLine, headers));
        attacks.add(attack);
        return attack;
    }

    private static String head(String requestLine, String headers) {
        return head(requestLine, headers, 100_000);
    }

    private static String head(String requestLine, String headers, int contentLength) {
        return requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    /** What one raw socket got back: the bytes until the server closed, or until the safety timeout. */
    record Answer(String text, boolean closed) {

        static Answer readFrom(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    bytes.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return new Answer(bytes.toString(StandardCharsets.ISO_8859_1), false);
            } catch (java.net.SocketException e) {
                // reset after the server closed with body bytes still unread: closed all the same
            }
            return new Answer(bytes.toString(StandardCharsets.ISO_8859_1), true);
        }

        void assertRefusedAndClosed(int status) {
            assertTrue(text.startsWith("HTTP/1.1 " + status + " "), "answered " + status + ": " + text);
            assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), text);
            assertTrue(closed, "connection closed by the server: " + text);
        }
    }

    /** {@code count} raw sockets that send {@code head}, then one body byte each per 250 ms until closed. */
    static final class SlowBodies implements AutoCloseable {

        private final List<Socket> sockets;
        private final List<CompletableFuture<Answer>> answers = new ArrayList<>();
        private final ExecutorService readers;
        private final Thread trickle;

        private SlowBodies(List<Socket> sockets) {
            this.sockets = sockets;
            this.readers = Executors.newFixedThreadPool(sockets.size());
            for (Socket socket : sockets) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return Answer.readFrom(socket.getInputStream());
                    } catch (IOException e) {
                        return new Answer("", true);
                    }
                }, readers));
            }
            this.trickle = new Thread(this::trickle, "slow-bodies");
            trickle.setDaemon(true);
            trickle.start();
        }

        static SlowBodies open(int port, int count, String head) throws IOException {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout((int) SAFETY.toMillis());
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(0);
                socket.getOutputStream().flush();
                sockets.add(socket);
            }
            return new SlowBodies(sockets);
        }

        private void trickle() {
            List<Socket> open = new ArrayList<>(sockets);
            while (!open.isEmpty()) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                open.removeIf(socket -> {
                    try {
                        socket.getOutputStream().write(0);
                        socket.getOutputStream().flush();
                        return false;
                    } catch (IOException e) {
                        return true;
                    }
                });
            }
        }

        /** Every socket's answer, waiting at most the safety bound for all of them. */
        List<Answer> answers() throws Exception {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(SAFETY.toSeconds() + 5, TimeUnit.SECONDS);
            return Stream.of(answers.toArray(CompletableFuture[]::new)).map(f -> (Answer) f.join()).toList();
        }

        @Override
        public void close() {
            trickle.interrupt();
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            readers.shutdownNow();
        }
    }
}
