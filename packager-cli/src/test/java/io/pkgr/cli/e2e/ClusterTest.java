package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.testing.Nginx;
import io.pkgr.testing.PostgresCluster;
import io.pkgr.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The scale-out topology for real: three {@code pkgr serve} replicas on one S3 bucket (s3proxy)
 * and one PostgreSQL database, behind nginx on loopback with the configuration docs/scale-out.md
 * recommends. Clients talk to the balancer; the test asks replicas directly what they serve. The
 * outage and the killed replica come last, so the earlier tests have all three replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

    private static final String BUCKET = "registry";
    private static final String PREFIX = "prod";
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";
    private static final String AUTHORIZATION = "Basic "
            + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long BIG_UPLOAD = 200L << 20;

    @TempDir
    static Path dir;
    static S3Server s3;
    static PostgresCluster pg;
    static final List<ServerProcess> replicas = Collections.synchronizedList(new ArrayList<>());
    static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
        s3.createBucket(BUCKET);
        pg = PostgresCluster.launch();
        String database = pg.createDatabase("registry");
        Path etc = Files.createDirectories(dir.resolve("etc"));
        String sha1 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest(PASSWORD.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(etc.resolve("htpasswd"), USER + ":{SHA}" + sha1 + "\n");
        Files.writeString(etc.resolve("access.yaml"), "rules:\n  - bundles: [\"*\"]\n    users: [alice]\n    allow: [admin]\n");

        // three JVMs starting at once: in parallel, or start-up alone takes a third of the budget
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path data = dir.resolve("replica-" + i);
            starting.add(CompletableFuture.supplyAsync(() -> startReplica(data, database, etc)));
        }
        for (CompletableFuture<ServerProcess> replica : starting) {
            replica.join();
        }
        nginx = Nginx.start(Files.createDirectories(dir.resolve("nginx")),
                replicas.stream().map(r -> r.url.getPort()).toList());

        // the first publish and the first change heard load and compile their code paths: the
        // one-second bounds below are for replicas that have served before
        for (int i = 0; i < replicas.size(); i++) {
            String version = "1.0." + i;
            assertEquals(201, put(replicas.get(i).url, "/api/v1/bundles/cluster-warm/" + version,
                    bundle("cluster-warm", version, "warm " + i)).statusCode());
        }
        for (ServerProcess replica : replicas) {
            for (int i = 0; i < replicas.size(); i++) {
                String path = "/api/v1/bundles/cluster-warm/1.0." + i;
                awaitStatus(200, () -> get(replica.url, path), Duration.ofSeconds(20));
            }
        }
    }

    private static ServerProcess startReplica(Path data, String database, Path etc) {
        List<String> command = List.of(ServerProcess.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.pkgr.cli.Main", "serve",
                "--data", data.toString(), "--host", "127.0.0.1", "--port", "0",
                "--htpasswd", etc.resolve("htpasswd").toString(), "--access", etc.resolve("access.yaml").toString(),
                "--storage", "s3://" + BUCKET + "/" + PREFIX, "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style",
                "--database", database, "--database-check-interval", "2");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(s3.environment());
        builder.environment().put("PKGR_DATABASE_PASSWORD", pg.password());
        try {
            ServerProcess replica = ServerProcess.start(builder);
            replicas.add(replica);
            return replica;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        // each part on its own, so one that fails to stop leaves none of the others running
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(nginx);
        parts.addAll(replicas);
        parts.add(pg);
        parts.add(s3);
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + part + ": " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void aVersionPublishedThroughTheBalancerIsServedByEveryReplicaWithinASecond() throws Exception {
        byte[] bundle = bundle("cluster-feed", "1.0.0", "first");

        HttpResponse<String> publish = put(nginx.url(), "/api/v1/bundles/cluster-feed/1.0.0", bundle);
        long published = System.nanoTime();

        assertEquals(201, publish.statusCode(), publish.body());
        for (ServerProcess replica : replicas) {
            HttpResponse<byte[]> download = awaitStatus(200,
                    () -> getBytes(replica.url, "/api/v1/bundles/cluster-feed/1.0.0/download"), Duration.ofSeconds(1));
            assertEquals(Sha256.ofBytes(bundle).hex(), Sha256.ofBytes(download.body()).hex(), replica.url.toString());
        }
        long millis = (System.nanoTime() - published) / 1_000_000;
        assertTrue(millis < 1000, "every replica served it after " + millis + " ms");
    }

    @Test
    @Order(2)
    void twentyRacingPublishesOfOneVersionSpreadOverTheReplicasGiveExactlyOneCreated() throws Exception {
        List<byte[]> contenders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            contenders.add(bundle("cluster-race", "1.0.0", "contender " + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (byte[] body : contenders) {
            answers.add(pool.submit(() -> {
                go.await();
                return put(nginx.url(), "/api/v1/bundles/cluster-race/1.0.0", body);
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : answers) {
            statuses.add(answer.get(120, TimeUnit.SECONDS).statusCode());
        }
        pool.shutdown();

        assertEquals(1, Collections.frequency(statuses, 201), statuses.toString());
        assertEquals(19, Collections.frequency(statuses, 409), statuses.toString());
        List<String> upstreams = upstreamsOf("PUT /api/v1/bundles/cluster-race/1.0.0 ");
        assertEquals(20, upstreams.size(), upstreams.toString());
        assertEquals(3, upstreams.stream().distinct().count(), "the publishes reached every replica: " + upstreams);
        String winner = get(replicas.get(0).url, "/api/v1/bundles/cluster-race/1.0.0").body();
        for (ServerProcess replica : replicas) {
            HttpResponse<String> record = awaitStatus(200, () -> get(replica.url, "/api/v1/bundles/cluster-race/1.0.0"),
                    Duration.ofSeconds(1));
            assertEquals(winner, record.body(), replica.url.toString());
        }
    }

    @Test
    @Order(3)
    void pipInstallsAWheelThatTwineUploadedThroughTheBalancer(@TempDir Path home) throws Exception {
        Path wheels = PythonFixtures.wheel(home, "clusterlib", "1.2.0");
        PythonFixtures.twineUpload(wheels.resolve("clusterlib-1.2.0-py3-none-any.whl"), nginx.url().resolve("legacy/"),
                USER, PASSWORD);
        // pip asks whichever replica nginx picks: wait until every one lists the file (the feed's second)
        for (ServerProcess replica : replicas) {
            awaitStatus(200, () -> get(replica.url, "/simple/clusterlib/"), Duration.ofSeconds(1));
        }
        String index = nginx.url().toString().replace("http://", "http://" + USER + ":" + PASSWORD + "@") + "simple/";

        ProcessBuilder pip = new ProcessBuilder(PythonFixtures.PYTHON, "-m", "pip", "--isolated", "install",
                "--no-cache-dir", "--disable-pip-version-check", "--target", home.resolve("site").toString(),
                "--index-url", index, "clusterlib==1.2.0").redirectErrorStream(true);
        pip.environment().put("PIP_CONFIG_FILE", "/dev/null");
        Process p = pip.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertEquals("VERSION = '1.2.0'\n", Files.readString(home.resolve("site/clusterlib/__init__.py")));
        assertFalse(upstreamsOf("GET /packages/clusterlib/clusterlib-1.2.0-py3-none-any.whl ").isEmpty(),
                "pip downloaded through nginx:\n" + String.join("\n", nginx.accessLog()));
    }

    @Test
    @Order(4)
    void stoppingPostgresqlFailsReadinessEverywhereAndWritesAnswer503UntilItIsBackWithoutRestarts() throws Exception {
        byte[] before = bundle("cluster-outage", "1.0.0", "before");
        assertEquals(201, put(nginx.url(), "/api/v1/bundles/cluster-outage/1.0.0", before).statusCode());
        for (ServerProcess replica : replicas) {
            awaitStatus(200, () -> get(replica.url, "/api/v1/bundles/cluster-outage/1.0.0"), Duration.ofSeconds(1));
            assertEquals(200, get(replica.url, "/readyz").statusCode());
        }

        pg.stop();
        try {
            for (ServerProcess replica : replicas) {
                assertEquals(503, get(replica.url, "/readyz").statusCode(), replica.url.toString());
            }
            for (int i = 0; i < replicas.size(); i++) {
                HttpResponse<String> publish = put(nginx.url(), "/api/v1/bundles/cluster-outage/1.0.1",
                        bundle("cluster-outage", "1.0.1", "during " + i));
                assertEquals(503, publish.statusCode(), publish.body());
                assertTrue(publish.body().contains("\"CATALOG_UNAVAILABLE\""), publish.body());
                HttpResponse<byte[]> download = getBytes(nginx.url(), "/api/v1/bundles/cluster-outage/1.0.0/download");
                assertEquals(200, download.statusCode(), "reads go on from memory");
                assertEquals(Sha256.ofBytes(before).hex(), Sha256.ofBytes(download.body()).hex());
            }
            assertEquals(3, upstreamsOf("PUT /api/v1/bundles/cluster-outage/1.0.1 ").stream().distinct().count(),
                    "every replica refused a write:\n" + String.join("\n", nginx.accessLog()));
        } finally {
            pg.start();
        }

        for (ServerProcess replica : replicas) {
            awaitStatus(200, () -> get(replica.url, "/readyz"), Duration.ofSeconds(15));
        }
        byte[] after = bundle("cluster-outage", "1.0.1", "after");
        assertEquals(201, put(nginx.url(), "/api/v1/bundles/cluster-outage/1.0.1", after).statusCode());
        for (ServerProcess replica : replicas) {
            // every listening connection reconnected: each replica hears of the change
            awaitStatus(200, () -> get(replica.url, "/api/v1/bundles/cluster-outage/1.0.1"), Duration.ofSeconds(3));
        }
        assertTrue(replicas.stream().allMatch(r -> r.process.isAlive()), "no replica restarted");
    }

    @Test
    @Order(5)
    void killingAReplicaInTheMiddleOfA200MbUploadLeavesNoVersionAndTheOthersKeepServing() throws Exception {
        byte[] served = bundle("cluster-steady", "1.0.0", "steady");
        assertEquals(201, put(nginx.url(), "/api/v1/bundles/cluster-steady/1.0.0", served).statusCode());
        for (ServerProcess replica : replicas) {
            awaitStatus(200, () -> get(replica.url, "/api/v1/bundles/cluster-steady/1.0.0"), Duration.ofSeconds(1));
        }
        List<String> objectsBefore = committedObjects();

        // given an upload of 200 MB through the balancer that stops feeding after 64 MB
        GatedBody body = new GatedBody(BIG_UPLOAD, 64L << 20);
        CompletableFuture<HttpResponse<String>> upload = HTTP.sendAsync(
                request(nginx.url(), "/api/v1/bundles/cluster-big/1.0.0").header("Content-Type", "application/octet-stream")
                        .timeout(Duration.ofSeconds(120))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                                BIG_UPLOAD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(body.paused.await(60, TimeUnit.SECONDS), "64 MB were sent");
        ServerProcess victim = awaitUploadingReplica(Duration.ofSeconds(20));

        // when that replica is killed mid-upload, and the client goes on sending
        victim.process.destroyForcibly();
        assertTrue(victim.process.waitFor(10, TimeUnit.SECONDS));
        body.resume.countDown();
        int status;
        try {
            status = upload.get(120, TimeUnit.SECONDS).statusCode();
        } catch (java.util.concurrent.ExecutionException cut) {
            status = -1; // nginx may close the client's connection before reading the rest
        }

        // then the client never heard success, nginx did not send the PUT to a second replica
        assertTrue(status == 502 || status == -1, "upload answered " + status);
        List<ServerProcess> survivors = replicas.stream().filter(r -> r != victim).toList();
        // nginx logs the request when it finishes with it, which may be after the client gave up
        List<String> upstreams = upstreamsOf("PUT /api/v1/bundles/cluster-big/1.0.0 ");
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); upstreams.isEmpty()
                && System.nanoTime() < deadline; upstreams = upstreamsOf("PUT /api/v1/bundles/cluster-big/1.0.0 ")) {
            Thread.sleep(200);
        }
        assertEquals(List.of(victim.url.getAuthority()), upstreams, "sent to the killed replica only:\n" + nginx.errorLog());
        // and no replica serves a version, and the bucket holds no new record or blob
        for (ServerProcess replica : survivors) {
            assertEquals(404, get(replica.url, "/api/v1/bundles/cluster-big/1.0.0").statusCode());
        }
        assertEquals(objectsBefore, committedObjects());
        // and the balancer keeps serving from the others (nginx skips the dead one after a refused connection)
        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> download = getBytes(nginx.url(), "/api/v1/bundles/cluster-steady/1.0.0/download");
            assertEquals(200, download.statusCode(), "download " + i);
            assertEquals(Sha256.ofBytes(served).hex(), Sha256.ofBytes(download.body()).hex());
        }
        // and nothing half-done holds the version: a real publish of it succeeds and every survivor serves it
        byte[] real = bundle("cluster-big", "1.0.0", "the real one");
        assertEquals(201, put(nginx.url(), "/api/v1/bundles/cluster-big/1.0.0", real).statusCode());
        for (ServerProcess replica : survivors) {
            awaitStatus(200, () -> get(replica.url, "/api/v1/bundles/cluster-big/1.0.0/download"), Duration.ofSeconds(1));
        }
    }

    /** The replica whose {@code pkgr_uploads_in_flight} is above zero. */
    private static ServerProcess awaitUploadingReplica(Duration within) throws InterruptedException {
        Pattern gauge = Pattern.compile("(?m)^pkgr_uploads_in_flight\\s+([0-9.eE+-]+)");
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (ServerProcess replica : replicas) {
                Matcher m = gauge.matcher(get(replica.url, "/metrics").body());
                if (m.find() && Double.parseDouble(m.group(1)) > 0) {
                    return replica;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no replica reports an upload in flight");
    }

    /** The objects under the registry's prefix, as S3 lists them (no open multipart upload is one), without staging. */
    private static List<String> committedObjects() {
        try (S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build()) {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).contents().stream()
                    .map(S3Object::key).filter(k -> !k.contains("/.staging/")).sorted().toList();
        }
    }

    /** The upstream each logged request with this prefix ({@code "PUT /path "}) went to, in log order. */
    private static List<String> upstreamsOf(String requestPrefix) throws IOException {
        return nginx.accessLog().stream().filter(l -> l.startsWith(requestPrefix))
                .map(l -> l.split(" ")[3]).collect(Collectors.toList());
    }

    private static HttpRequest.Builder request(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("Authorization", AUTHORIZATION);
    }

    private static HttpResponse<String> get(URI base, String path) {
        return send(request(base, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(URI base, String path) {
        return send(request(base, path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> put(URI base, String path, byte[] body) {
        return send(request(base, path).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> HttpResponse<T> awaitStatus(int status, Supplier<HttpResponse<T>> request, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            HttpResponse<T> response = request.get();
            if (response.statusCode() == status) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(response.request().uri() + " still " + response.statusCode() + " after " + within
                        + ": " + response.body());
            }
            Thread.sleep(10);
        }
    }

    private static byte[] bundle(String name, String version, String content) throws IOException {
        Path work = Files.createTempDirectory(dir, "bundle");
        Path payload = Files.writeString(work.resolve("data.bin"), content);
        TreeMap<String, Path> files = new TreeMap<>(Map.of("files/data.bin", payload));
        String yaml = "name: " + name + "\nversion: " + version + "\ndescription: cluster test\nruntime: exec\n"
                + "entrypoints:\n  main:\n    command: [\"./run.sh\"]\n";
        Path target = work.resolve("b.pkgr");
        BundleWriter.write(Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8)), files, target);
        return Files.readAllBytes(target);
    }

    /** {@code size} pseudo-random bytes that stop after {@code pauseAt} until {@link #resume} opens. */
    private static final class GatedBody extends InputStream {
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private final byte[] block = new byte[1 << 16];
        private final long size;
        private final long pauseAt;
        private long sent;

        GatedBody(long size, long pauseAt) {
            this.size = size;
            this.pauseAt = pauseAt;
            new Random(14).nextBytes(block);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent == pauseAt) {
                paused.countDown();
                try {
                    if (!resume.await(120, TimeUnit.SECONDS)) {
                        throw new IOException("never resumed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (sent >= size) {
                return -1;
            }
            long limit = sent < pauseAt ? pauseAt : size;
            int offset = (int) (sent % block.length);
            int n = (int) Math.min(Math.min(len, block.length - offset), limit - sent);
            System.arraycopy(block, offset, b, off, n);
            sent += n;
            return n;
        }
    }
}
