package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bundles as layers between a real {@code pkgr serve} process and the real CLI: versions share
 * their vendored payloads in storage, publish sends and a worker receives only what is new,
 * corrupt blobs are refused by digest, interrupted blob downloads resume, and the whole file stays
 * downloadable byte for byte. The server's access log ({@code out=BYTES}) counts what was sent.
 */
class LayeredBundlesEndToEndTest extends RegistryProcessTest {

    private static final int WHEEL = 3 << 20;
    private static final Pattern ACCESS = Pattern.compile(" (GET|HEAD|PUT|POST) (\\S+) (\\d{3}) in=(\\d+) out=(\\d+)");

    @BeforeEach
    void configure() {
        ok(cli.run("config", "repositories.private", server.url.toString()));
        ok(cli.run("config", "http-basic.private", "admin", server.adminPassword));
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** An exec bundle with two 3 MiB vendored payloads (the same in every version) and code that differs. */
    private Path bundle(String name, String version) throws IOException {
        Path dir = Files.createDirectories(home.resolve("src-" + name + "-" + version));
        TreeMap<String, Path> payload = new TreeMap<>();
        for (String wheel : List.of("alpha-1.0-py3-none-any.whl", "beta-2.0-py3-none-any.whl")) {
            byte[] bytes = new byte[WHEEL];
            new Random(wheel.hashCode()).nextBytes(bytes);
            payload.put("deps/" + wheel, Files.write(dir.resolve(wheel), bytes));
        }
        Path script = Files.writeString(dir.resolve("task.sh"), "#!/bin/sh\necho \"running " + version + "\" > \"$OUT\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        payload.put("files/bin/task.sh", script);
        String yaml = """
                name: %s
                version: %s
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  task:
                    command: ["bin/task.sh"]
                """.formatted(name, version);
        Path target = dir.resolve(name + "-" + version + ".pkgr");
        BundleWriter.write(Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8)), payload, target);
        return target;
    }

    private JsonNode publish(Path file, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("publish", "-r", "private", "--json"));
        args.addAll(List.of(extra));
        args.add(file.toString());
        return new ObjectMapper().readTree(ok(cli.run(args.toArray(String[]::new))).out()).get(0);
    }

    /** Bytes the server sent for requests whose path contains {@code fragment}, from the access log lines after {@code from}. */
    private static long sent(int from, String fragment) {
        long total = 0;
        for (String line : snapshot().subList(from, snapshot().size())) {
            Matcher m = ACCESS.matcher(line);
            if (m.find() && m.group(2).contains(fragment)) {
                total += Long.parseLong(m.group(5));
            }
        }
        return total;
    }

    private static List<String> requests(int from, String fragment) {
        return snapshot().subList(from, snapshot().size()).stream().filter(l -> ACCESS.matcher(l).find())
                .filter(l -> l.contains(fragment)).toList();
    }

    private static List<String> snapshot() {
        synchronized (server.log) {
            return new ArrayList<>(server.log);
        }
    }

    private static long storedBlobBytes() throws IOException {
        try (Stream<Path> s = Files.walk(serverDir.resolve("data/blobs"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void awaitLog() throws InterruptedException {
        Thread.sleep(300); // the access log is written asynchronously
    }

    private Cli.Result run(String spec) {
        return cli.run("run", "-r", "private", "--env", "OUT=" + home.resolve("out.txt"), spec, "task");
    }

    @Test
    void threeVersionsShareTheirWheelsAndANewVersionCostsOnlyItsCode() throws Exception {
        long before = storedBlobBytes();
        Path[] files = {bundle("layers-ml", "1.0.0"), bundle("layers-ml", "1.1.0"), bundle("layers-ml", "1.2.0")};
        long size = Files.size(files[0]);

        JsonNode first = publish(files[0]);
        JsonNode second = publish(files[1]);
        JsonNode third = publish(files[2]);
        assertEquals("published", second.path("status").asText(), second.toString());
        assertTrue(first.path("uploaded").asLong() > 2L * WHEEL, first.toString());
        assertTrue(second.path("uploaded").asLong() < size / 100, "v2 uploads only its code: " + second);
        assertTrue(third.path("uploaded").asLong() < size / 100, third.toString());
        long stored = storedBlobBytes() - before;
        assertTrue(stored < size * 1.05, stored + " bytes stored for three versions of a " + size + "-byte bundle");

        int mark = snapshot().size();
        ok(run("layers-ml==1.0.0"));
        assertEquals("running 1.0.0", Files.readString(home.resolve("out.txt")).trim());
        awaitLog();
        long v1 = sent(mark, "/layers-ml/1.0.0/blobs/");
        assertTrue(v1 >= 2L * WHEEL, "a cold worker fetches every blob: " + v1);

        mark = snapshot().size();
        Cli.Result second2 = ok(run("layers-ml==1.1.0"));
        assertEquals("running 1.1.0", Files.readString(home.resolve("out.txt")).trim());
        awaitLog();
        long v2 = sent(mark, "/layers-ml/1.1.0/");
        assertTrue(v2 < size / 100, "v2 after v1 receives " + v2 + " bytes of a " + size + "-byte bundle; " + second2.err());
        assertEquals(List.of(), requests(mark, "/download"), "no whole-file download");

        // the whole file is still there, byte for byte
        HttpResponse<byte[]> down = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.url.resolve("api/v1/bundles/layers-ml/1.2.0/download")).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(("admin:" + server.adminPassword).getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertEquals(Sha256.ofFile(files[2]), Sha256.ofBytes(down.body()));
    }

    @Test
    void aBlobCorruptInStorageIsRefusedAtRunWithExit7AndNothingIsInstalled() throws Exception {
        // a wheel of its own, so other tests' versions do not share the blob
        Path other = Files.createDirectories(home.resolve("rot"));
        TreeMap<String, Path> payload = new TreeMap<>();
        byte[] bytes = new byte[100_000];
        new Random(99).nextBytes(bytes);
        payload.put("deps/rot-1.0-py3-none-any.whl", Files.write(other.resolve("rot.whl"), bytes));
        Path script = Files.writeString(other.resolve("task.sh"), "#!/bin/sh\necho ran > \"$OUT\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        payload.put("files/bin/task.sh", script);
        Path file = other.resolve("layers-rot-1.0.0.pkgr");
        BundleWriter.write(Manifest.parseYaml("pkgr.yaml", """
                name: layers-rot
                version: 1.0.0
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  task: {command: ["bin/task.sh"]}
                """.getBytes(StandardCharsets.UTF_8)), payload, file);
        publish(file);
        Sha256 wheel = Sha256.ofBytes(bytes);
        Path stored = serverDir.resolve("data/blobs/sha256/" + wheel.hex().substring(0, 2) + "/" + wheel.hex());
        byte[] rotten = Files.readAllBytes(stored);
        rotten[rotten.length / 2] ^= 1;
        Files.write(stored, rotten);

        Cli.Result r = run("layers-rot==1.0.0");

        assertEquals(ExitCode.INTEGRITY, r.exitCode(), r.toString());
        assertTrue(r.err().contains(wheel.toString()), r.err());
        assertFalse(Files.exists(home.resolve("out.txt")), "the entrypoint never ran");
        try (Stream<Path> envs = Files.list(home.resolve("cache/envs"))) {
            assertTrue(envs.noneMatch(p -> Files.exists(p.resolve(".pkgr-ready"))), "nothing was installed");
        }
        assertFalse(Files.exists(home.resolve("cache/blobs/sha256/" + wheel.hex().substring(0, 2) + "/" + wheel.hex())));
    }

    @Test
    void anInterruptedBlobDownloadResumesWhereItStopped() throws Exception {
        Path file = bundle("layers-resume", "1.0.0");
        publish(file);
        byte[] wheel = new byte[WHEEL];
        new Random("alpha-1.0-py3-none-any.whl".hashCode()).nextBytes(wheel);
        Sha256 digest = Sha256.ofBytes(wheel);
        // what an interrupted download leaves: the first part of the blob beside its place
        Path part = home.resolve("cache/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex() + ".part");
        Files.createDirectories(part.getParent());
        Files.write(part, java.util.Arrays.copyOf(wheel, WHEEL / 2 + 17));

        int mark = snapshot().size();
        ok(cli.run("install", "-r", "private", "layers-resume==1.0.0"));
        awaitLog();

        List<String> fetches = requests(mark, "/blobs/sha256:" + digest.hex());
        assertEquals(1, fetches.size(), fetches.toString());
        assertTrue(fetches.get(0).contains(" 206 "), fetches.get(0));
        assertEquals(WHEEL - (WHEEL / 2 + 17), sent(mark, "/blobs/sha256:" + digest.hex()));
        assertFalse(Files.exists(part));
    }

    @Test
    void theWholeFileUploadStillPublishesAndRuns() throws Exception {
        Path file = bundle("layers-whole", "1.0.0");
        JsonNode published = publish(file, "--whole");
        assertEquals("published", published.path("status").asText());
        assertEquals(Files.size(file), published.path("uploaded").asLong());
        ok(run("layers-whole==1.0.0"));
        assertEquals("running 1.0.0", Files.readString(home.resolve("out.txt")).trim());
        JsonNode again = publish(file);
        assertEquals("unchanged", again.path("status").asText(), again.toString());
    }
}
