package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Sha256;
import io.pkgr.testing.PostgresCluster;
import io.pkgr.testing.S3Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pkgr admin migrate} and {@code pkgr admin fsck} on a real filesystem registry (a bundle
 * published with pkgr, a wheel uploaded with twine), copied to a real S3 server (s3proxy) and a real
 * PostgreSQL, then served from there by a real {@code pkgr serve} to pip and raw HTTP.
 */
class AdminMigrateFsckTest {

    private static final String BUCKET = "registry";
    private static final Pattern SUMMARY = Pattern.compile("blobs: (\\d+) copied \\((\\d+) bytes\\), (\\d+) already there");

    @TempDir
    static Path dir;
    static S3Server s3;
    static PostgresCluster postgres;
    static Path source;
    static String adminPassword;
    static byte[] bundle;
    static VersionRecord bundleRecord;
    static PypiFile wheelRecord;

    @BeforeAll
    static void aFilesystemRegistryWithABundleAndAWheel() throws Exception {
        s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
        s3.createBucket(BUCKET);
        postgres = PostgresCluster.launch();
        source = dir.resolve("source");
        Path home = Files.createDirectories(dir.resolve("home"));
        try (ServerProcess server = ServerProcess.start(source)) {
            adminPassword = server.adminPassword;
            Cli cli = new Cli(home);
            ok(cli.run("config", "repositories.private", server.url.toString()));
            ok(cli.run("config", "http-basic.private", "admin", adminPassword));
            publish(cli, home, "1.0.0");
            bundle = publish(cli, home, "1.1.0");
            ok(cli.run("yank", "-r", "private", "churn==1.0.0", "--reason", "bad weights"));
            Path wheels = PythonFixtures.wheel(home, "migrlib", "1.0.0");
            PythonFixtures.twineUpload(wheels.resolve("migrlib-1.0.0-py3-none-any.whl"), server.url.resolve("legacy/"),
                    "admin", adminPassword);
        }
        bundleRecord = ApiJson.read(Files.readAllBytes(source.resolve("bundles/churn/1.1.0.json")), VersionRecord.class);
        wheelRecord = ApiJson.read(Files.readAllBytes(source.resolve("pypi/migrlib/migrlib-1.0.0-py3-none-any.whl.json")),
                PypiFile.class);
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
        s3.close();
    }

    @Test
    void aMigratedRegistryIsServedFromS3AndPostgresWithTheSameBytes() throws Exception {
        String database = postgres.createDatabase("migrated");
        String[] migrate = {"admin", "migrate", "--from", source.toString(), "--to", "s3://" + BUCKET + "/prod",
                "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style", "--database", database};

        Cli.Result first = pkgr(migrate);
        Cli.Result again = pkgr(migrate);
        Cli.Result fsck = pkgr("admin", "fsck", "--storage", "s3://" + BUCKET + "/prod", "--s3-endpoint",
                s3.endpoint().toString(), "--s3-path-style", "--database", database);

        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("blobs: 4 copied"), first.out()); // two bundles, a wheel, its metadata
        assertTrue(first.out().contains("records: 3 written, 0 already there"), first.out());
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("blobs: 0 copied (0 bytes), 4 already there and verified"), again.out());
        assertTrue(again.out().contains("records: 0 written, 3 already there"), again.out());
        assertEquals(0, fsck.exitCode(), fsck.toString());
        assertTrue(fsck.out().contains("checked 3 records referencing 4 blobs"), fsck.out());
        assertTrue(fsck.out().contains("0 problem(s); 0 unreferenced blob(s), 0 bytes"), fsck.out());

        ProcessBuilder serve = new ProcessBuilder(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main", "serve", "--data", dir.resolve("replica").toString(), "--host", "127.0.0.1",
                "--port", "0", "--storage", "s3://" + BUCKET + "/prod", "--s3-endpoint", s3.endpoint().toString(),
                "--s3-path-style", "--database", database, "--htpasswd", source.resolve("htpasswd").toString(),
                "--access", source.resolve("access.yaml").toString());
        serve.environment().putAll(environment());
        try (ServerProcess server = ServerProcess.start(serve)) {
            HttpResponse<byte[]> download = get(server.url.resolve("api/v1/bundles/churn/1.1.0/download"));
            HttpResponse<byte[]> yanked = get(server.url.resolve("api/v1/bundles/churn/1.0.0"));
            Path site = dir.resolve("site");
            String index = server.url.toString().replace("http://", "http://admin:" + adminPassword + "@") + "simple/";
            ProcessBuilder pip = new ProcessBuilder(PythonFixtures.PYTHON, "-m", "pip", "--isolated", "install",
                    "--no-cache-dir", "--disable-pip-version-check", "--target", site.toString(), "--index-url", index,
                    "migrlib==1.0.0").redirectErrorStream(true);
            pip.environment().put("PIP_CONFIG_FILE", "/dev/null");
            Process p = pip.start();
            String pipOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertEquals(200, download.statusCode());
            assertArrayEquals(bundle, download.body());
            assertTrue(new String(yanked.body(), StandardCharsets.UTF_8).contains("\"yank_reason\":\"bad weights\""),
                    new String(yanked.body(), StandardCharsets.UTF_8));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), pipOut);
            assertEquals("VERSION = '1.0.0'\n", Files.readString(site.resolve("migrlib/__init__.py")));
        }
    }

    @Test
    void aMigrationKilledMidCopyFinishesOnTheNextRunCopyingOnlyWhatIsMissing() throws Exception {
        Path big = copy(source, dir.resolve("big"));
        int extra = 60;
        Random random = new Random(7);
        for (int i = 0; i < extra; i++) { // unreferenced blobs are copied too: enough of them to interrupt the copy
            byte[] bytes = new byte[128 * 1024];
            random.nextBytes(bytes);
            writeBlob(big, bytes);
        }
        int total = extra + 4;
        String database = postgres.createDatabase("interrupted");
        String[] migrate = {"admin", "migrate", "--verbose", "--from", big.toString(), "--to", "s3://" + BUCKET + "/resumed",
                "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style", "--database", database};

        int copiedBeforeKill = killAfterCopies(migrate, 10);
        int objectsAfterKill = blobObjects("resumed");
        Cli.Result resumed = pkgr(migrate);

        assertTrue(objectsAfterKill >= 10 && objectsAfterKill < total,
                objectsAfterKill + " blobs were at the destination when the first run was killed (" + copiedBeforeKill + " reported)");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        Matcher summary = SUMMARY.matcher(resumed.out());
        assertTrue(summary.find(), resumed.out());
        int copied = Integer.parseInt(summary.group(1));
        int verified = Integer.parseInt(summary.group(3));
        assertEquals(objectsAfterKill, verified, "what the first run committed is verified, not copied again");
        assertEquals(total, copied + verified);
        assertTrue(resumed.out().contains("records: 3 written"), resumed.out());
        assertEquals(total, blobObjects("resumed"));
        assertEquals("2", postgres.psql("interrupted", "SELECT count(*) FROM bundle_versions").strip());
        assertEquals("1", postgres.psql("interrupted", "SELECT count(*) FROM pypi_files").strip());
    }

    @Test
    void aCorruptSourceBlobIsReportedAndNeitherItNorItsRecordIsCopied() throws Exception {
        Path corrupt = copy(source, dir.resolve("corrupt"));
        Path blob = corrupt.resolve(blobPath(bundleBlob(bundleRecord)));
        byte[] wrong = Files.readAllBytes(blob);
        wrong[wrong.length / 2] ^= 1;
        Files.write(blob, wrong);
        Map<String, String> before = listing(corrupt);
        Path dest = dir.resolve("corrupt-dest");

        Cli.Result r = new Cli(dir.resolve("home")).run("admin", "migrate", "--from", corrupt.toString(), "--to", dest.toString());

        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pkgr: corrupt source blob " + blobPath(bundleBlob(bundleRecord)) + ": its bytes hash to sha256:"
                + Sha256.ofBytes(wrong).hex() + "; not copied"), r.err());
        assertTrue(r.err().contains("not copied: the record of bundle churn 1.1.0"), r.err());
        assertTrue(r.err().contains("pkgr: the migration is incomplete: 2 problem(s) above"), r.err());
        assertFalse(Files.exists(dest.resolve(blobPath(bundleBlob(bundleRecord)))));
        assertFalse(Files.exists(dest.resolve("bundles/churn/1.1.0.json")));
        assertTrue(Files.exists(dest.resolve("bundles/churn/1.0.0.json")));
        assertTrue(Files.exists(dest.resolve("pypi/migrlib/migrlib-1.0.0-py3-none-any.whl.json")));
        assertEquals(before, listing(corrupt), "the source is only read");
    }

    @Test
    void migratingFromADirectoryThatDoesNotExistIsAUsageError() {
        Cli.Result r = new Cli(dir.resolve("home")).run("admin", "migrate", "--from", dir.resolve("nothing").toString(),
                "--to", dir.resolve("nowhere").toString());

        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--from " + dir.resolve("nothing") + ": no such directory"), r.err());
        assertFalse(Files.exists(dir.resolve("nowhere")));
    }

    @Test
    void fsckOnAHealthyRegistryExitsZero() throws Exception {
        Path healthy = copy(source, dir.resolve("healthy"));

        Cli.Result r = new Cli(dir.resolve("home")).run("admin", "fsck", "--data", healthy.toString());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("checked 3 records referencing 4 blobs (" + (bundleBlobSize(recordOf(healthy, "1.0.0")) + bundleBlobSize(bundleRecord)
                + wheelRecord.size() + wheelRecord.metadataSize()) + " bytes hashed)"), r.out());
        assertTrue(r.out().endsWith("0 problem(s); 0 unreferenced blob(s), 0 bytes\n"), r.out());
    }

    @Test
    void fsckFindsAMissingBlobABlobWithOtherBytesAndAnUnreferencedBlobAndChangesNothing() throws Exception {
        Path broken = copy(source, dir.resolve("broken"));
        Files.delete(broken.resolve(blobPath(wheelRecord.metadataSha256())));
        Path bundleBlob = broken.resolve(blobPath(bundleBlob(bundleRecord)));
        byte[] wrong = Files.readAllBytes(bundleBlob);
        wrong[0] ^= 1;
        Files.write(bundleBlob, wrong);
        Sha256 stray = writeBlob(broken, "left by a lost race".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = listing(broken);

        Cli.Result full = new Cli(dir.resolve("home")).run("admin", "fsck", "--data", broken.toString());
        Cli.Result quick = new Cli(dir.resolve("home")).run("admin", "fsck", "--data", broken.toString(), "--quick");

        assertEquals(7, full.exitCode(), full.toString());
        assertTrue(full.out().contains("problem: pypi migrlib/migrlib-1.0.0-py3-none-any.whl.metadata: missing blob "
                + blobPath(wheelRecord.metadataSha256())), full.out());
        assertTrue(full.out().contains("problem: " + bundleRole(bundleRecord) + ": blob " + blobPath(bundleBlob(bundleRecord))
                + " has other bytes (they hash to sha256:" + Sha256.ofBytes(wrong).hex() + ")"), full.out());
        assertTrue(full.out().contains("unreferenced: " + blobPath(stray) + " (19 bytes)"), full.out());
        assertTrue(full.out().contains("2 problem(s); 1 unreferenced blob(s), 19 bytes"), full.out());
        assertTrue(full.err().contains("pkgr: 2 record(s) without an intact blob"), full.err());
        assertEquals(7, quick.exitCode(), quick.toString());
        assertTrue(quick.out().contains("1 problem(s); 1 unreferenced blob(s)"), "--quick sees sizes only: " + quick.out());
        assertEquals(before, listing(broken), "fsck writes nothing");
    }

    // --- helpers

    private static byte[] publish(Cli cli, Path home, String version) throws IOException {
        Path project = Files.createDirectories(home.resolve("churn-" + version));
        ok(cli.in(project).run("init", "--runtime", "exec", "--name", "churn"));
        Files.writeString(project.resolve("pkgr.yaml"), Files.readString(project.resolve("pkgr.yaml"))
                .replace("version: 0.1.0", "version: " + version));
        byte[] filler = new byte[3000];
        new Random(version.hashCode()).nextBytes(filler);
        Files.write(project.resolve("bin/filler.bin"), filler);
        ok(cli.in(project).run("build"));
        ok(cli.in(project).run("publish", "-r", "private"));
        return Files.readAllBytes(project.resolve("dist/churn-" + version + ".pkgr"));
    }

    /** The blob that holds a version's bytes: the whole file, or (published as layers, with no deps) its files layer. */
    private static Sha256 bundleBlob(VersionRecord record) {
        return record.bundleStored() ? record.sha256() : record.layers().files().sha256();
    }

    private static long bundleBlobSize(VersionRecord record) {
        return record.bundleStored() ? record.size() : record.layers().files().size();
    }

    private static String bundleRole(VersionRecord record) {
        return "bundle churn " + record.version() + (record.bundleStored() ? "" : " files layer");
    }

    private static VersionRecord recordOf(Path data, String version) throws IOException {
        return ApiJson.read(Files.readAllBytes(data.resolve("bundles/churn/" + version + ".json")), VersionRecord.class);
    }

    private static void ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
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

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }

    /** Every file under {@code root} with its size and modification time. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                listing.put(root.relativize(file).toString(), Files.isDirectory(file) ? "dir"
                        : Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
            }
        }
        return listing;
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(s3.environment());
        env.put("PKGR_DATABASE_PASSWORD", postgres.password());
        return env;
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs pkgr in its own process (the S3 credentials come from its environment, as in production). */
    private static Cli.Result pkgr(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().putAll(environment());
        Process p = builder.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pkgr " + String.join(" ", args) + " did not finish");
        return new Cli.Result(p.exitValue(), out, err.get());
    }

    /** Starts a migration, kills it (SIGKILL) once it has reported {@code copies} blobs copied; how many it reported. */
    private static int killAfterCopies(String[] args, int copies) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().putAll(environment());
        Process p = builder.start();
        p.getOutputStream().close();
        CompletableFuture.runAsync(() -> read(p.getInputStream()));
        int copied = 0;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; copied < copies && (line = err.readLine()) != null; ) {
                if (line.startsWith("copied ")) {
                    copied++;
                }
            }
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(copies, copied, "the migration ended before it was killed");
        return copied;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int blobObjects(String prefix) {
        try (S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build()) {
            return (int) client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/blobs/")).contents().stream().count();
        }
    }

    private static HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        String authorization = "Basic " + Base64.getEncoder().encodeToString(
                ("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
