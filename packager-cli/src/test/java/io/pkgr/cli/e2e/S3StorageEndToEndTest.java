package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.testing.S3Server;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real {@code pkgr serve --storage s3://… --s3-redirect} process on a real S3 server (s3proxy),
 * used by the real clients: pkgr publish/install/run, twine, pip, and raw HTTP.
 */
class S3StorageEndToEndTest {

    private static final String BUCKET = "registry";
    private static final String PREFIX = "prod";

    @TempDir
    static Path dir;
    static S3Server s3;
    static S3Client bucket;
    static ServerProcess server;
    static String authorization;

    @TempDir
    Path home;
    Cli cli;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
        s3.createBucket(BUCKET);
        bucket = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build();
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main", "serve", "--data", dir.resolve("data").toString(), "--host", "127.0.0.1",
                "--port", "0", "--storage", "s3://" + BUCKET + "/" + PREFIX, "--s3-endpoint", s3.endpoint().toString(),
                "--s3-path-style", "--s3-redirect", "--s3-redirect-expiry", "120"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(s3.environment());
        server = ServerProcess.start(builder);
        authorization = "Basic " + Base64.getEncoder().encodeToString(
                ("admin:" + server.adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        s3.close();
    }

    @BeforeEach
    void configure() {
        cli = new Cli(home);
        assertOk(cli.run("config", "repositories.private", server.url.toString()));
        assertOk(cli.run("config", "http-basic.private", "admin", server.adminPassword));
    }

    private static Cli.Result assertOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    private static List<String> objects() {
        return bucket.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).contents().stream()
                .map(S3Object::key).filter(k -> !k.contains("/.staging/probe-")).sorted().toList();
    }

    private static List<String> openUploads() {
        return bucket.listMultipartUploads(b -> b.bucket(BUCKET).prefix(PREFIX + "/")).uploads().stream()
                .map(u -> u.key()).toList();
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request.header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aBundlePublishedToS3IsInstalledAndRunThroughPresignedRedirects() throws IOException {
        Path project = Files.createDirectories(home.resolve("nightly"));
        assertOk(cli.in(project).run("init", "--runtime", "exec", "--name", "nightly"));
        Files.writeString(project.resolve("bin/hello.sh"), """
                #!/bin/sh
                printf '{"args": "%s"}' "$*" > "$PKGR_OUTPUT"
                """);
        assertOk(cli.in(project).run("build"));

        Cli.Result publish = assertOk(cli.in(project).run("publish", "-r", "private", "--whole"));
        Cli.Result run = assertOk(cli.run("run", "-r", "private", "nightly==0.1.0", "hello", "--who=s3"));

        assertTrue(publish.out().startsWith("published nightly 0.1.0"), publish.out());
        assertTrue(run.out().contains("{\"args\":\"--who=s3\"}"), run.out());
        assertTrue(server.log.stream().anyMatch(l -> l.contains("/api/v1/bundles/nightly/0.1.0/blobs/sha256:") && l.contains(" 307")),
                "the layer download was redirected:\n" + String.join("\n", server.log));
        assertTrue(objects().contains(PREFIX + "/bundles/nightly/0.1.0.json"), objects().toString());
        assertTrue(objects().stream().anyMatch(k -> k.startsWith(PREFIX + "/blobs/sha256/")), objects().toString());
        assertTrue(objects().stream().noneMatch(k -> k.contains("/.staging/")), objects().toString());
    }

    @Test
    void aBlobAnswers307ToAPresignedUrlOnlyAfterTheAccessCheckAndRangesWorkThere() throws Exception {
        byte[] bundle = publishRaw("ranged", "1.0.0", 1000);
        HttpResponse<byte[]> layers = send(HttpRequest.newBuilder(server.url.resolve("api/v1/bundles/ranged/1.0.0/layers")));
        var files = new com.fasterxml.jackson.databind.ObjectMapper().readTree(layers.body()).path("files");
        String digest = files.path("sha256").asText().replace("sha256:", "");
        URI blob = server.url.resolve("api/v1/bundles/ranged/1.0.0/blobs/sha256:" + digest);

        HttpResponse<byte[]> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(blob).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> redirect = send(HttpRequest.newBuilder(blob));
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(blob).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<byte[]> whole = send(HttpRequest.newBuilder(server.url.resolve("api/v1/bundles/ranged/1.0.0/download")));

        assertEquals(200, layers.statusCode(), new String(layers.body(), StandardCharsets.UTF_8));
        assertEquals(64, digest.length(), digest);
        assertEquals(401, anonymous.statusCode());
        assertEquals(307, redirect.statusCode());
        URI presigned = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(s3.endpoint().getPort(), presigned.getPort());
        assertEquals("no-store", redirect.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(200, head.statusCode(), "HEAD is answered by the registry");
        assertEquals(files.path("size").asText(), head.headers().firstValue("Content-Length").orElseThrow());
        byte[] stored = presigned.toURL().openStream().readAllBytes();
        assertEquals(digest, java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(stored)), "the presigned URL serves the blob");
        HttpURLConnection range = (HttpURLConnection) presigned.toURL().openConnection();
        range.setRequestProperty("Range", "bytes=10-19");
        assertEquals(206, range.getResponseCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(stored, 10, 20), range.getInputStream().readAllBytes());
        assertEquals(200, whole.statusCode(), "the whole bundle is assembled by the registry, not redirected");
        assertArrayEquals(bundle, whole.body());
    }

    @Test
    void pipAndPoetryInstallAWheelUploadedWithTwineFollowingTheRedirectToS3() throws Exception {
        Path wheels = PythonFixtures.wheel(home, "s3lib", "2.0.0");
        PythonFixtures.twineUpload(wheels.resolve("s3lib-2.0.0-py3-none-any.whl"), server.url.resolve("legacy/"),
                "admin", server.adminPassword);
        String index = server.url.toString().replace("http://", "http://admin:" + server.adminPassword + "@") + "simple/";

        ProcessBuilder pip = new ProcessBuilder(PythonFixtures.PYTHON, "-m", "pip", "--isolated", "install",
                "--no-cache-dir", "--disable-pip-version-check", "--target", home.resolve("site").toString(),
                "--index-url", index, "s3lib==2.0.0").redirectErrorStream(true);
        pip.environment().put("PIP_CONFIG_FILE", "/dev/null");
        Process p = pip.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("VERSION = '2.0.0'\n", Files.readString(home.resolve("site/s3lib/__init__.py")));
        assertTrue(server.log.stream().anyMatch(l -> l.contains("GET /packages/s3lib/s3lib-2.0.0-py3-none-any.whl 307")),
                "pip was redirected:\n" + String.join("\n", server.log));

        Path project = Files.createDirectories(home.resolve("consumer"));
        Files.writeString(project.resolve("pyproject.toml"), """
                [tool.poetry]
                name = "consumer"
                version = "0.1.0"
                description = "installs from the registry"
                authors = ["Test <test@example.com>"]
                packages = []

                [tool.poetry.dependencies]
                python = ">=3.8"
                s3lib = {version = "2.0.0", source = "private"}

                [[tool.poetry.source]]
                name = "private"
                url = "%ssimple/"
                secondary = true
                """.formatted(server.url));
        ProcessBuilder poetry = new ProcessBuilder("poetry", "install", "--no-root", "-n").directory(project.toFile())
                .redirectErrorStream(true);
        poetry.environment().putAll(Map.of("HOME", home.toString(), "POETRY_CONFIG_DIR", home.resolve("poetry-config").toString(),
                "POETRY_CACHE_DIR", home.resolve("poetry-cache").toString(), "POETRY_VIRTUALENVS_IN_PROJECT", "true",
                "POETRY_HTTP_BASIC_PRIVATE_USERNAME", "admin", "POETRY_HTTP_BASIC_PRIVATE_PASSWORD", server.adminPassword,
                "PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring"));
        Process installed = poetry.start();
        String poetryOut = new String(installed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(installed.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, installed.exitValue(), poetryOut);
        try (var found = Files.find(project.resolve(".venv"), 6, (f, a) -> f.endsWith("s3lib/__init__.py"))) {
            assertEquals("VERSION = '2.0.0'\n", Files.readString(found.findFirst().orElseThrow()));
        }
    }

    @Test
    void aConflictingPublishIs409AndStoresNothing() throws Exception {
        publishRaw("fixed", "1.0.0", 5000);
        List<String> before = objects();
        byte[] other = build("fixed-other", "fixed", "1.0.0", 6000);

        HttpResponse<byte[]> conflict = send(HttpRequest.newBuilder(server.url.resolve("api/v1/bundles/fixed/1.0.0"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(other)));

        assertEquals(409, conflict.statusCode());
        assertTrue(new String(conflict.body(), StandardCharsets.UTF_8).contains("VERSION_EXISTS"),
                new String(conflict.body(), StandardCharsets.UTF_8));
        assertEquals(before, objects());
        assertEquals(List.of(), openUploads());
    }

    @Test
    void anUploadCutOffMidwayLeavesNoObjectAndNoMultipartUpload() throws Exception {
        List<String> before = objects();
        byte[] chunk = new byte[1 << 20];
        new Random(1).nextBytes(chunk);
        try (Socket socket = new Socket("127.0.0.1", server.url.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/bundles/cut/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (64L << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 20; i++) { // past two 8 MiB parts: a multipart upload is open when the client goes
                out.write(chunk);
            }
            out.flush();
            awaitTrue(() -> !openUploads().isEmpty(), "the upload streams into a multipart upload");
        }

        awaitTrue(() -> openUploads().isEmpty(), "the multipart upload is aborted");
        assertEquals(before, objects());
        assertEquals(404, send(HttpRequest.newBuilder(server.url.resolve("api/v1/bundles/cut/1.0.0"))).statusCode());
    }

    @Test
    void readinessFailsWhileTheBucketIsUnreachableAndRecoversByItself() throws Exception {
        URI ready = server.url.resolve("readyz");
        assertEquals(200, send(HttpRequest.newBuilder(ready)).statusCode());

        s3.stop();
        try {
            awaitTrue(() -> status(ready) == 503, "/readyz fails while the bucket is unreachable");
        } finally {
            s3.start();
        }

        awaitTrue(() -> status(ready) == 200, "/readyz recovers once the bucket is back");
        String metrics = new String(send(HttpRequest.newBuilder(server.url.resolve("metrics"))).body(),
                StandardCharsets.UTF_8);
        assertTrue(metrics.contains("pkgr_storage_errors_total{operation=\"check\"}"), metrics);
        assertTrue(metrics.contains("pkgr_storage_operation_duration_seconds_count{operation=\"stat\"}")
                || metrics.contains("pkgr_storage_operation_duration_seconds_count{operation=\"check\"}"), metrics);
    }

    private static int status(URI uri) {
        try {
            return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (software.amazon.awssdk.services.s3.model.S3Exception busy) {
                // s3proxy's listing can answer 500 while a part is being written: ask again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting until " + what);
    }

    /** Publishes a valid bundle with about {@code size} bytes of payload through pkgr publish (the whole file, which the registry keeps whole and redirects) and returns its bytes. */
    private byte[] publishRaw(String name, String version, int size) throws Exception {
        byte[] bytes = build(name, name, version, size);
        assertOk(cli.in(home.resolve(name)).run("publish", "-r", "private", "--whole"));
        return bytes;
    }

    /** Builds bundle {@code name} {@code version} in {@code home/dir} with {@code size} random bytes besides its script. */
    private byte[] build(String dir, String name, String version, int size) throws IOException {
        Path project = Files.createDirectories(home.resolve(dir));
        assertOk(cli.in(project).run("init", "--runtime", "exec", "--name", name));
        Files.writeString(project.resolve("pkgr.yaml"), Files.readString(project.resolve("pkgr.yaml"))
                .replace("version: 0.1.0", "version: " + version));
        byte[] filler = new byte[size];
        new Random(size).nextBytes(filler);
        Files.write(project.resolve("bin/filler.bin"), filler);
        assertOk(cli.in(project).run("build"));
        return Files.readAllBytes(project.resolve("dist/" + name + "-" + version + ".pkgr"));
    }
}
