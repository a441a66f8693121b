package io.pkgr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Holds server and client to the same bytes: each record is written as the server writes it,
 * compared with the JSON that data directories and older clients already hold (field names,
 * order, absent nulls, instants), and read back as the client reads it.
 */
class WireRecordsTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @Test
    void versionRecordKeepsTheBytesStoredOnDisk() throws IOException {
        String stored = "{\"name\":\"Hello.World\",\"version\":\"1.2.3-rc.1+build.5\",\"sha256\":\"" + A + "\",\"size\":42,"
                + "\"manifest\":{\"name\":\"Hello.World\",\"version\":\"1.2.3-rc.1+build.5\",\"description\":\"hi\"},"
                + "\"publisher\":\"alice\",\"published\":\"2024-05-01T10:11:12.340Z\",\"yanked\":false}";

        VersionRecord record = roundTrip(stored, VersionRecord.class);

        assertEquals(new BundleName("Hello.World"), record.name());
        assertEquals(Version.parse("1.2.3-rc.1+build.5"), record.version());
        assertEquals(new Sha256(A), record.sha256());
        assertEquals(Instant.parse("2024-05-01T10:11:12.340Z"), record.published());
        assertEquals("hi", record.description());
    }

    @Test
    void yankedVersionRecordCarriesItsReasonAndUnyankingDropsIt() throws IOException {
        String stored = "{\"name\":\"tool\",\"version\":\"2.0.0\",\"sha256\":\"" + A + "\",\"size\":1,\"manifest\":{},"
                + "\"publisher\":\"bob\",\"published\":\"2024-05-01T10:11:12Z\",\"yanked\":true,\"yank_reason\":\"CVE-1\"}";

        VersionRecord record = roundTrip(stored, VersionRecord.class);

        assertEquals("CVE-1", record.yankReason());
        assertEquals(null, record.withYank(false, "ignored").yankReason());
    }

    @Test
    void versionListKeepsSortedKeysAndSendsANullLatest() throws IOException {
        String sent = "{\"latest\":null,\"name\":\"tool\",\"versions\":[{\"published\":\"2024-05-01T10:11:12.001Z\","
                + "\"sha256\":\"" + A + "\",\"size\":7,\"version\":\"1.0.0\",\"yank_reason\":\"broken\",\"yanked\":true},"
                + "{\"published\":\"2024-05-02T00:00:00Z\",\"sha256\":\"" + B + "\",\"size\":8,\"version\":\"1.1.0\","
                + "\"yanked\":true}]}";

        VersionList list = roundTrip(sent, VersionList.class);

        assertEquals(null, list.latest());
        assertEquals(new Sha256(B), list.find(Version.parse("1.1.0")).orElseThrow().sha256());
    }

    @Test
    void versionListLineIsTheRecordsSummary() {
        VersionRecord record = new VersionRecord(new BundleName("tool"), Version.parse("1.0.0"), new Sha256(A), 3, null,
                "alice", Instant.parse("2024-05-01T10:11:12.340Z"), true, "why");

        VersionList.Item item = record.summary();

        assertEquals(new VersionList.Item(record.version(), record.sha256(), 3, record.published(), true, "why"), item);
    }

    @Test
    void searchResultsKeepSortedKeys() throws IOException {
        String sent = "{\"query\":\"to\",\"results\":[{\"description\":\"\",\"latest\":\"1.0.0\",\"name\":\"Tool\"}]}";

        SearchResults results = roundTrip(sent, SearchResults.class);

        assertEquals(List.of(new SearchResults.Hit(new BundleName("Tool"), Version.parse("1.0.0"), "")), results.results());
    }

    @Test
    void searchResultsCarryMavenArtifactsAsTheirOwnKind() throws IOException {
        String sent = "{\"maven\":[{\"artifactId\":\"lib\",\"groupId\":\"com.example\"}],\"query\":\"li\",\"results\":[]}";

        SearchResults results = roundTrip(sent, SearchResults.class);

        assertEquals(List.of(new SearchResults.MavenHit("com.example", "lib")), results.maven());
        assertEquals("com.example:lib", results.maven().get(0).coordinates());
        assertEquals(results.maven().get(0), SearchResults.MavenHit.of("com.example:lib"));
        assertEquals(List.of(), results.results());
    }

    @Test
    void searchResultsFromALaterServerWithKeysThisClientDoesNotKnowStillRead() throws IOException {
        SearchResults results = ApiJson.MAPPER.readValue("{\"query\":\"x\",\"results\":[],\"later\":[1]}", SearchResults.class);

        assertEquals("x", results.query());
    }

    @Test
    void aMavenHitNeedsBothNamesWithoutAColon() {
        assertThrows(IllegalArgumentException.class, () -> new SearchResults.MavenHit("com.example", ""));
        assertThrows(IllegalArgumentException.class, () -> new SearchResults.MavenHit("a:b", "lib"));
        assertThrows(IllegalArgumentException.class, () -> SearchResults.MavenHit.of("com.example"));
    }

    @Test
    void whoamiNamesTheUser() throws IOException {
        assertEquals("alice", roundTrip("{\"user\":\"alice\"}", Whoami.class).user());
    }

    @Test
    void pypiFileKeepsTheBytesStoredOnDisk() throws IOException {
        String stored = "{\"name\":\"Demo_Pkg\",\"version\":\"1.0\",\"filename\":\"demo_pkg-1.0-py3-none-any.whl\","
                + "\"filetype\":\"bdist_wheel\",\"sha256\":\"" + A + "\",\"md5\":\"0123\",\"blake2_256\":\"4567\",\"size\":99,"
                + "\"requires_python\":\">=3.8\",\"metadata_sha256\":\"" + B + "\",\"metadata_size\":12,\"uploader\":\"alice\","
                + "\"uploaded\":\"2024-05-01T10:11:12.340Z\",\"yanked\":false}";

        PypiFile file = roundTrip(stored, PypiFile.class);

        assertEquals("demo-pkg", file.project());
        assertTrue(file.hasMetadata());
    }

    @Test
    void pypiSdistWithoutMetadataOmitsTheMetadataDigest() throws IOException {
        String stored = "{\"name\":\"demo\",\"version\":\"1.0\",\"filename\":\"demo-1.0.tar.gz\",\"filetype\":\"sdist\","
                + "\"sha256\":\"" + A + "\",\"md5\":\"0123\",\"blake2_256\":\"4567\",\"size\":99,\"metadata_size\":0,"
                + "\"uploader\":\"alice\",\"uploaded\":\"2024-05-01T10:11:12Z\",\"yanked\":true,\"yank_reason\":\"bad\"}";

        PypiFile file = roundTrip(stored, PypiFile.class);

        assertEquals(false, file.hasMetadata());
        assertEquals("{\"files\":[" + stored + "],\"name\":\"demo\"}",
                new String(ApiJson.bytes(new PypiFiles("demo", List.of(file))), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeTravelsInTheErrorBody(ErrorCode code) throws IOException {
        String sent = "{\"error\":{\"code\":\"" + code.name() + "\",\"message\":\"because\"}}";

        ErrorBody body = roundTrip(sent, ErrorBody.class);

        assertEquals(code, body.code().orElseThrow());
        assertEquals("because", body.message());
        assertEquals(sent, new String(ApiJson.bytes(ErrorBody.of(code, "because")), StandardCharsets.UTF_8));
    }

    @Test
    void anErrorCodeFromANewerServerIsReadAsUnknown() throws IOException {
        ErrorBody body = ApiJson.read("{\"error\":{\"code\":\"SOMETHING_NEW\",\"message\":\"m\"}}"
                .getBytes(StandardCharsets.UTF_8), ErrorBody.class);

        assertTrue(body.code().isEmpty());
        assertEquals("m", body.message());
    }

    @Test
    void aRecordWithAnInvalidDigestDoesNotParse() {
        byte[] bad = ("{\"name\":\"tool\",\"version\":\"1.0.0\",\"sha256\":\"xyz\",\"size\":1,\"published\":"
                + "\"2024-05-01T10:11:12Z\",\"yanked\":false}").getBytes(StandardCharsets.UTF_8);

        assertThrows(IOException.class, () -> ApiJson.read(bad, VersionRecord.class));
    }

    @Test
    void aRecordWithoutAVersionDoesNotParse() {
        byte[] bad = ("{\"name\":\"tool\",\"sha256\":\"" + A + "\",\"size\":1}").getBytes(StandardCharsets.UTF_8);

        assertThrows(IOException.class, () -> ApiJson.read(bad, VersionRecord.class));
    }

    @Test
    void clientPathsEscapeBuildMetadataAndStayRelative() {
        assertEquals("api/v1/bundles/Tool/1.0.0%2Bb.1/download",
                ApiPaths.download(new BundleName("Tool"), Version.parse("1.0.0+b.1")));
        assertEquals("/api/v1/bundles/tool/1.0.0", ApiPaths.location(new BundleName("Tool"), Version.parse("1.0.0")));
    }

    /** Parses {@code json} as the client does, writes it back as the server does, and checks the bytes are the same. */
    private static <T> T roundTrip(String json, Class<T> type) throws IOException {
        T parsed = ApiJson.read(json.getBytes(StandardCharsets.UTF_8), type);
        assertEquals(json, new String(ApiJson.bytes(parsed), StandardCharsets.UTF_8));
        JsonNode again = ApiJson.MAPPER.readTree(ApiJson.bytes(parsed));
        assertEquals(parsed, ApiJson.MAPPER.treeToValue(again, type));
        return parsed;
    }
}
