package io.pkgr.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.http.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles stored as layers in a real registry: dedup, byte-for-byte downloads, layered publish, access, corruption. */
class LayeredStorageTest {

    private static final String ALICE = TestRegistry.ALICE;
    private static final String CAROL = "carol:carol-pw";
    private static final String RULES = """
            rules:
              - bundles: ["*"]
                users: [admin]
                allow: [admin]
              - bundles: ["team-*"]
                users: [alice]
                allow: [publish, yank]
              - bundles: ["open-*"]
                users: [carol]
                allow: [publish]
            """;

    @TempDir
    Path tmp;

    /** A bundle with one 1 MiB "wheel" shared by every version and a small file that differs. */
    private Path bundle(String name, String version, String code, long wheelSeed) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "src");
        byte[] wheel = new byte[1 << 20];
        new Random(wheelSeed).nextBytes(wheel);
        TreeMap<String, Path> files = new TreeMap<>();
        files.put("deps/shared-1.0-py3-none-any.whl", Files.write(dir.resolve("w.whl"), wheel));
        files.put("files/app.py", Files.writeString(dir.resolve("app.py"), code));
        Path target = dir.resolve(name + "-" + version + ".pkgr");
        BundleWriter.write(TestBundles.manifest(name, version), files, target);
        return target;
    }

    private TestRegistry start() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        HtpasswdWriter writer = new HtpasswdWriter(data.resolve("htpasswd"), 4);
        for (String user : List.of(TestRegistry.ADMIN, ALICE, CAROL)) {
            String[] parts = user.split(":");
            writer.put(parts[0], parts[1].toCharArray());
        }
        Files.writeString(data.resolve("access.yaml"), RULES);
        return TestRegistry.start(data);
    }

    private static long blobBytes(TestRegistry registry) throws IOException {
        try (Stream<Path> s = Files.walk(registry.data.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static Path blobPath(TestRegistry registry, String hex) {
        return registry.data.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex);
    }

    @Test
    void threeVersionsSharingAWheelStoreItOnceAndDownloadByteForByte() throws IOException {
        try (TestRegistry registry = start()) {
            Path[] files = new Path[3];
            for (int i = 0; i < 3; i++) {
                files[i] = bundle("team-ml", "1.0." + i, "print(" + i + ")\n", 1);
                HttpResponse<String> put = registry.put("/api/v1/bundles/team-ml/1.0." + i, ALICE, Files.readAllBytes(files[i]));
                assertEquals(201, put.statusCode(), put.body());
            }
            long oneBundle = Files.size(files[0]);
            long stored = blobBytes(registry);
            // the wheel once (uncompressed: it is random), three tiny files layers, no whole bundle
            assertTrue(stored < oneBundle * 1.05, stored + " bytes stored for three versions of " + oneBundle);
            for (int i = 0; i < 3; i++) {
                byte[] down = registry.getBytes(registry.request("/api/v1/bundles/team-ml/1.0." + i + "/download", ALICE)
                        .GET().build()).body();
                assertArrayEquals(Files.readAllBytes(files[i]), down, "download of 1.0." + i + " is the published file");
                JsonNode record = TestRegistry.json(registry.get("/api/v1/bundles/team-ml/1.0." + i, ALICE));
                assertFalse(record.has("layers"), "a client older than layers refuses unknown fields: " + record);
                JsonNode layers = TestRegistry.json(registry.get("/api/v1/bundles/team-ml/1.0." + i + "/layers", ALICE));
                assertFalse(layers.path("bundle_stored").asBoolean(true), layers.toString());
                // the whole download stored the file it assembled, under the bundle's sha256
                assertArrayEquals(down, Files.readAllBytes(blobPath(registry, record.path("sha256").asText())));
            }

            // a Range of the assembled file is those bytes of the published file
            byte[] all = Files.readAllBytes(files[1]);
            HttpResponse<byte[]> part = registry.getBytes(registry.request("/api/v1/bundles/team-ml/1.0.1/download", ALICE)
                    .header("Range", "bytes=1000-200999").GET().build());
            assertEquals(206, part.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 1000, 201000), part.body());

            // a version's blob by digest, with Range (a worker's resume)
            String wheel = TestRegistry.json(registry.get("/api/v1/bundles/team-ml/1.0.2", ALICE))
                    .path("manifest").path("files").path("deps/shared-1.0-py3-none-any.whl").path("sha256").asText();
            HttpResponse<byte[]> blob = registry.getBytes(registry.request("/api/v1/bundles/team-ml/1.0.2/blobs/sha256:"
                    + wheel, ALICE).header("Range", "bytes=100-").GET().build());
            assertEquals(206, blob.statusCode());
            assertEquals((1 << 20) - 100, blob.body().length);
        }
    }

    @Test
    void layeredPublishUploadsOnlyTheMissingBlobsAndIsCheckedByReassembly() throws IOException {
        try (TestRegistry registry = start()) {
            Path v1 = bundle("team-ml", "1.0.0", "print(1)\n", 1);
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.0.0", ALICE, Files.readAllBytes(v1)).statusCode());
            Path v2 = bundle("team-ml", "1.1.0", "print(2)\n", 1);
            BundleInfo info = BundleReader.verify(v2);
            Sha256 wheel = info.manifest().files().get("deps/shared-1.0-py3-none-any.whl").sha256();

            // the layer of the project's files is new, the wheel is held
            java.io.ByteArrayOutputStream layer = new java.io.ByteArrayOutputStream();
            var files = io.pkgr.bundle.BundleLayers.split(Files.newInputStream(v2), info.manifest(), (p, e, in) -> { }, layer);
            JsonNode missing = TestRegistry.json(registry.send(registry.request("/api/v1/uploads/team-ml/missing", ALICE)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"digests\":[\"" + wheel.hex() + "\",\""
                            + files.sha256().hex() + "\"]}")).build()));
            assertEquals(List.of(files.sha256().hex()), strings(missing.path("missing")));

            // a manifest PUT before the layer is uploaded: 409 naming what is missing
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("manifest", Json.MAPPER.readTree(info.manifest().toCanonicalJson()));
            body.putObject("files").put("sha256", files.sha256().hex()).put("size", files.size());
            HttpResponse<String> early = putLayered(registry, "team-ml", "1.1.0", ALICE, info.sha256(), body);
            assertEquals(409, early.statusCode(), early.body());
            assertEquals("BLOBS_MISSING", TestRegistry.errorCode(early));

            HttpResponse<String> upload = registry.send(registry.request("/api/v1/uploads/team-ml/blobs/sha256:"
                    + files.sha256().hex(), ALICE).PUT(HttpRequest.BodyPublishers.ofByteArray(layer.toByteArray())).build());
            assertEquals(201, upload.statusCode(), upload.body());

            // a wrong declared digest is refused and publishes nothing
            HttpResponse<String> wrong = putLayered(registry, "team-ml", "1.1.0", ALICE, Sha256.ofBytes(new byte[1]), body);
            assertEquals(422, wrong.statusCode(), wrong.body());
            assertEquals("ASSEMBLY_MISMATCH", TestRegistry.errorCode(wrong));
            assertEquals(404, registry.get("/api/v1/bundles/team-ml/1.1.0", ALICE).statusCode());

            HttpResponse<String> ok = putLayered(registry, "team-ml", "1.1.0", ALICE, info.sha256(), body);
            assertEquals(201, ok.statusCode(), ok.body());
            byte[] down = registry.getBytes(registry.request("/api/v1/bundles/team-ml/1.1.0/download", ALICE).GET().build()).body();
            assertArrayEquals(Files.readAllBytes(v2), down);
            // idempotent
            assertEquals(200, putLayered(registry, "team-ml", "1.1.0", ALICE, info.sha256(), body).statusCode());
        }
    }

    @Test
    void aBlobIsReadableOnlyThroughAVersionThatReferencesIt() throws IOException {
        try (TestRegistry registry = start()) {
            Path secret = bundle("team-secret", "1.0.0", "print('a')\n", 99);
            assertEquals(201, registry.put("/api/v1/bundles/team-secret/1.0.0", ALICE, Files.readAllBytes(secret)).statusCode());
            BundleInfo info = BundleReader.verify(secret);
            Sha256 wheel = info.manifest().files().get("deps/shared-1.0-py3-none-any.whl").sha256();
            Path open = bundle("open-b", "1.0.0", "print('b')\n", 5);
            assertEquals(201, registry.put("/api/v1/bundles/open-b/1.0.0", CAROL, Files.readAllBytes(open)).statusCode());

            // carol knows the digest: not through the secret bundle, not through her own
            assertEquals(403, registry.get("/api/v1/bundles/team-secret/1.0.0/blobs/sha256:" + wheel.hex(), CAROL).statusCode());
            HttpResponse<String> viaOwn = registry.get("/api/v1/bundles/open-b/1.0.0/blobs/sha256:" + wheel.hex(), CAROL);
            HttpResponse<String> absent = registry.get("/api/v1/bundles/open-b/1.0.0/blobs/sha256:" + "0".repeat(64), CAROL);
            assertEquals(404, viaOwn.statusCode());
            assertEquals(404, absent.statusCode());
            assertEquals(TestRegistry.errorCode(absent), TestRegistry.errorCode(viaOwn));

            // asking whether the registry holds it says "upload it", as for an absent blob
            JsonNode missing = TestRegistry.json(registry.send(registry.request("/api/v1/uploads/open-b/missing", CAROL)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"digests\":[\"" + wheel.hex() + "\"]}")).build()));
            assertEquals(List.of(wheel.hex()), strings(missing.path("missing")));

            // and a layered publish may not reference it without uploading it
            Manifest stolen = new Manifest(io.pkgr.bundle.BundleName.parse("open-b"), io.pkgr.bundle.Version.parse("2.0.0"),
                    "", info.manifest().runtime(), null, List.of(), List.of(), List.of(), List.of(),
                    info.manifest().entrypoints(), new TreeMap<>(java.util.Map.of("deps/shared-1.0-py3-none-any.whl",
                    info.manifest().files().get("deps/shared-1.0-py3-none-any.whl"))));
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("manifest", Json.MAPPER.readTree(stolen.toCanonicalJson()));
            HttpResponse<String> refused = putLayered(registry, "open-b", "2.0.0", CAROL, info.sha256(), body);
            assertEquals(409, refused.statusCode(), refused.body());
            assertEquals("BLOBS_MISSING", TestRegistry.errorCode(refused));
        }
    }

    @Test
    void aBlobCorruptInStorageIsNeverServedAsTheBundleAndIsRefusedAtLayeredPublish() throws IOException {
        try (TestRegistry registry = start()) {
            Path v1 = bundle("team-ml", "1.0.0", "print(1)\n", 1);
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.0.0", ALICE, Files.readAllBytes(v1)).statusCode());
            BundleInfo info = BundleReader.verify(v1);
            Sha256 wheel = info.manifest().files().get("deps/shared-1.0-py3-none-any.whl").sha256();
            Path stored = blobPath(registry, wheel.hex());
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length / 2] ^= 1;
            Files.write(stored, bytes);

            // the assembly fails its sha256 before any byte is sent: an error, and no whole file stored
            HttpResponse<byte[]> failed = registry.getBytes(
                    registry.request("/api/v1/bundles/team-ml/1.0.0/download", ALICE).GET().build());
            assertEquals(500, failed.statusCode());
            assertFalse(Files.exists(blobPath(registry, info.sha256().hex())));

            // a layered publish that needs it: refused by digest, and the bad blob removed
            Path v2 = bundle("team-ml", "1.1.0", "print(1)\n", 1);
            BundleInfo info2 = BundleReader.verify(v2);
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("manifest", Json.MAPPER.readTree(info2.manifest().toCanonicalJson()));
            java.io.ByteArrayOutputStream layer = new java.io.ByteArrayOutputStream();
            var files = io.pkgr.bundle.BundleLayers.split(Files.newInputStream(v2), info2.manifest(), (p, e, in) -> { }, layer);
            body.putObject("files").put("sha256", files.sha256().hex()).put("size", files.size());
            HttpResponse<String> refused = putLayered(registry, "team-ml", "1.1.0", ALICE, info2.sha256(), body);
            assertEquals(422, refused.statusCode(), refused.body());
            assertEquals("BLOB_CORRUPT", TestRegistry.errorCode(refused));
            assertFalse(Files.exists(stored));
            assertEquals(404, registry.get("/api/v1/bundles/team-ml/1.1.0", ALICE).statusCode());

            // the whole upload (what the CLI falls back to) stores the good bytes again
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.1.0", ALICE, Files.readAllBytes(v2)).statusCode());
            assertEquals(wheel, Sha256.ofFile(stored));
            assertArrayEquals(Files.readAllBytes(v1), registry.getBytes(registry.request(
                    "/api/v1/bundles/team-ml/1.0.0/download", ALICE).GET().build()).body());
        }
    }

    @Test
    void aSmallBundleIsAssembledOnceAndThenSentFromMemoryWithRangesFromTheStoredFile() throws IOException {
        try (TestRegistry registry = start()) {
            Path dir = Files.createTempDirectory(tmp, "small");
            TreeMap<String, Path> files = new TreeMap<>();
            files.put("deps/tiny-1.0-py3-none-any.whl", Files.writeString(dir.resolve("t.whl"), "a tiny wheel"));
            files.put("files/app.py", Files.writeString(dir.resolve("app.py"), "print(1)\n"));
            Path small = dir.resolve("small-1.0.0.pkgr");
            BundleWriter.write(TestBundles.manifest("team-ml", "1.0.0"), files, small);
            byte[] published = Files.readAllBytes(small);
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.0.0", ALICE, published).statusCode());
            String download = "/api/v1/bundles/team-ml/1.0.0/download";
            JsonNode record = TestRegistry.json(registry.get("/api/v1/bundles/team-ml/1.0.0/layers", ALICE));
            assertFalse(record.path("bundle_stored").asBoolean(), record.toString());

            byte[] first = registry.getBytes(registry.request(download, ALICE).GET().build()).body();
            // with its layers gone from storage, the next download still gives the published bytes: from memory
            String wheel = BundleReader.verify(small).manifest().files().get("deps/tiny-1.0-py3-none-any.whl").sha256().hex();
            Files.delete(blobPath(registry, wheel));
            HttpResponse<byte[]> second = registry.getBytes(registry.request(download, ALICE).GET().build());
            HttpResponse<byte[]> anonymous = registry.getBytes(registry.request(download, null).GET().build());

            assertArrayEquals(published, first);
            assertEquals(200, second.statusCode());
            assertArrayEquals(published, second.body());
            assertEquals("\"" + Sha256.ofBytes(published).hex() + "\"", second.headers().firstValue("ETag").orElseThrow());
            assertEquals(401, anonymous.statusCode(), "the access check comes before the memory");
            // a Range is served from a stored whole file, assembled from storage where a layer is now missing: refused
            assertEquals(500, registry.getBytes(registry.request(download, ALICE).header("Range", "bytes=0-9").GET().build())
                    .statusCode());
        }
    }

    @Test
    void aWholeDownloadIsAssembledOnceStoredAndThenServedFromTheStoredFile() throws IOException {
        try (TestRegistry registry = start()) {
            // given a layered version larger than what is kept in memory
            Path bundle = bundle("team-ml", "1.0.0", "print(1)\n", 1);
            byte[] published = Files.readAllBytes(bundle);
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.0.0", ALICE, published).statusCode());
            String download = "/api/v1/bundles/team-ml/1.0.0/download";
            Path stored = blobPath(registry, Sha256.ofBytes(published).hex());
            assertFalse(Files.exists(stored), "a publish stores layers only");

            // when it is downloaded twice, then asked for a Range
            HttpResponse<byte[]> first = registry.getBytes(registry.request(download, ALICE).GET().build());
            HttpResponse<byte[]> second = registry.getBytes(registry.request(download, ALICE).GET().build());
            HttpResponse<byte[]> part = registry.getBytes(registry.request(download, ALICE)
                    .header("Range", "bytes=1000-200999").GET().build());

            // then both are the published file, the file was assembled once and is stored, and the Range is its bytes
            assertEquals(200, first.statusCode());
            assertArrayEquals(published, first.body());
            assertArrayEquals(published, second.body());
            assertEquals("\"" + Sha256.ofBytes(published).hex() + "\"", second.headers().firstValue("ETag").orElseThrow());
            assertEquals(1, metric(registry, "pkgr_bundle_files_assembled"));
            assertArrayEquals(published, Files.readAllBytes(stored));
            assertEquals(206, part.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(published, 1000, 201000), part.body());
            assertEquals(1, metric(registry, "pkgr_bundle_files_assembled"));
            // and the stored file changes nothing about who may read it
            assertEquals(403, registry.getBytes(registry.request(download, CAROL).GET().build()).statusCode());
            assertEquals(401, registry.getBytes(registry.request(download, null).GET().build()).statusCode());
            assertEquals(404, registry.get("/api/v1/bundles/team-ml/1.0.0/blobs/sha256:" + Sha256.ofBytes(published).hex(),
                    ALICE).statusCode(), "the stored whole file is not one of the version's layers");
        }
    }

    @Test
    void concurrentFirstWholeDownloadsAssembleTheFileOnce() throws Exception {
        try (TestRegistry registry = start()) {
            Path dir = Files.createTempDirectory(tmp, "big");
            byte[] wheel = new byte[8 << 20];
            new Random(7).nextBytes(wheel);
            TreeMap<String, Path> files = new TreeMap<>();
            files.put("deps/big-1.0-py3-none-any.whl", Files.write(dir.resolve("w.whl"), wheel));
            files.put("files/app.py", Files.writeString(dir.resolve("app.py"), "print(1)\n"));
            Path bundle = dir.resolve("team-big-1.0.0.pkgr");
            BundleWriter.write(TestBundles.manifest("team-big", "1.0.0"), files, bundle);
            byte[] published = Files.readAllBytes(bundle);
            assertEquals(201, registry.put("/api/v1/bundles/team-big/1.0.0", ALICE, published).statusCode());

            int clients = 6;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<HttpResponse<byte[]>>> downloads = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                downloads.add(pool.submit(() -> {
                    go.await();
                    return registry.getBytes(registry.request("/api/v1/bundles/team-big/1.0.0/download", ALICE).GET().build());
                }));
            }
            go.countDown();
            try {
                for (java.util.concurrent.Future<HttpResponse<byte[]>> d : downloads) {
                    HttpResponse<byte[]> r = d.get(5, java.util.concurrent.TimeUnit.MINUTES);
                    assertEquals(200, r.statusCode());
                    assertArrayEquals(published, r.body());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, metric(registry, "pkgr_bundle_files_assembled"));
        }
    }

    @Test
    void aStoredWholeFileThatNoLongerMatchesItsSha256IsCutRemovedAndAssembledAgain() throws IOException {
        try (TestRegistry registry = start()) {
            Path bundle = bundle("team-ml", "1.0.0", "print(1)\n", 1);
            byte[] published = Files.readAllBytes(bundle);
            assertEquals(201, registry.put("/api/v1/bundles/team-ml/1.0.0", ALICE, published).statusCode());
            String download = "/api/v1/bundles/team-ml/1.0.0/download";
            assertArrayEquals(published, registry.getBytes(registry.request(download, ALICE).GET().build()).body());
            // given the stored file corrupted in storage, its size unchanged
            Path stored = blobPath(registry, Sha256.ofBytes(published).hex());
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length / 3] ^= 1;
            Files.write(stored, bytes);

            // when it is downloaded, the body is cut before its end: the client never holds a complete wrong file
            assertThrows(java.io.UncheckedIOException.class, () -> registry.getBytes(registry.request(download, ALICE)
                    .GET().build()));

            // then the bad copy is gone, and the next download assembles the published file again
            assertFalse(Files.exists(stored));
            assertEquals(1, metric(registry, "pkgr_bundle_files_corrupt"));
            assertArrayEquals(published, registry.getBytes(registry.request(download, ALICE).GET().build()).body());
            assertEquals(2, metric(registry, "pkgr_bundle_files_assembled"));
            assertArrayEquals(published, Files.readAllBytes(stored));
        }
    }

    /** A counter from the registry's /metrics. */
    private static long metric(TestRegistry registry, String name) {
        String body = registry.get("/metrics", TestRegistry.ADMIN).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(?:_total)? ([0-9.eE+]+)$").matcher(body);
        assertTrue(m.find(), name + " in " + body);
        return (long) Double.parseDouble(m.group(1));
    }

    private static HttpResponse<String> putLayered(TestRegistry registry, String name, String version, String user,
            Sha256 sha256, ObjectNode body) {
        return registry.send(registry.request("/api/v1/bundles/" + name + "/" + version, user)
                .header("Content-Type", "application/vnd.pkgr.layers+json")
                .header("X-Checksum-Sha256", sha256.hex())
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build());
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
