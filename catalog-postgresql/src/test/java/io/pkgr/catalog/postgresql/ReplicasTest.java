package io.pkgr.catalog.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.testing.PostgresCluster;
import io.pkgr.testing.ServerOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code pkgr serve} processes on one PostgreSQL database and one data directory (the
 * shared blob store): what one replica publishes, yanks or refuses, the other serves or refuses
 * too, and an outage of the database stops writes, not reads, and heals by itself.
 */
class ReplicasTest {

    static final String ALICE = "alice:alice-pw";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static PostgresCluster pg;
    static Path data;
    static Replica one;
    static Replica two;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        pg = PostgresCluster.launch();
        String url = pg.createDatabase("registry");
        data = tmp.resolve("data");
        Files.createDirectories(data);
        String sha1 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                .digest("alice-pw".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(data.resolve("htpasswd"), "alice:{SHA}" + sha1 + "\n" + carol("carol-pw"));
        Files.writeString(data.resolve("access.yaml"), "rules:\n  - bundles: [\"*\"]\n    users: [alice]\n"
                + "    allow: [admin]\n");
        one = Replica.start(data, url);
        two = Replica.start(data, url);
        // the first publish and the first change heard load and compile their code paths: the
        // one-second bounds below are for replicas that have served before
        assertEquals(201, one.put("/api/v1/bundles/team-warm/1.0.0", bundle("team-warm", "1.0.0", "w1")).statusCode());
        assertEquals(201, two.put("/api/v1/bundles/team-warm/1.0.1", bundle("team-warm", "1.0.1", "w2")).statusCode());
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-warm/1.0.0"), Duration.ofSeconds(20));
        awaitStatus(200, () -> one.get("/api/v1/bundles/team-warm/1.0.1"), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Replica r : new Replica[] {one, two}) {
            if (r != null) {
                r.close();
            }
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aVersionPublishedOnOneReplicaIsServedByTheOtherWithinASecond() throws Exception {
        byte[] bundle = bundle("team-feed", "1.0.0", "first");
        assertEquals(201, one.put("/api/v1/bundles/team-feed/1.0.0", bundle).statusCode());
        long published = System.nanoTime();

        HttpResponse<byte[]> download = awaitStatus(200, () -> two.getBytes("/api/v1/bundles/team-feed/1.0.0/download"),
                Duration.ofSeconds(1));

        long millis = (System.nanoTime() - published) / 1_000_000;
        assertTrue(millis < 1000, "seen after " + millis + " ms");
        assertEquals(Sha256.ofBytes(bundle).hex(), Sha256.ofBytes(download.body()).hex());
    }

    @Test
    void twentyRacingPublishesOfOneVersionOverBothReplicasGiveExactlyOneCreated() throws Exception {
        List<byte[]> bundles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bundles.add(bundle("team-race", "1.0.0", "contender " + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Replica target = i % 2 == 0 ? one : two;
            byte[] body = bundles.get(i);
            answers.add(pool.submit(() -> target.put("/api/v1/bundles/team-race/1.0.0", body)));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS).statusCode());
        }
        pool.shutdown();

        assertEquals(1, Collections.frequency(statuses, 201), statuses.toString());
        assertEquals(19, Collections.frequency(statuses, 409), statuses.toString());
        String winner = one.get("/api/v1/bundles/team-race/1.0.0").body();
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-race/1.0.0"), Duration.ofSeconds(1));
        assertEquals(winner, two.get("/api/v1/bundles/team-race/1.0.0").body());
    }

    @Test
    void respelledPypiUploadsRacingOnBothReplicasStoreOneFile() throws Exception {
        for (int i = 0; i < 5; i++) {
            int round = i;
            String project = "team-spell-" + round;
            String module = project.replace('-', '_');
            CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(
                    () -> one.upload(project, "1.0", module + "-1.0.tar.gz", ("a" + round).getBytes(StandardCharsets.UTF_8)));
            CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(
                    () -> two.upload(project, "1.0.0", module + "-1.0.0.tar.gz", ("b" + round).getBytes(StandardCharsets.UTF_8)));
            List<Integer> statuses = List.of(a.get().statusCode(), b.get().statusCode());
            assertEquals(List.of(200, 409), statuses.stream().sorted().toList(), a.get().body() + " / " + b.get().body());
            assertEquals("1", pg.psql("registry", "SELECT count(*) FROM pypi_files WHERE project = '" + project + "'"));
        }
        // a respelling sent once the other replica knows the file: 409, and nothing stored
        awaitStatus(200, () -> two.get("/simple/team-spell-0/"), Duration.ofSeconds(1));
        List<String> before = storedFiles();
        HttpResponse<String> again = two.upload("team-spell-0", "1.0.0.0", "team_spell_0-1.0.0.0.tar.gz",
                "c".getBytes(StandardCharsets.UTF_8));
        assertEquals(409, again.statusCode(), again.body());
        assertTrue(again.body().contains("FILE_EXISTS"), again.body());
        assertEquals(before, storedFiles());
    }

    @Test
    void aYankOnOneReplicaIsSeenOnTheOther() throws Exception {
        assertEquals(201, one.put("/api/v1/bundles/team-yank/1.0.0", bundle("team-yank", "1.0.0", "y")).statusCode());
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-yank/1.0.0"), Duration.ofSeconds(1));

        assertEquals(200, two.post("/api/v1/bundles/team-yank/1.0.0/yank").statusCode());

        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (!one.get("/api/v1/bundles/team-yank/1.0.0").body().contains("\"yanked\":true")) {
            assertTrue(System.nanoTime() < deadline, "the yank did not reach the other replica within a second");
            Thread.sleep(20);
        }
    }

    @Test
    void whileTheDatabaseIsDownWritesAre503ReadsGoOnAndItHealsWithoutARestart() throws Exception {
        byte[] bundle = bundle("team-outage", "1.0.0", "before");
        assertEquals(201, one.put("/api/v1/bundles/team-outage/1.0.0", bundle).statusCode());
        assertEquals(200, one.upload("team-outage", "1.0", "team_outage-1.0.tar.gz", "sdist".getBytes(StandardCharsets.UTF_8))
                .statusCode());
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-outage/1.0.0"), Duration.ofSeconds(1));
        assertEquals(200, one.get("/readyz").statusCode());

        pg.stop();
        try {
            for (Replica replica : List.of(one, two)) {
                assertEquals(503, replica.get("/readyz").statusCode());
                HttpResponse<String> publish = replica.put("/api/v1/bundles/team-outage/1.0.1",
                        bundle("team-outage", "1.0.1", "during"));
                assertEquals(503, publish.statusCode(), publish.body());
                assertTrue(publish.body().contains("\"CATALOG_UNAVAILABLE\""), publish.body());
                HttpResponse<String> upload = replica.upload("team-outage", "2.0", "team_outage-2.0.tar.gz",
                        "during".getBytes(StandardCharsets.UTF_8));
                assertEquals(503, upload.statusCode(), upload.body());
                assertEquals(200, replica.getBytes("/api/v1/bundles/team-outage/1.0.0/download").statusCode());
                assertEquals(200, replica.get("/simple/team-outage/").statusCode());
                assertEquals(200, replica.get("/api/v1/bundles/team-outage").statusCode());
            }
        } finally {
            pg.start();
        }

        awaitStatus(200, () -> one.get("/readyz"), Duration.ofSeconds(15));
        awaitStatus(200, () -> two.get("/readyz"), Duration.ofSeconds(15));
        assertEquals(201, two.put("/api/v1/bundles/team-outage/1.0.1", bundle("team-outage", "1.0.1", "after")).statusCode());
        // the feed reconnected: the other replica hears of it
        awaitStatus(200, () -> one.get("/api/v1/bundles/team-outage/1.0.1"), Duration.ofSeconds(3));
        // and the password never reached a log line
        assertTrue(Stream.concat(one.lines().stream(), two.lines().stream()).noneMatch(l -> l.contains(pg.password())));
    }

    @Test
    void aWebSessionOpenedOnOneReplicaWorksOnTheOtherAndALogoutOnEitherEndsItOnBoth() throws Exception {
        assertEquals(201, one.put("/api/v1/bundles/team-web/1.0.0", bundle("team-web", "1.0.0", "web")).statusCode());
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-web/1.0.0"), Duration.ofSeconds(5));

        HttpResponse<String> login = web(one, "/ui/login", null, "user=alice&password=alice-pw");
        assertEquals(303, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring("pkgr_session=".length(), setCookie.indexOf(';'));
        // the database holds the token's SHA-256, never the token
        assertEquals("1", pg.psql("registry", "SELECT count(*) FROM web_sessions WHERE token_sha256 = '"
                + Sha256.ofBytes(cookie.getBytes(StandardCharsets.UTF_8)).hex() + "'"));
        assertEquals("0", pg.psql("registry", "SELECT count(*) FROM web_sessions WHERE token_sha256 = '" + cookie + "'"));

        // the other replica knows the session, and takes a form its peer rendered
        HttpResponse<String> page = web(two, "/ui/bundles/team-web/1.0.0", cookie, null);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("alice"), page.body());
        String csrf = csrf(web(one, "/ui/bundles/team-web/1.0.0", cookie, null).body());
        HttpResponse<String> yank = web(two, "/ui/bundles/team-web/1.0.0/yank", cookie, "csrf=" + csrf + "&action=yank&reason=web");
        assertEquals(303, yank.statusCode(), yank.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // the change reaches one through the feed
        while (!one.get("/api/v1/bundles/team-web/1.0.0").body().contains("\"yanked\":true")) {
            assertTrue(System.nanoTime() < deadline, "the yank made through two did not reach one");
            Thread.sleep(20);
        }

        // a logout through one replica ends the session on the other
        assertEquals(303, web(one, "/ui/logout", cookie, "csrf=" + csrf).statusCode());
        HttpResponse<String> after = web(two, "/ui/bundles/team-web/1.0.0", cookie, null);
        assertEquals(303, after.statusCode(), "anonymous again: sent to the login");
    }

    @Test
    void aFormRenderedForABasicUserOnOneReplicaIsTakenByTheOther() throws Exception {
        assertEquals(201, one.put("/api/v1/bundles/team-webb/1.0.0", bundle("team-webb", "1.0.0", "webb")).statusCode());
        awaitStatus(200, () -> two.get("/api/v1/bundles/team-webb/1.0.0"), Duration.ofSeconds(5));
        HttpResponse<String> page = send(one.request("/ui/bundles/team-webb/1.0.0").header("Accept", "text/html").GET().build());
        assertEquals(200, page.statusCode(), page.body());

        HttpResponse<String> yank = send(two.request("/ui/bundles/team-webb/1.0.0/yank")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf(page.body()) + "&action=yank&reason=basic")).build());

        assertEquals(303, yank.statusCode(), yank.body());
    }

    @Test
    void aWebSessionEndsWithItsUsersPasswordEvenOnAReplicaStartedAfterTheChange() throws Exception {
        HttpResponse<String> login = web(one, "/ui/login", null, "user=carol&password=carol-pw");
        assertEquals(303, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring("pkgr_session=".length(), setCookie.indexOf(';'));
        HttpResponse<String> home = web(two, "/", cookie, null);
        assertTrue(home.body().contains("carol"), home.body());

        // the user file changes while replica two is down: it never sees a change, only the new file
        two.close();
        Path htpasswd = data.resolve("htpasswd");
        Files.writeString(htpasswd, Files.readString(htpasswd).replace(carol("carol-pw"), carol("carol-new")));
        two = Replica.start(data, pg.url("registry"));

        HttpResponse<String> after = web(two, "/", cookie, null);
        assertFalse(after.body().contains("carol"), "the old password's session still works: " + after.body());
        // and on the replica that saw the change happen, once it has read the file
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (web(one, "/", cookie, null).body().contains("carol")) {
            assertTrue(System.nanoTime() < deadline, "replica one still takes the old password's session");
            assertEquals(200, one.get("/api/v1/bundles/team-warm/1.0.0").statusCode()); // a credential check reads the file
            Thread.sleep(200);
        }
    }

    @Test
    void aUserKeepsAtMostAHundredWebSessions() throws Exception {
        for (int i = 0; i < 105; i++) {
            assertEquals(303, web(i % 2 == 0 ? one : two, "/ui/login", null, "user=alice&password=alice-pw").statusCode());
        }
        assertEquals("100", pg.psql("registry", "SELECT count(*) FROM web_sessions WHERE user_name = 'alice'"));
    }

    private static String carol(String password) {
        try {
            return "carol:{SHA}" + Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(password.getBytes(StandardCharsets.UTF_8))) + "\n";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    /** A browser's request: the session cookie (or none) instead of Basic credentials; a form when given. */
    private static HttpResponse<String> web(Replica replica, String path, String cookie, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "text/html");
        if (cookie != null) {
            request.header("Cookie", "pkgr_session=" + cookie);
        }
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        }
        return send(request.build());
    }

    private static List<String> storedFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(Files::isRegularFile).map(p -> data.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aTokenMadeOnOneReplicaWorksOnTheOtherUntilItIsRevokedThere() throws Exception {
        HttpResponse<String> created = send(one.request("/api/v1/tokens").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"scopes\":[\"team-tok*:publish\"]}")).build());
        assertEquals(201, created.statusCode(), created.body());
        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body());
        String token = body.path("token").asText();
        String id = body.path("info").path("id").asText();
        assertEquals(1, Integer.parseInt(pg.psql("registry", "SELECT count(*) FROM api_tokens WHERE id = '" + id + "'")));
        assertFalse(pg.psql("registry", "SELECT secret_sha256 || scopes FROM api_tokens").contains(token.substring(16)),
                "only a hash of the secret is in the database");

        // the other replica has not re-read the tokens yet: it looks the unknown id up at once
        HttpResponse<String> published = send(bearer(two, "/api/v1/bundles/team-tok/1.0.0", token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundleOrFail("team-tok", "1.0.0"))).build());
        assertEquals(201, published.statusCode(), published.body());
        assertTrue(published.body().contains("\"publisher\":\"alice\""), published.body());
        assertEquals(403, send(bearer(one, "/api/v1/bundles/other-tok/1.0.0", token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundleOrFail("other-tok", "1.0.0"))).build()).statusCode());

        assertEquals(200, send(two.request("/api/v1/tokens/" + id).DELETE().build()).statusCode());
        awaitStatus(401, () -> send(bearer(one, "/api/v1/whoami", token).GET().build()), Duration.ofSeconds(15));
        assertEquals("0", pg.psql("registry", "SELECT count(*) FROM api_tokens WHERE id = '" + id + "'"));
    }

    @Test
    void aTokenScopedToAMavenGroupDeploysToThatGroupOnlyOnEitherReplica() throws Exception {
        HttpResponse<String> created = send(one.request("/api/v1/tokens").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci-maven\",\"scopes\":[\"org.foo-bar:*:publish\"]}"))
                .build());
        assertEquals(201, created.statusCode(), created.body());
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).path("token").asText();
        List<String> before = storedFiles().stream().filter(p -> p.startsWith("maven/") || p.startsWith("blobs/")).toList();

        for (String twin : List.of("org/foo/bar", "org/foo_bar", "Org/foo-bar")) {
            HttpResponse<String> refused = send(bearer(two, "/maven/" + twin + "/lib/1.0/lib-1.0.jar", token)
                    .PUT(HttpRequest.BodyPublishers.ofString("token's")).build());
            assertEquals(403, refused.statusCode(), twin + ": " + refused.body());
        }
        assertEquals(before, storedFiles().stream().filter(p -> p.startsWith("maven/") || p.startsWith("blobs/")).toList(),
                "nothing stored");
        assertEquals(201, send(bearer(two, "/maven/org/foo-bar/lib/1.0/lib-1.0.jar", token)
                .PUT(HttpRequest.BodyPublishers.ofString("token's")).build()).statusCode());
        assertEquals("org.foo-bar:*:publish", pg.psql("registry", "SELECT scopes FROM api_tokens WHERE name = 'ci-maven'"));
    }

    private static HttpRequest.Builder bearer(Replica replica, String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        return Replica.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bundleOrFail(String name, String version) {
        try {
            return bundle(name, version, "token " + name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static <T> HttpResponse<T> awaitStatus(int status, Supplier<HttpResponse<T>> request, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            HttpResponse<T> response = request.get();
            if (response.statusCode() == status) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + response.statusCode() + " after " + within + ": " + response.body());
            }
            Thread.sleep(10);
        }
    }

    static byte[] bundle(String name, String version, String content) throws IOException {
        Path dir = Files.createTempDirectory("bundle");
        try {
            Path payload = Files.writeString(dir.resolve("data.bin"), content);
            TreeMap<String, Path> files = new TreeMap<>();
            files.put("files/data.bin", payload);
            String yaml = "name: " + name + "\nversion: " + version + "\ndescription: replica test\nruntime: exec\n"
                    + "entrypoints:\n  main:\n    command: [\"./run.sh\"]\n";
            Path target = dir.resolve("b.pkgr");
            BundleWriter.write(Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8)), files, target);
            return Files.readAllBytes(target);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** One {@code pkgr serve} child process. */
    static final class Replica implements AutoCloseable {
        private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        final Process process;
        final int port;
        final List<String> output;

        /** What the process printed so far (a snapshot: the output grows while it runs). */
        List<String> lines() {
            return List.copyOf(output);
        }

        private Replica(ServerOutput server, int port) {
            this.process = server.process();
            this.port = port;
            this.output = server.lines();
        }

        static Replica start(Path data, String databaseUrl) throws Exception {
            return start(data, databaseUrl, pg.password());
        }

        static Replica start(Path data, String databaseUrl, String databasePassword) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx192m",
                    "-cp", System.getProperty("java.class.path"), "io.pkgr.registry.RegistryMain", "--data", data.toString(),
                    "--host", "127.0.0.1", "--port", "0", "--database", databaseUrl, "--database-check-interval", "2");
            builder.environment().put("PKGR_DATABASE_PASSWORD", databasePassword);
            ServerOutput server = ServerOutput.start(builder);
            return new Replica(server, Integer.parseInt(server.await(LISTENING, Duration.ofSeconds(60)).group(1)));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(ALICE.getBytes(StandardCharsets.UTF_8)));
        }

        HttpResponse<String> get(String path) {
            return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<byte[]> getBytes(String path) {
            return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<String> put(String path, byte[] body) {
            return send(request(path).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path) {
            return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A twine-style legacy upload of one file. */
        HttpResponse<String> upload(String project, String version, String filename, byte[] content) {
            String boundary = "pkgrtestboundary";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String[] field : new String[][] {{":action", "file_upload"}, {"protocol_version", "1"}, {"name", project},
                    {"version", version}, {"filetype", "sdist"}}) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                        + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return send(request("/legacy/").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        }

        private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            try {
                return HTTP.send(request, handler);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
