package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static io.pkgr.registry.TestRegistry.errorCode;
import static io.pkgr.registry.TestRegistry.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.http.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of /api/v1 and its statuses, against a real server on port 0. */
class NativeApiTest {

    @TempDir
    Path tmp;
    TestRegistry registry;
    byte[] bundle;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
        bundle = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload one");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> publish(String version, byte[] body) {
        return registry.put("/api/v1/bundles/team-churn/" + version, ALICE, body);
    }

    @Test
    void publishingANewVersionAnswers201WithItsRecord() {
        HttpResponse<String> response = publish("1.4.0", bundle);

        assertEquals(201, response.statusCode(), response.body());
        JsonNode record = json(response);
        assertEquals("team-churn", record.get("name").asText());
        assertEquals("1.4.0", record.get("version").asText());
        assertEquals(Sha256.ofBytes(bundle).hex(), record.get("sha256").asText());
        assertEquals(bundle.length, record.get("size").asLong());
        assertEquals("alice", record.get("publisher").asText());
        assertEquals("team-churn", record.get("manifest").get("name").asText());
        assertEquals("/api/v1/bundles/team-churn/1.4.0", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void publishingIdenticalBytesAgainIsIdempotent() {
        publish("1.4.0", bundle);

        HttpResponse<String> again = publish("1.4.0", bundle);

        assertEquals(200, again.statusCode(), again.body());
    }

    @Test
    void publishingSameVersionWithOtherBytesIsRejected() throws IOException {
        publish("1.4.0", bundle);
        byte[] other = TestBundles.bundle(tmp, "team-churn", "1.4.0", "payload two");

        HttpResponse<String> response = publish("1.4.0", other);

        assertEquals(409, response.statusCode());
        assertEquals("VERSION_EXISTS", errorCode(response));
        assertTrue(json(response).get("error").get("message").asText().contains(Sha256.ofBytes(bundle).hex()));
        assertArrayEquals(bundle, download("/api/v1/bundles/team-churn/1.4.0/download").body());
    }

    @Test
    void publishingBuildMetadataOfAPublishedVersionIsRejected() throws IOException {
        // given
        publish("2.0.0", TestBundles.bundle(tmp, "team-churn", "2.0.0", "plain"));
        String versionsBefore = registry.get("/api/v1/bundles/team-churn", BOB).body();

        // when
        HttpResponse<String> response = publish("2.0.0%2Ba", TestBundles.bundle(tmp, "team-churn", "2.0.0+a", "build a"));

        // then
        assertEquals(409, response.statusCode(), response.body());
        assertEquals("VERSION_PRECEDENCE_EXISTS", errorCode(response));
        assertTrue(json(response).get("error").get("message").asText()
                .startsWith("team-churn 2.0.0+a differs from the published 2.0.0 only in build metadata"), response.body());
        assertEquals(versionsBefore, registry.get("/api/v1/bundles/team-churn", BOB).body());
        assertEquals(404, registry.get("/api/v1/bundles/team-churn/2.0.0%2Ba", BOB).statusCode());
    }

    @Test
    void publishingAVersionWhoseBuildMetadataVariantIsPublishedIsRejected() throws IOException {
        // given
        publish("2.0.0%2Ba", TestBundles.bundle(tmp, "team-churn", "2.0.0+a", "build a"));

        // when
        HttpResponse<String> plain = publish("2.0.0", TestBundles.bundle(tmp, "team-churn", "2.0.0", "plain"));
        HttpResponse<String> otherBuild = publish("2.0.0%2Bb", TestBundles.bundle(tmp, "team-churn", "2.0.0+b", "build b"));

        // then
        assertEquals(409, plain.statusCode(), plain.body());
        assertTrue(json(plain).get("error").get("message").asText().contains("the published 2.0.0+a"), plain.body());
        assertEquals(409, otherBuild.statusCode(), otherBuild.body());
        JsonNode versions = json(registry.get("/api/v1/bundles/team-churn", BOB));
        assertEquals("2.0.0+a", versions.get("latest").asText());
        assertEquals(1, versions.get("versions").size());
    }

    @Test
    void thePreReleaseOfAPublishedVersionIsStillAccepted() throws IOException {
        publish("2.0.0", TestBundles.bundle(tmp, "team-churn", "2.0.0", "plain"));

        HttpResponse<String> response = publish("2.0.0-rc.1", TestBundles.bundle(tmp, "team-churn", "2.0.0-rc.1", "rc"));

        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void theVersionsListShowsEveryVersionInSemVerOrder() throws IOException {
        publish("1.10.0", TestBundles.bundle(tmp, "team-churn", "1.10.0", "a"));
        publish("1.4.0", bundle);
        publish("1.10.0-rc.1", TestBundles.bundle(tmp, "team-churn", "1.10.0-rc.1", "b"));

        HttpResponse<String> response = registry.get("/api/v1/bundles/Team_Churn", BOB);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals("1.10.0", body.get("latest").asText());
        assertEquals("1.4.0", body.get("versions").get(0).get("version").asText());
        assertEquals("1.10.0-rc.1", body.get("versions").get(1).get("version").asText());
        assertEquals("1.10.0", body.get("versions").get(2).get("version").asText());
    }

    @Test
    void theVersionsListAnswers304WhenTheETagStillMatches() {
        publish("1.4.0", bundle);
        HttpResponse<String> first = registry.get("/api/v1/bundles/team-churn", BOB);
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> second = registry.send(registry.request("/api/v1/bundles/team-churn", BOB)
                .header("If-None-Match", etag).GET().build());

        assertEquals(304, second.statusCode());
    }

    @Test
    void theVersionsListETagChangesOnPublish() throws IOException {
        publish("1.4.0", bundle);
        String before = registry.get("/api/v1/bundles/team-churn", BOB).headers().firstValue("ETag").orElseThrow();
        publish("1.5.0", TestBundles.bundle(tmp, "team-churn", "1.5.0", "c"));

        HttpResponse<String> after = registry.send(registry.request("/api/v1/bundles/team-churn", BOB)
                .header("If-None-Match", before).GET().build());

        assertEquals(200, after.statusCode());
    }

    @Test
    void anUnknownNameIs404NameUnknown() {
        HttpResponse<String> response = registry.get("/api/v1/bundles/nothing-here", BOB);

        assertEquals(404, response.statusCode());
        assertEquals("NAME_UNKNOWN", errorCode(response));
    }

    @Test
    void anUnknownVersionIs404VersionUnknown() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.get("/api/v1/bundles/team-churn/9.9.9", BOB);

        assertEquals(404, response.statusCode());
        assertEquals("VERSION_UNKNOWN", errorCode(response));
    }

    @Test
    void theRecordOfAVersionIsServed() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.get("/api/v1/bundles/team-churn/1.4.0", BOB);

        assertEquals(200, response.statusCode());
        assertEquals(Sha256.ofBytes(bundle).hex(), json(response).get("sha256").asText());
        assertFalse(json(response).get("yanked").asBoolean());
    }

    private HttpResponse<byte[]> download(String path, String... headers) {
        HttpRequest.Builder request = registry.request(path, BOB).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return registry.getBytes(request.build());
    }

    @Test
    void downloadServesTheExactBytesWithTheSha256AsETag() {
        publish("1.4.0", bundle);

        HttpResponse<byte[]> response = download("/api/v1/bundles/team-churn/1.4.0/download");

        assertEquals(200, response.statusCode());
        assertArrayEquals(bundle, response.body());
        assertEquals("\"" + Sha256.ofBytes(bundle).hex() + "\"", response.headers().firstValue("ETag").orElseThrow());
        assertEquals("bytes", response.headers().firstValue("Accept-Ranges").orElseThrow());
    }

    @Test
    void downloadAnswers304ForAMatchingIfNoneMatch() {
        publish("1.4.0", bundle);

        HttpResponse<byte[]> response = download("/api/v1/bundles/team-churn/1.4.0/download",
                "If-None-Match", "\"" + Sha256.ofBytes(bundle).hex() + "\"");

        assertEquals(304, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void downloadServesABoundedRange() {
        publish("1.4.0", bundle);

        HttpResponse<byte[]> response = download("/api/v1/bundles/team-churn/1.4.0/download", "Range", "bytes=10-19");

        assertEquals(206, response.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bundle, 10, 20), response.body());
        assertEquals("bytes 10-19/" + bundle.length, response.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void downloadResumesFromAnOffset() {
        publish("1.4.0", bundle);

        HttpResponse<byte[]> response = download("/api/v1/bundles/team-churn/1.4.0/download", "Range", "bytes=100-");

        assertEquals(206, response.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bundle, 100, bundle.length), response.body());
    }

    @Test
    void downloadOfARangePastTheEndIs416() {
        publish("1.4.0", bundle);

        HttpResponse<byte[]> response = download("/api/v1/bundles/team-churn/1.4.0/download",
                "Range", "bytes=" + bundle.length + "-");

        assertEquals(416, response.statusCode());
        assertEquals("bytes */" + bundle.length, response.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void yankingMarksTheVersionWithItsReason() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE,
                "{\"reason\":\"broken scoring\"}");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode record = json(registry.get("/api/v1/bundles/team-churn/1.4.0", BOB));
        assertTrue(record.get("yanked").asBoolean());
        assertEquals("broken scoring", record.get("yank_reason").asText());
        assertEquals(200, download("/api/v1/bundles/team-churn/1.4.0/download").statusCode(), "pinned users still get it");
    }

    @Test
    void unyankingWithDeleteOnYankClearsTheMark() {
        publish("1.4.0", bundle);
        registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE, "");

        HttpResponse<String> response = registry.delete("/api/v1/bundles/team-churn/1.4.0/yank", ALICE);

        assertEquals(200, response.statusCode());
        assertFalse(json(registry.get("/api/v1/bundles/team-churn/1.4.0", BOB)).get("yanked").asBoolean());
    }

    @Test
    void unyankingWithPostOnUnyankClearsTheMark() {
        publish("1.4.0", bundle);
        registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE, "");

        HttpResponse<String> response = registry.post("/api/v1/bundles/team-churn/1.4.0/unyank", ALICE, "");

        assertEquals(200, response.statusCode());
        assertFalse(json(response).get("yanked").asBoolean());
    }

    @Test
    void aYankBodyThatIsNotJsonIs400() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE, "not json");

        assertEquals(400, response.statusCode());
        assertEquals("BAD_REQUEST", errorCode(response));
    }

    @Test
    void yankIsKeptAcrossARestart() throws IOException {
        publish("1.4.0", bundle);
        registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE, "{\"reason\":\"r\"}");
        registry.close();

        registry = TestRegistry.start(tmp.resolve("data"));

        assertTrue(json(registry.get("/api/v1/bundles/team-churn/1.4.0", BOB)).get("yanked").asBoolean());
    }

    @Test
    void anAdminDeletesAVersion() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.delete("/api/v1/bundles/team-churn/1.4.0", ADMIN);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(404, registry.get("/api/v1/bundles/team-churn/1.4.0", BOB).statusCode());
    }

    @Test
    void aPublisherMayNotDelete() {
        publish("1.4.0", bundle);

        HttpResponse<String> response = registry.delete("/api/v1/bundles/team-churn/1.4.0", ALICE);

        assertEquals(403, response.statusCode());
        assertEquals("DENIED", errorCode(response));
    }

    @Test
    void searchFindsBundlesByNameAndDescription() {
        publish("1.4.0", bundle);

        JsonNode byName = json(registry.get("/api/v1/search?q=churn", BOB));
        JsonNode byDescription = json(registry.get("/api/v1/search?q=test%20bundle", BOB));
        JsonNode none = json(registry.get("/api/v1/search?q=zzz", BOB));

        assertEquals("team-churn", byName.get("results").get(0).get("name").asText());
        assertEquals("1.4.0", byName.get("results").get(0).get("latest").asText());
        assertEquals(1, byDescription.get("results").size());
        assertEquals(0, none.get("results").size());
    }

    @Test
    void whoamiNamesTheAuthenticatedUser() {
        HttpResponse<String> response = registry.get("/api/v1/whoami", ALICE);

        assertEquals(200, response.statusCode());
        assertEquals("alice", json(response).get("user").asText());
    }

    @Test
    void anUnknownRouteIs404NotFound() {
        HttpResponse<String> response = registry.get("/api/v1/nope", BOB);

        assertEquals(404, response.statusCode());
        assertEquals("NOT_FOUND", errorCode(response));
    }

    @Test
    void aWrongMethodIs405() {
        HttpResponse<String> response = registry.post("/api/v1/bundles/team-churn", ALICE, "");

        assertEquals(405, response.statusCode());
        assertEquals("METHOD_NOT_ALLOWED", errorCode(response));
    }

    @Test
    void aMatchingDeclaredChecksumIsAccepted() {
        HttpResponse<String> response = registry.send(registry.request("/api/v1/bundles/team-churn/1.4.0", ALICE)
                .header("X-Checksum-Sha256", Sha256.ofBytes(bundle).hex())
                .header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Sha256.ofBytes(bundle).hex())))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build());

        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void aRecordYankedAfterItWasServedIsServedAgainWithANewETag() {
        publish("1.4.0", bundle);
        HttpResponse<String> before = registry.get("/api/v1/bundles/team-churn/1.4.0", BOB);
        String etag = before.headers().firstValue("ETag").orElseThrow();

        registry.post("/api/v1/bundles/team-churn/1.4.0/yank", ALICE, "{\"reason\":\"r\"}");

        HttpResponse<String> after = registry.send(registry.request("/api/v1/bundles/team-churn/1.4.0", BOB)
                .header("If-None-Match", etag).GET().build());
        assertEquals(200, after.statusCode());
        assertTrue(json(after).get("yanked").asBoolean());
        assertFalse(etag.equals(after.headers().firstValue("ETag").orElseThrow()));
    }

    @Test
    void aRecordStoredByAnEarlierReleaseIsLoadedAndServedByteForByte() throws IOException {
        publish("1.4.0", bundle);
        registry.close();
        Path stored = tmp.resolve("data").resolve("bundles").resolve("team-churn").resolve("1.4.0.json");
        String manifest = Json.MAPPER.readTree(Files.readAllBytes(stored)).get("manifest").toString();
        // the shape every earlier release wrote: fields in this order, nulls left out, instants as Instant.toString()
        String earlier = "{\"name\":\"team-churn\",\"version\":\"1.4.0\",\"sha256\":\"" + Sha256.ofBytes(bundle).hex()
                + "\",\"size\":" + bundle.length + ",\"manifest\":" + manifest + ",\"publisher\":\"alice\","
                + "\"published\":\"2024-05-01T10:11:12.340Z\",\"yanked\":false}";
        Files.writeString(stored, earlier, StandardCharsets.UTF_8);
        // nor did any earlier release write the catalog index
        try (java.util.stream.Stream<Path> index = Files.walk(tmp.resolve("data").resolve("index"))) {
            for (Path p : index.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        registry = TestRegistry.start(tmp.resolve("data"));

        assertEquals(earlier, registry.get("/api/v1/bundles/team-churn/1.4.0", BOB).body());
        assertEquals("{\"latest\":\"1.4.0\",\"name\":\"team-churn\",\"versions\":[{\"published\":\"2024-05-01T10:11:12.340Z\","
                + "\"sha256\":\"" + Sha256.ofBytes(bundle).hex() + "\",\"size\":" + bundle.length
                + ",\"version\":\"1.4.0\",\"yanked\":false}]}", registry.get("/api/v1/bundles/team-churn", BOB).body());
    }

    @Test
    void publishedVersionsAreInTheCatalogAfterARestart() throws IOException {
        publish("1.4.0", bundle);
        registry.close();

        registry = TestRegistry.start(tmp.resolve("data"));

        assertArrayEquals(bundle, download("/api/v1/bundles/team-churn/1.4.0/download").body());
    }
}
