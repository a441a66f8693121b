package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.BundleSources;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.testing.PostgresCluster;
import io.pkgr.testing.S3Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pkgr admin gc} against real registries: a {@code pkgr serve} process on a data directory
 * taking 100 publishes while gc runs again and again, the dry run and retention through the CLI
 * with a lock registered by {@code pkgr lock --register}, and S3 storage with the PostgreSQL catalog.
 */
class GcEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void gcUnderConcurrentPublishingLosesNoReferencedBlob() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data)) {
            RegistryClient client = client(server);
            // a deleted version leaves its blobs; the next versions publish the same files again (reuse)
            publish(client, "load", "0.9.0", "shared");
            assertEquals(200, delete(server, "api/v1/bundles/load/0.9.0"));
            Sha256 garbage = writeBlob(data, "nobody references me".getBytes(StandardCharsets.UTF_8));
            ageBlobs(data, Duration.ofDays(2));
            Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));

            AtomicInteger published = new AtomicInteger();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100; i++) {
                    try {
                        publish(client, "load", "1.0." + i, i % 2 == 0 ? "shared" : "own-" + i);
                        published.incrementAndGet();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            List<Cli.Result> runs = new ArrayList<>();
            while (!publishing.isDone() || runs.size() < 3) {
                runs.add(cli.run("admin", "gc", "--data", data.toString(), "--grace", "1h"));
            }
            publishing.get(5, TimeUnit.MINUTES);
            Cli.Result last = cli.run("admin", "gc", "--data", data.toString(), "--grace", "1h");
            Cli.Result fsck = cli.run("admin", "fsck", "--data", data.toString());

            runs.forEach(r -> assertEquals(0, r.exitCode(), r.toString()));
            assertEquals(100, published.get());
            assertEquals(0, fsck.exitCode(), fsck.toString());
            assertTrue(fsck.out().contains("checked 100 records"), fsck.out());
            assertTrue(fsck.out().contains("0 problem(s)"), fsck.out());
            assertFalse(Files.exists(data.resolve(blobPath(garbage))), "the old unreferenced blob was removed");
            assertTrue(runs.get(0).out().contains("blob(s) removed"), runs.get(0).out());
            assertEquals(0, last.exitCode(), last.toString());
            for (int i : new int[] {0, 1, 50, 99}) {
                assertEquals(200, get(server, "api/v1/bundles/load/1.0." + i + "/download"));
            }
        }
    }

    @Test
    void retentionKeepsARegisteredLocksVersionAndRemovesExactlyWhatItsDryRunListed() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data)) {
            RegistryClient client = client(server);
            for (int i = 0; i < 5; i++) {
                publish(client, "app", "1.0." + i, "files-" + i);
            }
            Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));
            assertEquals(0, cli.run("config", "repositories.private", server.url.toString()).exitCode());
            assertEquals(0, cli.run("config", "http-basic.private", "admin", server.adminPassword).exitCode());
            Cli.Result locked = cli.run("lock", "-r", "private", "--register", "app==1.0.1");
            ageBlobs(data, Duration.ofDays(2));
            Path rules = Files.writeString(dir.resolve("retention.yaml"), "rules:\n  - match: app\n    keep-last: 2\n");
            Map<String, String> before = listing(data);

            Cli.Result dry = cli.run("admin", "gc", "--data", data.toString(), "--retention", rules.toString(), "--dry-run");
            Map<String, String> afterDry = listing(data);
            Cli.Result real = cli.run("admin", "gc", "--data", data.toString(), "--retention", rules.toString());

            assertEquals(0, locked.exitCode(), locked.toString());
            assertTrue(locked.out().contains("registered pkgr.lock with 'private'"), locked.out());
            assertEquals(0, dry.exitCode(), dry.toString());
            assertEquals(before, afterDry, "a dry run changes nothing");
            assertEquals(List.of("app 1.0.0", "app 1.0.2"), removedVersions(dry.out(), "would remove "));
            assertEquals(removedVersions(dry.out(), "would remove "), removedVersions(real.out(), "removed "));
            assertTrue(real.out().contains("retention: 2 version(s) removed"), real.out());
            // each removal is audited as a delete, with the rule that removed it
            List<String> audited = Files.readAllLines(data.resolve("audit/audit.log")).stream()
                    .filter(line -> line.contains("\"action\":\"delete\"")).toList();
            assertEquals(2, audited.size(), audited.toString());
            assertTrue(audited.get(0).contains("\"name\":\"app\",\"version\":\"1.0.0\"")
                    && audited.get(1).contains("\"version\":\"1.0.2\""), audited.toString());
            assertTrue(audited.stream().allMatch(line -> line.contains("pkgr admin gc --retention: not among the last 2")
                    && line.contains("\"outcome\":\"ok\"") && line.contains("\"sha256\":\"")), audited.toString());
            assertTrue(Files.exists(data.resolve("bundles/app/1.0.1.json")), "the registered lock pins 1.0.1");
            assertFalse(Files.exists(data.resolve("bundles/app/1.0.0.json")));
            assertFalse(Files.exists(data.resolve("bundles/app/1.0.2.json")));
            Cli.Result fsck = cli.run("admin", "fsck", "--data", data.toString());
            assertEquals(0, fsck.exitCode(), fsck.toString());
            assertTrue(fsck.out().contains("0 unreferenced blob(s)"), fsck.out());
        }
    }

    @Test
    void aBadRulesFileIsRefusedAndNothingChanges() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data)) {
            publish(client(server), "app", "1.0.0", "x");
        }
        ageBlobs(data, Duration.ofDays(2));
        Path rules = Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - match: app\n    keep-lats: 2\n");
        Map<String, String> before = listing(data);

        Cli.Result r = new Cli(Files.createDirectories(dir.resolve("home"))).run("admin", "gc", "--data", data.toString(),
                "--retention", rules.toString());

        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("bad.yaml: rule 1 (app): unknown key 'keep-lats'"), r.err());
        assertEquals(before, listing(data));
    }

    @Test
    void gcAndFsckGivenAFileUrlLeaveTheUploadsInProgressOfARunningRegistryAlone() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(data)) {
            publish(client(server), "app", "1.0.0", "x");
        }
        // as a running registry's upload in progress: a temp file in the store's .tmp
        Path upload = Files.writeString(data.resolve(".tmp").resolve(".upload-in-progress" + io.pkgr.bundle.AtomicFiles.TEMP_SUFFIX), "half a wheel");
        String url = data.toUri().toString();
        Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));

        Cli.Result gc = cli.run("admin", "gc", "--storage", url, "--dry-run");
        Cli.Result fsck = cli.run("admin", "fsck", "--storage", url);

        assertEquals(0, gc.exitCode(), gc.toString());
        assertEquals(0, fsck.exitCode(), fsck.toString());
        assertEquals("half a wheel", Files.readString(upload));
    }

    @Test
    void gcRemovesADeletedVersionsBlobsFromS3WithThePostgresCatalog() throws Exception {
        try (S3Server s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
                PostgresCluster postgres = PostgresCluster.launch()) {
            s3.createBucket("registry");
            String database = postgres.createDatabase("gc");
            Map<String, String> env = new HashMap<>(s3.environment());
            env.put("PKGR_DATABASE_PASSWORD", postgres.password());
            String[] backend = {"--storage", "s3://registry/gc", "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style",
                    "--database", database};
            List<String> serve = new ArrayList<>(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                    "io.pkgr.cli.Main", "serve", "--data", dir.resolve("replica").toString(), "--host", "127.0.0.1",
                    "--port", "0"));
            serve.addAll(List.of(backend));
            ProcessBuilder pb = new ProcessBuilder(serve);
            pb.environment().putAll(env);
            try (ServerProcess server = ServerProcess.start(pb)) {
                RegistryClient client = client(server);
                publish(client, "s3app", "1.0.0", "one");
                publish(client, "s3app", "1.1.0", "two");
                assertEquals(200, delete(server, "api/v1/bundles/s3app/1.0.0"));
                int before = blobObjects(s3);

                Cli.Result dry = pkgr(env, concat(new String[] {"admin", "gc", "--grace", "0s", "--dry-run"}, backend));
                Cli.Result gc = pkgr(env, concat(new String[] {"admin", "gc", "--grace", "0s"}, backend));
                Cli.Result fsck = pkgr(env, concat(new String[] {"admin", "fsck"}, backend));

                assertEquals(0, dry.exitCode(), dry.toString());
                assertEquals(0, gc.exitCode(), gc.toString());
                assertTrue(gc.out().contains("1 blob(s) removed"), gc.out());
                assertEquals(before - 1, blobObjects(s3));
                assertEquals(0, fsck.exitCode(), fsck.toString());
                assertTrue(fsck.out().contains("0 unreferenced blob(s)"), fsck.out());
                assertEquals(200, get(server, "api/v1/bundles/s3app/1.1.0/download"));
            }
        }
    }

    private static RegistryClient client(ServerProcess server) {
        return new RegistryClient(new Repository("private", server.url, "admin", server.adminPassword));
    }

    /** Writes an exec bundle whose only file holds {@code content} and publishes it. */
    private void publish(RegistryClient client, String name, String version, String content) throws IOException {
        Path project = Files.createDirectories(dir.resolve("projects").resolve(name + "-" + version));
        Files.writeString(project.resolve("pkgr.yaml"), """
                name: %s
                version: %s
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  task: {command: ["bin/task.sh"]}
                """.formatted(name, version));
        Files.createDirectories(project.resolve("bin"));
        Files.writeString(project.resolve("bin/task.sh"), "#!/bin/sh\necho " + content + "\n");
        Manifest manifest = Manifest.readYaml(project.resolve(Manifest.YAML_FILE));
        Path file = project.resolve(manifest.bundleFileName());
        Sha256 sha = BundleWriter.write(manifest, BundleSources.select(project, manifest), file).sha256();
        client.publish(BundleName.parse(name), Version.parse(version), file, sha, null);
    }

    private static List<String> removedVersions(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length(), l.indexOf(':'))).toList();
    }

    private static void ageBlobs(Path data, Duration age) throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
            }
        }
    }

    private static Map<String, String> listing(Path data) throws IOException {
        Map<String, String> listing = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!data.relativize(f).toString().startsWith(".tmp")) {
                    listing.put(data.relativize(f).toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
                }
            }
        }
        return listing;
    }

    private static String blobPath(Sha256 digest) {
        return "blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex();
    }

    private static Sha256 writeBlob(Path data, byte[] bytes) throws IOException {
        Sha256 digest = Sha256.ofBytes(bytes);
        Path file = data.resolve(blobPath(digest));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return digest;
    }

    private static int delete(ServerProcess server, String path) throws IOException, InterruptedException {
        return send(server, HttpRequest.newBuilder(server.url.resolve(path)).DELETE());
    }

    private static int get(ServerProcess server, String path) throws IOException, InterruptedException {
        return send(server, HttpRequest.newBuilder(server.url.resolve(path)).GET());
    }

    private static int send(ServerProcess server, HttpRequest.Builder request) throws IOException, InterruptedException {
        String authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + server.adminPassword)
                .getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(request.header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int blobObjects(S3Server s3) {
        try (S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build()) {
            return (int) client.listObjectsV2Paginator(b -> b.bucket("registry").prefix("gc/blobs/")).contents().stream().count();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** pkgr in its own process, with the S3 credentials and database password in its environment. */
    private static Cli.Result pkgr(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Cli.Result(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
