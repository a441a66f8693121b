package io.pkgr.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: s3proxy (from Maven Central) in a process of its own on a free
 * loopback port, keeping objects as files under a directory. Buckets are directories there, so a
 * test makes one with {@link #createBucket}. {@link #stop()} and {@link #start()} take it away and
 * bring it back on the same port and data, for tests of an unreachable bucket.
 */
public final class S3Server implements AutoCloseable {

    /** The access key the server accepts (with {@link #SECRET_KEY}). */
    public static final String ACCESS_KEY = "pkgr-test";
    public static final String SECRET_KEY = "pkgr-test-secret";
    public static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path data;
    private final int port;
    private Process process;

    private S3Server(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Starts a server keeping its objects under {@code dir} (a test's temp directory) and waits until it answers. */
    public static S3Server start(Path dir) throws IOException {
        S3Server server = new S3Server(dir, FreePorts.next());
        Files.createDirectories(server.data);
        server.start();
        return server;
    }

    /** Starts the process again (same port, same objects) after {@link #stop()}. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                "jclouds.filesystem.basedir=" + data.toAbsolutePath(),
                ""));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", classpath(), "org.gaul.s3proxy.Main", "--properties", properties.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.start();
        awaitListening();
    }

    /** Kills the process (the objects stay on disk); requests to {@link #endpoint()} are then refused. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code http://127.0.0.1:PORT} (path-style addressing). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Creates a bucket (a directory of the backing store). */
    public void createBucket(String bucket) {
        try {
            Files.createDirectories(data.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files of the backing store under {@code bucket}, as relative paths (multipart parts included). */
    public List<String> filesIn(String bucket) throws IOException {
        Path root = data.resolve(bucket);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The environment a process needs to reach this server through the AWS default chains. */
    public Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION,
                "AWS_EC2_METADATA_DISABLED", "true");
    }

    /** The last lines the server logged, for a failure message. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("s3proxy.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("s3proxy exited with " + process.exitValue() + ":\n" + logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        stop();
        throw new IOException("s3proxy did not listen on port " + port + " within " + START_TIMEOUT + ":\n" + logTail());
    }

    private static String classpath() throws IOException {
        try (InputStream in = S3Server.class.getResourceAsStream("s3proxy.classpath")) {
            if (in == null) {
                throw new IOException("s3proxy.classpath is missing from the testing module (built by its pom)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
