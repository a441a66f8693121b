package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.TestRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maven face over HTTP: layout, checksums, generated metadata, immutability, access, bad input. */
class MavenFaceTest {

    static final String ADMIN = TestRegistry.ADMIN;
    static final String LIB = "/maven/com/example/lib/1.0/";
    static final byte[] JAR = "a jar's bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path data;
    TestRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(data, c -> c.withMavenSnapshotBuilds(2));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aDeployedReleaseIsServedWithItsChecksumsAndMetadata() throws Exception {
        assertEquals(201, put(LIB + "lib-1.0.jar", ADMIN, JAR).statusCode());
        assertEquals(201, put(LIB + "lib-1.0.jar.sha1", ADMIN, hex("SHA-1", JAR).getBytes()).statusCode());
        assertEquals(201, put(LIB + "lib-1.0.jar.md5", ADMIN, (hex("MD5", JAR) + "  lib-1.0.jar\n").getBytes()).statusCode());

        HttpResponse<byte[]> jar = registry.getBytes(registry.request(LIB + "lib-1.0.jar", ADMIN).GET().build());
        assertEquals(200, jar.statusCode());
        assertArrayEquals(JAR, jar.body());
        assertEquals(hex("SHA-1", JAR), get(LIB + "lib-1.0.jar.sha1", ADMIN).body());
        assertEquals(hex("SHA-256", JAR), get(LIB + "lib-1.0.jar.sha256", ADMIN).body());
        assertEquals(hex("SHA-512", JAR), get(LIB + "lib-1.0.jar.sha512", ADMIN).body());
        HttpResponse<String> metadata = get("/maven/com/example/lib/maven-metadata.xml", ADMIN);
        assertEquals(200, metadata.statusCode());
        assertTrue(metadata.body().contains("<groupId>com.example</groupId>"), metadata.body());
        assertTrue(metadata.body().contains("<latest>1.0</latest>"), metadata.body());
        assertTrue(metadata.body().contains("<release>1.0</release>"), metadata.body());
        assertTrue(metadata.body().contains("<versions>\n      <version>1.0</version>\n    </versions>"), metadata.body());
        assertTrue(Pattern.compile("<lastUpdated>\\d{14}</lastUpdated>").matcher(metadata.body()).find());
        assertEquals(hex("SHA-1", metadata.body().getBytes(StandardCharsets.UTF_8)),
                get("/maven/com/example/lib/maven-metadata.xml.sha1", ADMIN).body());
    }

    @Test
    void versionsAreOrderedAsMavenOrdersThem() {
        for (String v : List.of("1.10", "1.9", "2.0-SNAPSHOT", "1.0-rc1", "1.0")) {
            String file = "lib-" + (v.endsWith("-SNAPSHOT") ? "2.0-20240501.101112-1" : v) + ".pom";
            assertEquals(201, put("/maven/com/example/lib/" + v + "/" + file, ADMIN, v.getBytes()).statusCode(), v);
        }
        String metadata = get("/maven/com/example/lib/maven-metadata.xml", ADMIN).body();
        assertTrue(metadata.contains("<latest>2.0-SNAPSHOT</latest>"), metadata);
        assertTrue(metadata.contains("<release>1.10</release>"), metadata);
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(metadata);
        StringBuilder order = new StringBuilder();
        while (m.find()) {
            order.append(m.group(1)).append(' ');
        }
        assertEquals("1.0-rc1 1.0 1.9 1.10 2.0-SNAPSHOT ", order.toString());
    }

    @Test
    void aReleaseIsImmutableButTheSameBytesMayBeDeployedAgain() {
        put(LIB + "lib-1.0.jar", ADMIN, JAR);
        List<String> before = stored();

        assertEquals(200, put(LIB + "lib-1.0.jar", ADMIN, JAR).statusCode());
        HttpResponse<String> other = put(LIB + "lib-1.0.jar", ADMIN, "other bytes".getBytes());

        assertEquals(409, other.statusCode());
        assertTrue(other.body().contains("MAVEN_RELEASE_EXISTS"), other.body());
        assertTrue(other.body().contains("release versions are immutable"), other.body());
        assertEquals(before, stored());
        assertArrayEquals(JAR, registry.getBytes(registry.request(LIB + "lib-1.0.jar", ADMIN).GET().build()).body());
    }

    @Test
    void snapshotsResolveToTheNewestBuildAndOldBuildsArePruned() {
        String dir = "/maven/com/example/lib/2.0-SNAPSHOT/";
        for (int build = 1; build <= 3; build++) {
            String version = "2.0-20240501.10111" + build + "-" + build;
            assertEquals(201, put(dir + "lib-" + version + ".jar", ADMIN, ("jar " + build).getBytes()).statusCode());
            assertEquals(201, put(dir + "lib-" + version + "-sources.jar", ADMIN, ("src " + build).getBytes()).statusCode());
            assertEquals(200, put(dir + "maven-metadata.xml", ADMIN, "<metadata/>".getBytes()).statusCode());
        }

        String metadata = get(dir + "maven-metadata.xml", ADMIN).body();
        assertTrue(metadata.contains("<version>2.0-SNAPSHOT</version>"), metadata);
        assertTrue(metadata.contains("<timestamp>20240501.101113</timestamp>\n      <buildNumber>3</buildNumber>"), metadata);
        assertTrue(metadata.contains("<classifier>sources</classifier>\n        <extension>jar</extension>\n"
                + "        <value>2.0-20240501.101113-3</value>"), metadata);
        assertTrue(metadata.contains("<extension>jar</extension>\n        <value>2.0-20240501.101113-3</value>"), metadata);
        // two builds kept (withMavenSnapshotBuilds(2)): build 1 is gone, 2 and 3 stay
        assertEquals(404, get(dir + "lib-2.0-20240501.101111-1.jar", ADMIN).statusCode());
        assertEquals(200, get(dir + "lib-2.0-20240501.101112-2.jar", ADMIN).statusCode());
        assertEquals("jar 3", get(dir + "lib-2.0-20240501.101113-3.jar", ADMIN).body());
        assertTrue(get("/maven/com/example/lib/maven-metadata.xml", ADMIN).body().contains("<latest>2.0-SNAPSHOT</latest>"));
    }

    @Test
    void aSnapshotFileMayBeReplaced() {
        String path = "/maven/com/example/lib/2.0-SNAPSHOT/lib-2.0-SNAPSHOT.jar";
        put(path, ADMIN, "first".getBytes());
        assertEquals(201, put(path, ADMIN, "second".getBytes()).statusCode());
        assertEquals("second", get(path, ADMIN).body());
    }

    @Test
    void aChecksumThatDoesNotMatchIsRefusedAndTheFileOfThatDeployIsWithdrawn() {
        put(LIB + "lib-1.0.jar", ADMIN, JAR);

        HttpResponse<String> wrong = put(LIB + "lib-1.0.jar.sha1", ADMIN, hex("SHA-1", "other".getBytes()).getBytes());

        assertEquals(400, wrong.statusCode());
        assertTrue(wrong.body().contains("CHECKSUM_MISMATCH"), wrong.body());
        assertTrue(wrong.body().contains("the SHA-1 of com/example/lib/1.0/lib-1.0.jar is " + hex("SHA-1", JAR)),
                wrong.body());
        assertEquals(404, get(LIB + "lib-1.0.jar", ADMIN).statusCode());
        assertEquals(404, get("/maven/com/example/lib/maven-metadata.xml", ADMIN).statusCode());
        // the deploy can be repeated, now with matching bytes
        assertEquals(201, put(LIB + "lib-1.0.jar", ADMIN, JAR).statusCode());
        assertEquals(201, put(LIB + "lib-1.0.jar.sha1", ADMIN, hex("SHA-1", JAR).getBytes()).statusCode());
    }

    @Test
    void aChecksumOfAnotherUsersOlderReleaseDoesNotRemoveIt() {
        put(LIB + "lib-1.0.jar", ADMIN, JAR);

        HttpResponse<String> wrong = put(LIB + "lib-1.0.jar.md5", "carol:carol-pw", "0123".getBytes());

        // carol is unknown: 401 before anything is read
        assertEquals(401, wrong.statusCode());
        assertEquals(200, get(LIB + "lib-1.0.jar", ADMIN).statusCode());
    }

    @Test
    void aChecksumHeaderThatDoesNotMatchStoresNothing() {
        List<String> before = stored();

        HttpResponse<String> response = registry.send(registry.request(LIB + "lib-1.0.jar", ADMIN)
                .header("X-Checksum-Sha1", hex("SHA-1", "other".getBytes()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JAR)).build());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("CHECKSUM_MISMATCH"), response.body());
        assertEquals(before, stored());
    }

    @Test
    void metadataFromTheClientIsIgnoredAndTheServedMetadataStaysTheRegistrys() {
        put(LIB + "lib-1.0.jar", ADMIN, JAR);
        String generated = get("/maven/com/example/lib/maven-metadata.xml", ADMIN).body();
        List<String> before = stored();
        String forged = "<metadata><groupId>com.example</groupId><artifactId>lib</artifactId><versioning>"
                + "<latest>6.6.6</latest><versions><version>6.6.6</version></versions></versioning></metadata>";

        HttpResponse<String> response = put("/maven/com/example/lib/maven-metadata.xml", ADMIN, forged.getBytes());
        HttpResponse<String> checksum = put("/maven/com/example/lib/maven-metadata.xml.sha1", ADMIN,
                hex("SHA-1", forged.getBytes()).getBytes());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"ignored\""), response.body());
        assertEquals(200, checksum.statusCode());
        assertEquals(generated, get("/maven/com/example/lib/maven-metadata.xml", ADMIN).body());
        assertEquals(before, stored());
        // metadata for an artifact with nothing stored stays absent
        put("/maven/com/example/ghost/maven-metadata.xml", ADMIN, forged.getBytes());
        assertEquals(404, get("/maven/com/example/ghost/maven-metadata.xml", ADMIN).statusCode());
    }

    @Test
    void traversalInEverySegmentIsRefusedAndStoresNothing() throws IOException {
        List<String> before = stored();
        List<String> paths = List.of(
                "/maven/../com/example/lib/1.0/lib-1.0.jar",
                "/maven/com/../../example/lib/1.0/lib-1.0.jar",
                "/maven/com/example/../1.0/lib-1.0.jar",
                "/maven/com/example/lib/../lib-1.0.jar",
                "/maven/com/example/lib/1.0/..",
                "/maven/com/example/lib/1.0/.",
                "/maven/com/%2e%2e/lib/1.0/lib-1.0.jar",
                "/maven/com/example/lib/%2E%2E/lib-1.0.jar",
                "/maven/com/example/lib/1.0/%2e%2e%2fx.jar",
                "/maven/com/example/lib/1.0/..%5c..%5cx.jar",
                "/maven/com//example/lib/1.0/lib-1.0.jar",
                "/maven/com/example/lib/1.0/.lib-1.0.jar",
                "/maven/com/exa%00mple/lib/1.0/lib-1.0.jar");
        for (String path : paths) {
            String response = raw("PUT " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + TestRegistry.basic(ADMIN) + "\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
            String status = response.substring(9, 12);
            assertTrue(status.equals("400") || status.equals("404"), path + " → " + response);
            if (status.equals("400")) {
                assertTrue(response.contains("MAVEN_PATH_INVALID") || response.contains("Bad Request"), response);
            }
        }
        assertEquals(before, stored());
    }

    @Test
    void aFileMustBeNamedAfterItsArtifactAndVersion() {
        HttpResponse<String> response = put(LIB + "other-1.0.jar", ADMIN, JAR);

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("is not named after its artifact and version (lib-1.0)"), response.body());
    }

    @Test
    void aTruncatedBodyStoresNothing() throws IOException {
        List<String> before = stored();

        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + LIB + "lib-1.0.jar HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestRegistry.basic(ADMIN)
                    + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[5000]);
            out.flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        }

        assertEquals(404, get(LIB + "lib-1.0.jar", ADMIN).statusCode());
        assertEquals(before, stored());
    }

    @Test
    void aPutThatExpectsContinueGetsTheHundredBeforeItSendsTheBody() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + LIB + "lib-1.0.jar HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestRegistry.basic(ADMIN)
                    + "\r\nContent-Length: " + JAR.length + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // Maven's HTTP client waits for this line (seconds, per file) before it sends the body
            assertEquals("HTTP/1.1 100 Continue", new String(in.readNBytes(21), StandardCharsets.US_ASCII));
            out.write(JAR);
            out.flush();
            String rest = new String(in.readNBytes(40), StandardCharsets.US_ASCII);
            assertTrue(rest.contains("HTTP/1.1 201"), rest);
        }
    }

    @Test
    void accessRulesMatchGroupColonArtifact() {
        // alice publishes team-* (access.yaml of TestRegistry): GROUP:ARTIFACT "team-a:lib" matches, "com.example:lib" does not
        assertEquals(201, put("/maven/team-a/lib/1.0/lib-1.0.jar", TestRegistry.ALICE, JAR).statusCode());
        HttpResponse<String> denied = put(LIB + "lib-1.0.jar", TestRegistry.ALICE, JAR);
        assertEquals(403, denied.statusCode());
        assertTrue(denied.body().contains("may not publish com.example:lib"), denied.body());
        // bob reads everything and publishes nothing; anonymous callers get nothing
        assertEquals(200, get("/maven/team-a/lib/1.0/lib-1.0.jar", TestRegistry.BOB).statusCode());
        assertEquals(403, put("/maven/team-a/lib/1.0/lib-1.0.pom", TestRegistry.BOB, JAR).statusCode());
        assertEquals(401, get("/maven/team-a/lib/1.0/lib-1.0.jar", null).statusCode());
        assertEquals(401, get("/maven/team-a/lib/maven-metadata.xml", null).statusCode());
        assertEquals(404, get(LIB + "lib-1.0.jar", ADMIN).statusCode());
    }

    @Test
    void deploysAreCountedInMetrics() {
        put(LIB + "lib-1.0.jar", ADMIN, JAR);
        get(LIB + "lib-1.0.jar", ADMIN);

        String metrics = get("/metrics", ADMIN).body();

        assertTrue(metrics.contains("pkgr_maven_files_deployed_total 1.0"), metrics);
        assertTrue(metrics.contains("route=\"/maven/*\""), metrics);
    }

    private HttpResponse<String> get(String path, String credentials) {
        return registry.send(registry.request(path, credentials).GET().build());
    }

    private HttpResponse<String> put(String path, String credentials, byte[] body) {
        return registry.send(registry.request(path, credentials).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.server.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private List<String> stored() {
        return registry.storedFiles().stream().filter(p -> !p.startsWith(".tmp")).toList();
    }

    static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
