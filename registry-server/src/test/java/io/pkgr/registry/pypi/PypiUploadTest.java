package io.pkgr.registry.pypi;

import static io.pkgr.registry.pypi.PypiTestServer.ADMIN;
import static io.pkgr.registry.pypi.PypiTestServer.ALICE;
import static io.pkgr.registry.pypi.PypiTestServer.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.registry.http.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legacy upload API and the pages it feeds, against a real server on port 0 (HTTP from Java). */
class PypiUploadTest {

    private static final String WHEEL = TestDists.wheelName("team-demo", "1.0.0");

    @TempDir
    Path tmp;
    PypiTestServer registry;
    byte[] wheel;

    @BeforeEach
    void start() throws IOException {
        registry = PypiTestServer.start(tmp.resolve("data"), c -> c.withMaxUploadBytes(64 * 1024));
        wheel = TestDists.wheel("team-demo", "1.0.0", "one");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> upload(Multipart form) {
        return registry.upload(ALICE, form);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static String code(HttpResponse<String> response) {
        return json(response).path("error").path("code").asText();
    }

    private void assertRejected(Multipart form, int status, String messagePart) {
        List<String> before = registry.storedFiles();
        HttpResponse<String> response = upload(form);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(json(response).path("error").path("message").asText().contains(messagePart), response.body());
        assertEquals(before, registry.storedFiles(), "nothing stored changed");
    }

    @Test
    void uploadedWheelIsListedWithHashRequiresPythonAndServedMetadata() {
        HttpResponse<String> response = upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        assertEquals(200, response.statusCode(), response.body());
        String html = registry.get("/simple/team-demo/", BOB, null).body();
        String sha = TestDists.hex("SHA-256", wheel);
        assertTrue(html.contains("<a href=\"../../packages/team-demo/" + WHEEL + "#sha256=" + sha + "\""), html);
        assertTrue(html.contains("data-requires-python=\"&gt;=3.8\""), html);
        assertTrue(html.contains(">" + WHEEL + "</a>"), html);
        Matcher advertised = Pattern.compile("data-core-metadata=\"sha256=([0-9a-f]{64})\"").matcher(html);
        assertTrue(advertised.find(), html);
        assertTrue(html.contains("data-dist-info-metadata=\"sha256=" + advertised.group(1) + "\""), html);
        byte[] metadata = registry.getBytes(registry.request("/packages/team-demo/" + WHEEL + ".metadata", BOB).build()).body();
        assertEquals(advertised.group(1), TestDists.hex("SHA-256", metadata), "advertised metadata hash is the served one");
        assertEquals(TestDists.metadata("team-demo", "1.0.0"), new String(metadata, StandardCharsets.UTF_8));
        byte[] file = registry.getBytes(registry.request("/packages/team-demo/" + WHEEL, BOB).build()).body();
        assertArrayEquals(wheel, file);
    }

    @Test
    void jsonPageUsesCoreMetadataAndPep700Fields() {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        HttpResponse<String> response = registry.get("/simple/team-demo/", BOB,
                "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01");

        assertEquals("application/vnd.pypi.simple.v1+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode page = json(response);
        assertEquals("1.1", page.path("meta").path("api-version").asText());
        assertEquals("team-demo", page.path("name").asText());
        assertEquals("1.0.0", page.path("versions").get(0).asText());
        JsonNode file = page.path("files").get(0);
        assertEquals(WHEEL, file.path("filename").asText());
        assertEquals(wheel.length, file.path("size").asLong());
        assertTrue(file.path("upload-time").asText().endsWith("Z"));
        assertTrue(file.path("core-metadata").has("sha256"));
        assertFalse(file.has("dist-info-metadata"), "pip 23.0 crashes on dist-info-metadata in JSON");
        assertFalse(file.path("yanked").asBoolean());
    }

    @Test
    void acceptHeaderPicksTheRepresentation() {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        assertEquals("text/html; charset=utf-8", type(registry.get("/simple/team-demo/", BOB, "*/*")));
        assertEquals("text/html; charset=utf-8", type(registry.get("/simple/team-demo/", BOB, null)));
        assertEquals("application/vnd.pypi.simple.v1+html",
                type(registry.get("/simple/team-demo/", BOB, "application/vnd.pypi.simple.v1+html")));
        assertEquals("text/html; charset=utf-8", type(registry.get("/simple/team-demo/", BOB,
                "application/vnd.pypi.simple.v1+json;q=0, text/html")));
        assertEquals("application/vnd.pypi.simple.v1+json", type(registry.get("/simple/", BOB,
                "text/html;q=0.5, application/vnd.pypi.simple.v1+json")));
    }

    private static String type(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response.headers().firstValue("Content-Type").orElseThrow();
    }

    @Test
    void identicalReuploadIsOkAndOtherBytesAreAConflict() throws IOException {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        assertEquals(200, upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel)).statusCode());
        byte[] other = TestDists.wheel("team-demo", "1.0.0", "two");
        List<String> before = registry.storedFiles();
        HttpResponse<String> conflict = upload(TestDists.form("team-demo", "1.0.0", WHEEL, other));
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertEquals("FILE_EXISTS", code(conflict));
        assertTrue(json(conflict).path("error").path("message").asText().startsWith("File already exists"));
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void aSecondSdistOfAReleaseIsAConflictWhateverItsSpelling() {
        byte[] sdist = "the original sdist".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, upload(TestDists.form("team-demo", "1.0.0", "team_demo-1.0.0.tar.gz", sdist)).statusCode());

        byte[] other = "another sdist".getBytes(StandardCharsets.UTF_8);
        for (String filename : List.of("Team_Demo-1.0.0.tar.gz", "team-demo-1.0.0.tar.gz", "team.demo-1.0.tar.gz",
                "team_demo-1.0.0.0.tar.gz", "team_demo-1.0.0.zip")) {
            assertRejected(TestDists.form("team-demo", "1.0.0", filename, other), 409,
                    "File already exists: team_demo-1.0.0.tar.gz");
        }
        assertRejected(TestDists.form("team-demo", "1.0.0", "team_demo-1.0.0.TAR.GZ", other), 400,
                "the extension must be '.tar.gz' in lower case");
    }

    @Test
    void platformWheelsJoinEachOtherThenAPureWheelAndTheSdistJoinThem() throws IOException {
        for (String filename : List.of("team_demo-1.0.0-cp311-cp311-manylinux_2_17_x86_64.whl",
                "team_demo-1.0.0-cp311-cp311-win_amd64.whl", WHEEL, "team_demo-1.0.0.tar.gz")) {
            byte[] bytes = filename.endsWith(".whl") ? TestDists.wheel("team-demo", "1.0.0", filename)
                    : filename.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = upload(TestDists.form("team-demo", "1.0.0", filename, bytes));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(json(response).path("created").asBoolean(), response.body());
        }
        assertEquals(4, json(registry.get("/simple/team-demo/", BOB, "application/vnd.pypi.simple.v1+json"))
                .path("files").size());
    }

    @Test
    void aWheelWithOtherTagsBesideAPureWheelIsAConflictButTheSdistJoins() throws IOException {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        for (String filename : List.of("team_demo-1.0.0-cp311-none-any.whl", "team_demo-1.0.0-py3-none-manylinux1_x86_64.whl",
                "team_demo-1.0.0-cp311-cp311-manylinux_2_17_x86_64.whl")) {
            assertRejected(TestDists.form("team-demo", "1.0.0", filename, TestDists.wheel("team-demo", "1.0.0", filename)),
                    409, "File already exists: " + WHEEL + " was uploaded with sha256 ");
            assertRejected(TestDists.form("team-demo", "1.0.0", filename, TestDists.wheel("team-demo", "1.0.0", filename)),
                    409, filename + " would join the release beside this pure wheel, and pip prefers a wheel with more"
                            + " specific tags");
        }
        HttpResponse<String> sdist = upload(TestDists.form("team-demo", "1.0.0", "team_demo-1.0.0.tar.gz",
                "sdist".getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, sdist.statusCode(), sdist.body());
        HttpResponse<String> nextVersion = upload(TestDists.form("team-demo", "1.0.1",
                "team_demo-1.0.1-cp311-none-any.whl", TestDists.wheel("team-demo", "1.0.1", "x")));
        assertEquals(200, nextVersion.statusCode(), nextVersion.body());
    }

    @Test
    void theFormVersionAndTheFilenameVersionAgreeInCanonicalForm() {
        HttpResponse<String> response = upload(TestDists.form("team-demo", "1.0", WHEEL, wheel));

        assertEquals(200, response.statusCode(), response.body());
        assertRejected(TestDists.form("team-demo", "1.0.1", WHEEL, wheel), 400,
                "filename '" + WHEEL + "' has version '1.0.0', but the upload is for version 1.0.1");
        assertRejected(TestDists.form("team-other", "1.0.0", WHEEL, wheel), 400,
                "filename '" + WHEEL + "' names project 'team_demo', but the upload is for 'team-other'");
    }

    @Test
    void protocolVersionIsOptionalAndOnlyVersionOneIsKnown() {
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).replace("protocol_version", "2"), 400,
                "unsupported protocol_version '2'; expected 1");

        HttpResponse<String> response = upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).without("protocol_version"));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(registry.get("/simple/team-demo/", BOB, null).body().contains(">" + WHEEL + "</a>"));
    }

    @Test
    void everyWrongDigestIsRejected() {
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).replace("sha256_digest", "0".repeat(64)),
                400, "sha256 digest mismatch");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).replace("md5_digest", "0".repeat(32)),
                400, "md5 digest mismatch");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).replace("blake2_256_digest", "ab"),
                400, "blake2b-256 digest mismatch");
    }

    @Test
    void filenamesOfOtherProjectsVersionsOrKindsAreRejected() throws IOException {
        assertRejected(TestDists.form("team-demo", "1.0.0", TestDists.wheelName("team-other", "1.0.0"), wheel),
                400, "names project");
        assertRejected(TestDists.form("team-demo", "1.0.0", TestDists.wheelName("team-demo", "1.0.1"), wheel),
                400, "has version");
        assertRejected(TestDists.form("team-demo", "1.0.0", "team-demo-1.0.0.exe", wheel), 400, "only wheels");
        assertRejected(TestDists.form("team-demo", "1.0.0", "team_demo-1.0.0.whl", wheel), 400, "invalid wheel filename");
        assertRejected(TestDists.form("team-demo", "1.0.0", "../team_demo-1.0.0-py3-none-any.whl", wheel), 400,
                "invalid filename");
        assertRejected(TestDists.form("team-demo", "1.0.0", "team-demo-1.0.1.tar.gz", wheel), 400, "not an sdist");
        byte[] lying = TestDists.wheel("team-demo", "2.0.0", "x");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, lying), 400, "METADATA has version");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, "not a zip".getBytes(StandardCharsets.UTF_8)), 400,
                "not a readable zip");
    }

    @Test
    void versionsCompareNormalised() throws IOException {
        byte[] w = TestDists.wheel("team-demo", "1.0.0rc1", "x");
        HttpResponse<String> response = upload(TestDists.form("Team_Demo", "1.0.0-RC.1",
                TestDists.wheelName("team-demo", "1.0.0rc1"), w));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(registry.get("/simple/team-demo/", BOB, null).body().contains("team_demo-1.0.0rc1-py3-none-any.whl"));
    }

    @Test
    void missingFieldsAreRejected() {
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).without("name"), 400, "missing 'name'");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).without("version"), 400, "missing 'version'");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).without("content"), 400, "missing 'content'");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).without(":action"), 400, "missing ':action'");
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel).replace(":action", "submit"), 400,
                "unsupported :action");
    }

    @Test
    void oversizeUploadIs413() {
        byte[] big = new byte[100 * 1024];
        new java.util.Random(1).nextBytes(big);
        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, big), 413, "larger than the limit");
    }

    @Test
    void largeFormFieldsBesideAFileNearTheLimitGetTheRoutesAnswerNotADroppedConnection() {
        // 1.4 MiB of text fields: within the form's bounds, but above --max-upload-size + 1 MiB
        String description = "d".repeat(700 * 1024);
        byte[] tooBig = new byte[64 * 1024 + 1];
        new java.util.Random(3).nextBytes(tooBig);

        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, tooBig).field("description", description)
                .field("description_content_type", description), 413, "larger than the limit of 65536 bytes");
        HttpResponse<String> accepted = upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel)
                .field("description", description).field("description_content_type", description));

        assertEquals(200, accepted.statusCode(), accepted.body());
        assertTrue(json(accepted).path("created").asBoolean(), accepted.body());
    }

    @Test
    void credentialsAndPermissionsAreChecked() throws IOException {
        Multipart form = TestDists.form("team-demo", "1.0.0", WHEEL, wheel);
        List<String> before = registry.storedFiles();

        assertEquals(401, registry.upload("alice:wrong", form).statusCode());
        assertEquals(401, registry.upload(null, form).statusCode());
        HttpResponse<String> bob = registry.upload(BOB, form);
        assertEquals(403, bob.statusCode(), bob.body());
        byte[] outside = TestDists.wheel("other-demo", "1.0.0", "x");
        assertEquals(403, upload(TestDists.form("other-demo", "1.0.0", TestDists.wheelName("other-demo", "1.0.0"),
                outside)).statusCode());
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void aUserWhoMayPublishNothingIsRefusedBeforeTheBodyIsRead() {
        Multipart form = TestDists.form("team-demo", "1.0.0", WHEEL, wheel);
        List<String> before = registry.storedFiles();

        HttpResponse<String> bob = registry.upload(BOB, form);

        assertEquals(403, bob.statusCode(), bob.body());
        assertEquals("DENIED", code(bob));
        assertEquals("user 'bob' may not publish any project", json(bob).path("error").path("message").asText());
        assertTrue(bob.headers().firstValue("Connection").orElse("").equalsIgnoreCase("close"), bob.headers().toString());
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void aFileBeforeTheNameFieldIsRefused() {
        Multipart contentFirst = new Multipart().file("content", WHEEL, wheel)
                .field(":action", "file_upload").field("name", "team-demo").field("version", "1.0.0");

        assertRejected(contentFirst, 400, "missing 'name' field before the 'content' file part: send the form fields"
                + " first, as twine and poetry do");
    }

    @Test
    void otherFilePartsAreBoundedAndNotKept() {
        byte[] signature = new byte[PypiUploader.MAX_OTHER_FILE_BYTES + 1];
        java.util.Arrays.fill(signature, (byte) 'x');

        assertRejected(TestDists.form("team-demo", "1.0.0", WHEEL, wheel)
                        .file("gpg_signature", WHEEL + ".asc", signature), 400,
                "file part 'gpg_signature' is larger than " + PypiUploader.MAX_OTHER_FILE_BYTES + " bytes");
        HttpResponse<String> signed = upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel)
                .file("gpg_signature", WHEEL + ".asc", "-----BEGIN PGP SIGNATURE-----".getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, signed.statusCode(), signed.body());
        assertTrue(registry.storedFiles().stream().noneMatch(f -> f.contains(".asc")), registry.storedFiles().toString());
    }

    @Test
    void garbageBodiesAre400NeverA500() {
        List<String> before = registry.storedFiles();
        String type = "multipart/form-data; boundary=" + Multipart.BOUNDARY;
        byte[] valid = TestDists.form("team-demo", "1.0.0", WHEEL, wheel).bytes();
        List<byte[]> bodies = List.of(
                new byte[0],
                "garbage".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(valid, valid.length / 2),
                ("--" + Multipart.BOUNDARY + "\r\n\r\nno disposition\r\n--" + Multipart.BOUNDARY + "--\r\n").getBytes(),
                ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx").getBytes(),
                ("--" + Multipart.BOUNDARY + "junk\r\n").getBytes(),
                new String(new char[70_000]).replace('\0', 'z').getBytes());
        for (byte[] body : bodies) {
            HttpResponse<String> response = registry.post("/legacy/", ALICE, type, body);
            assertEquals(400, response.statusCode(), response.body());
        }
        assertEquals(400, registry.post("/legacy/", ALICE, "multipart/form-data", valid).statusCode());
        assertEquals(400, registry.post("/legacy/", ALICE, "application/json", valid).statusCode());
        assertEquals(400, registry.post("/", ALICE, null, valid).statusCode());
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void everyUploadUrlSpellingWorksAndPostIsNeverRedirected() {
        Multipart form = TestDists.form("team-demo", "1.0.0", WHEEL, wheel);
        assertEquals(200, registry.post("/", ALICE, form.contentType(), form.bytes()).statusCode());
        assertEquals(200, registry.post("/legacy", ALICE, form.contentType(), form.bytes()).statusCode());
        assertEquals(200, registry.post("/legacy/", ALICE, form.contentType(), form.bytes()).statusCode());
        assertEquals(405, registry.post("/simple/Team_Demo/", ALICE, form.contentType(), form.bytes()).statusCode());
    }

    @Test
    void nonNormalisedProjectUrlsRedirectAndUnknownProjectsAre404() {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        HttpResponse<String> redirect = registry.get("/simple/Team_Demo/", BOB, null);
        assertEquals(301, redirect.statusCode());
        assertEquals("../team-demo/", redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(301, registry.get("/simple/team-demo", BOB, null).statusCode());
        assertEquals(404, registry.get("/simple/requests/", BOB, null).statusCode(), "no fallback to a public index");
        assertEquals(404, registry.get("/packages/requests/requests-2.0.0.tar.gz", BOB, null).statusCode());
        assertTrue(registry.get("/simple/", BOB, null).body().contains("<a href=\"team-demo/\">team-demo</a>"));
    }

    @Test
    void yankAndUnyankShowInBothPageFormats() {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        HttpResponse<String> yank = registry.post("/api/v1/pypi/team-demo/1.0.0/yank", ALICE, "application/json",
                "{\"reason\":\"broken <build>\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, yank.statusCode(), yank.body());
        assertTrue(registry.get("/simple/team-demo/", BOB, null).body().contains("data-yanked=\"broken &lt;build&gt;\""));
        JsonNode file = json(registry.get("/simple/team-demo/", BOB, "application/vnd.pypi.simple.v1+json")).path("files").get(0);
        assertEquals("broken <build>", file.path("yanked").asText());
        assertEquals(403, registry.post("/api/v1/pypi/team-demo/" + WHEEL + "/unyank", BOB, null, new byte[0]).statusCode());
        assertEquals(200, registry.post("/api/v1/pypi/team-demo/" + WHEEL + "/unyank", ALICE, null, new byte[0]).statusCode());
        assertFalse(registry.get("/simple/team-demo/", BOB, null).body().contains("data-yanked"));
    }

    @Test
    void pagesAndFilesHonourEtagsAndRanges() {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));

        HttpResponse<String> page = registry.get("/simple/team-demo/", BOB, null);
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, registry.send(registry.request("/simple/team-demo/", BOB).header("If-None-Match", etag)
                .GET().build()).statusCode());
        HttpResponse<byte[]> part = registry.getBytes(registry.request("/packages/team-demo/" + WHEEL, BOB)
                .header("Range", "bytes=10-19").GET().build());
        assertEquals(206, part.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(wheel, 10, 20), part.body());
        assertEquals("\"" + TestDists.hex("SHA-256", wheel) + "\"", part.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void aFileRecordStoredByAnEarlierReleaseIsLoadedAndServedByteForByte() throws IOException {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));
        registry.close();
        Path stored = tmp.resolve("data").resolve("pypi").resolve("team-demo").resolve(WHEEL + ".json");
        JsonNode now = Json.MAPPER.readTree(Files.readAllBytes(stored));
        // the shape every earlier release wrote: fields in this order, nulls left out, instants as Instant.toString()
        String earlier = "{\"name\":\"team-demo\",\"version\":\"1.0.0\",\"filename\":\"" + WHEEL + "\","
                + "\"filetype\":\"bdist_wheel\",\"sha256\":\"" + now.get("sha256").asText() + "\",\"md5\":\""
                + now.get("md5").asText() + "\",\"blake2_256\":\"" + now.get("blake2_256").asText() + "\",\"size\":"
                + wheel.length + ",\"metadata_sha256\":\"" + now.get("metadata_sha256").asText() + "\",\"metadata_size\":"
                + now.get("metadata_size").asLong() + ",\"uploader\":\"alice\",\"uploaded\":\"2024-05-01T10:11:12.340Z\","
                + "\"yanked\":true,\"yank_reason\":\"old\"}";
        Files.writeString(stored, earlier, StandardCharsets.UTF_8);
        // nor did any earlier release write the catalog index
        try (java.util.stream.Stream<Path> index = Files.walk(tmp.resolve("data").resolve("index"))) {
            for (Path p : index.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        registry = PypiTestServer.start(tmp.resolve("data"));

        assertEquals("{\"files\":[" + earlier + "],\"name\":\"team-demo\"}", registry.get("/api/v1/pypi/team-demo", BOB, null).body());
        assertTrue(registry.get("/simple/team-demo/", BOB, null).body().contains("data-yanked=\"old\""));
    }

    @Test
    void deleteIsForAdminsAndCatalogSurvivesARestart() throws IOException {
        upload(TestDists.form("team-demo", "1.0.0", WHEEL, wheel));
        byte[] second = TestDists.wheel("team-demo", "1.1.0", "y");
        upload(TestDists.form("team-demo", "1.1.0", TestDists.wheelName("team-demo", "1.1.0"), second));

        assertEquals(403, registry.send(registry.request("/api/v1/pypi/team-demo/" + WHEEL, ALICE).DELETE().build())
                .statusCode());
        assertEquals(200, registry.send(registry.request("/api/v1/pypi/team-demo/" + WHEEL, ADMIN).DELETE().build())
                .statusCode());
        registry.close();
        registry = PypiTestServer.start(tmp.resolve("data"));

        String html = registry.get("/simple/team-demo/", BOB, null).body();
        assertFalse(html.contains(WHEEL), html);
        assertTrue(html.contains(TestDists.wheelName("team-demo", "1.1.0")), html);
    }
}
