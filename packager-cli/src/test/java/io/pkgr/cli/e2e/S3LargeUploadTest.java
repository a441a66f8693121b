package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.testing.S3Server;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A 1 GiB wheel uploaded to {@code pkgr serve --storage s3://…} running with {@code -Xmx128m}: the
 * upload streams through bounded part buffers, the wheel is checked by ranged reads of the staged
 * object, and the commit is a server-side copy. Minutes on a busy 2-core machine, so it runs only
 * with {@code -Plarge-uploads}; it prints the time taken and the server's peak resident memory.
 */
@EnabledIfSystemProperty(named = "pkgr.large-uploads", matches = "true")
class S3LargeUploadTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void aOneGibWheelUploadsToS3ThroughAServerWith128MbOfHeap() throws Exception {
        Path wheel = wheel(dir.resolve("big-1.0-py3-none-any.whl"));
        try (S3Server s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")))) {
            s3.createBucket("big");
            List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-Xmx128m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), "io.pkgr.cli.Main", "serve",
                    "--data", dir.resolve("data").toString(), "--host", "127.0.0.1", "--port", "0",
                    "--max-upload-size", "2G", "--storage", "s3://big/r", "--s3-endpoint", s3.endpoint().toString(),
                    "--s3-path-style"));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(s3.environment());
            try (ServerProcess server = ServerProcess.start(builder)) {
                String boundary = "pkgrboundary7d1f";
                String fields = field(boundary, ":action", "file_upload") + field(boundary, "protocol_version", "1")
                        + field(boundary, "name", "big") + field(boundary, "version", "1.0")
                        + field(boundary, "filetype", "bdist_wheel") + field(boundary, "pyversion", "py3")
                        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\""
                        + wheel.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
                HttpRequest upload = HttpRequest.newBuilder(server.url.resolve("legacy/"))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                ("admin:" + server.adminPassword).getBytes(StandardCharsets.UTF_8)))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(fields),
                                HttpRequest.BodyPublishers.ofFile(wheel),
                                HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                        .build();

                long start = System.nanoTime();
                HttpResponse<String> response = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());
                double seconds = (System.nanoTime() - start) / 1e9;

                assertEquals(200, response.statusCode(), response.body() + "\n" + String.join("\n", server.log));
                assertTrue(server.process.isAlive());
                System.out.printf("1 GiB wheel to S3 with -Xmx128m: %.1f s (%.1f MB/s), server peak RSS %s%n", seconds,
                        Files.size(wheel) / seconds / 1e6, peakRss(server.process.pid()));
                try (S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
                        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))).build()) {
                    long stored = client.listObjectsV2(b -> b.bucket("big").prefix("r/blobs/")).contents().stream()
                            .mapToLong(o -> o.size()).max().orElse(0);
                    assertEquals(Files.size(wheel), stored);
                    assertEquals(List.of(), client.listMultipartUploads(b -> b.bucket("big")).uploads());
                }
            }
        }
    }

    private static String field(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).map(l -> l.substring(6).trim()).findFirst().orElse("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** A valid wheel holding 1 GiB of stored (uncompressed) data, written by Python's zipfile. */
    private static Path wheel(Path file) throws Exception {
        String script = """
                import os, sys, zipfile
                with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED, allowZip64=True) as z:
                    z.writestr('big-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: big\\nVersion: 1.0\\n')
                    z.writestr('big-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
                    block = os.urandom(1 << 20)
                    with z.open('big/data.bin', 'w', force_zip64=True) as f:
                        for _ in range(%d):
                            f.write(block)
                    z.writestr('big-1.0.dist-info/RECORD', '')
                """.formatted(GIB >> 20);
        Process p = new ProcessBuilder(PythonFixtures.PYTHON, "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cannot write the wheel:\n" + out);
        }
        return file;
    }
}
