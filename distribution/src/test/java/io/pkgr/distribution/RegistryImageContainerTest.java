package io.pkgr.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry and runner images, built from the real Dockerfiles on a base made here (no image
 * registry is reachable), run with podman: one registry container through its life, publish,
 * pip install, restart, a runner task, and SIGTERM in the middle of an upload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryImageContainerTest {

    private static final String ADMIN_PASSWORD = "container-test-admin-pw";
    private static final String NAME = "pkgr-it-registry";
    private static final String DATA_VOLUME = "pkgr-it-data";
    private static final String CACHE_VOLUME = "pkgr-it-cache";
    private static final int GRACE_SECONDS = 5;

    @TempDir
    static Path tmp;
    static Path pkgr;
    static int port;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void buildTheImages() throws Exception {
        Path install = Files.createDirectories(tmp.resolve("opt"));
        Processes.run(List.of("tar", "-xzf", Release.archive().toString(), "-C", install.toString()), tmp, Map.of())
                .requireSuccess();
        pkgr = install.resolve("pkgr-" + Release.version() + "/bin/pkgr");

        Podman.buildBaseImage();
        long registryBuild = Podman.build("docker/registry.Dockerfile", Images.REGISTRY);
        long runnerBuild = Podman.build("docker/runner.Dockerfile", Images.RUNNER);
        Podman.record("build seconds: registry " + registryBuild + ", runner " + runnerBuild);
        Podman.record("image size bytes: " + Images.REGISTRY + " " + Podman.imageSize(Images.REGISTRY)
                + ", " + Images.RUNNER + " " + Podman.imageSize(Images.RUNNER)
                + " (base " + Podman.BASE + " " + Podman.imageSize(Podman.BASE) + ")");

        Podman.removeQuietly(NAME);
        Podman.run("volume", "rm", "-f", DATA_VOLUME, CACHE_VOLUME);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    @AfterAll
    static void removeTheContainerAndVolumes() throws Exception {
        Podman.removeQuietly(NAME);
        Podman.run("volume", "rm", "-f", DATA_VOLUME, CACHE_VOLUME);
    }

    @Test
    @Order(1)
    void theRegistryBecomesHealthyAsNonRootWithTheSecretAdminAndServesPkgrAndPip() throws Exception {
        // given the admin password in a secret file
        Path secret = tmp.resolve("admin-password");
        Files.writeString(secret, ADMIN_PASSWORD + "\n");

        // when the registry container starts with its data on a volume
        long started = System.nanoTime();
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", NAME, "--network", "host"));
        run.addAll(Podman.runFlags());
        run.addAll(List.of("-e", "PKGR_PORT=" + port, "-e", "PKGR_SHUTDOWN_GRACE=" + GRACE_SECONDS,
                "-e", "PKGR_ADMIN_PASSWORD_FILE=/run/secrets/pkgr-admin-password",
                "-v", secret + ":/run/secrets/pkgr-admin-password:ro", "-v", DATA_VOLUME + ":/data", Images.REGISTRY));
        Podman.run(run.toArray(String[]::new)).requireSuccess();
        Podman.awaitHealthy(NAME);
        Podman.record("start to healthy (HEALTHCHECK passes) ms: " + (System.nanoTime() - started) / 1_000_000);

        // then PID 1 is the JVM, running as the image's non-root user, and no password was printed
        String proc = Podman.run("exec", NAME, "sh", "-c", "id -u; tr '\\0' ' ' < /proc/1/cmdline").requireSuccess().stdout();
        assertTrue(proc.startsWith("10001\n"), proc);
        assertTrue(proc.contains("java ") && proc.contains("io.pkgr.registry.RegistryMain"), proc);
        String logs = Podman.run("logs", NAME).stdout() + Podman.run("logs", NAME).stderr();
        assertTrue(!logs.contains("created user admin with password"), logs);

        // and a bundle published with pkgr from the host, with the secret's password, is there
        Path project = Files.createDirectories(tmp.resolve("hello-pipeline"));
        pkgr(project, "init", "--runtime", "python", "--name", "hello-pipeline").requireSuccess();
        pkgr(project, "build").requireSuccess();
        pkgr(project, "publish", "-r", "private").requireSuccess();
        assertEquals(200, get("/api/v1/bundles/hello-pipeline/0.1.0").statusCode());

        // and pip installs a wheel uploaded with twine through it
        Path wheel = wheel(tmp, "tinywheel", "1.0.0");
        Processes.run(List.of("twine", "upload", "--non-interactive", "--repository-url", url("/legacy/"),
                "-u", "admin", "-p", ADMIN_PASSWORD, wheel.toString()), tmp, Map.of()).requireSuccess();
        Path target = tmp.resolve("site");
        Processes.run(List.of("/usr/bin/python3", "-m", "pip", "--isolated", "install", "--no-cache-dir", "--target",
                target.toString(), "--index-url", "http://admin:" + ADMIN_PASSWORD + "@127.0.0.1:" + port + "/simple/",
                "tinywheel==1.0.0"), tmp, Map.of("PIP_CONFIG_FILE", "/dev/null")).requireSuccess();
        assertEquals("VALUE = 'tinywheel'\n", Files.readString(target.resolve("tinywheel/__init__.py")));
    }

    @Test
    @Order(2)
    void aStoppedAndRestartedRegistryStillHasItsDataAndTheStopWasClean() throws Exception {
        // when the container is stopped (SIGTERM) and started again
        Podman.run("stop", "-t", "30", NAME).requireSuccess();
        String exit = Podman.run("inspect", "--format", "{{.State.ExitCode}}", NAME).requireSuccess().stdout().strip();
        Podman.run("start", NAME).requireSuccess();
        Podman.awaitHealthy(NAME);

        // then it had exited 0, and the bundle and the PyPI file are still served
        assertEquals("0", exit);
        assertEquals(200, get("/api/v1/bundles/hello-pipeline/0.1.0").statusCode());
        assertTrue(get("/simple/tinywheel/").body().contains("tinywheel-1.0.0-py3-none-any.whl"));
    }

    @Test
    @Order(3)
    void theRunnerImageRunsAPinnedBundleAndKeepsItsEnvironmentOnTheCacheVolume() throws Exception {
        // when the runner image runs the pinned bundle against the registry container
        List<String> run = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
        run.addAll(Podman.runFlags());
        run.addAll(List.of("-v", CACHE_VOLUME + ":/cache", "-e", "PKGR_REPOSITORIES_PRIVATE_URL=" + url("/"),
                "-e", "PKGR_HTTP_BASIC_PRIVATE_USERNAME=admin", "-e", "PKGR_HTTP_BASIC_PRIVATE_PASSWORD=" + ADMIN_PASSWORD,
                Images.RUNNER, "run", "hello-pipeline==0.1.0", "hello", "--who=container"));
        Processes.Result first = Podman.run(run.toArray(String[]::new));

        // then the entrypoint's JSON result is the last line of its output
        first.requireSuccess();
        assertEquals("{\"greeted\":\"container\"}", first.lastLine(), first.stdout());

        // and with the registry stopped, a new container on the same cache volume still runs it
        Podman.run("stop", "-t", "30", NAME).requireSuccess();
        try {
            Processes.Result again = Podman.run(run.toArray(String[]::new));
            again.requireSuccess();
            assertEquals("{\"greeted\":\"container\"}", again.lastLine(), again.stdout());
        } finally {
            Podman.run("start", NAME).requireSuccess();
            Podman.awaitHealthy(NAME);
        }
    }

    @Test
    @Order(4)
    void sigtermDuringAnUploadExitsZeroWithinTheGracePeriodAndLeavesNoPartialVersion() throws Exception {
        // given an upload that has sent its headers and 1 MiB of a declared 64 MiB, then stalls
        try (Socket upload = new Socket("127.0.0.1", port)) {
            OutputStream out = upload.getOutputStream();
            String auth = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
            out.write(("PUT /api/v1/bundles/half-uploaded/1.0.0 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (64 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1 << 20]);
            out.flush();
            Thread.sleep(500);

            // when the container gets SIGTERM
            long signalled = System.nanoTime();
            Podman.run("kill", "--signal", "TERM", NAME).requireSuccess();
            String exit = Podman.run("wait", NAME).requireSuccess().stdout().strip();
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;

            // then it exits 0 once the grace period is over (the upload never finishes), not killed later
            assertEquals("0", exit);
            assertTrue(tookMillis < (GRACE_SECONDS + 10) * 1000L, "stopped after " + tookMillis + " ms");
            Podman.record("SIGTERM with a stalled upload to exit ms: " + tookMillis + " (grace " + GRACE_SECONDS + " s)");
        }

        // and after a restart no part of that version is visible, and no upload is left half-written
        Podman.run("start", NAME).requireSuccess();
        Podman.awaitHealthy(NAME);
        assertEquals(404, get("/api/v1/bundles/half-uploaded/1.0.0").statusCode());
        assertEquals("", Podman.run("exec", NAME, "sh", "-c", "ls -A /data/.tmp 2>/dev/null; ls /data/bundles")
                .requireSuccess().stdout().replace("hello-pipeline\n", ""));
        assertEquals(200, get("/api/v1/bundles/hello-pipeline/0.1.0").statusCode());
    }

    private static Processes.Result pkgr(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(pkgr.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of(
                "HOME", tmp.resolve("home").toString(),
                "PKGR_CACHE_DIR", tmp.resolve("host-cache").toString(),
                "PKGR_PYTHON", "/usr/bin/python3",
                "PKGR_REPOSITORIES_PRIVATE_URL", url("/"),
                "PKGR_HTTP_BASIC_PRIVATE_USERNAME", "admin",
                "PKGR_HTTP_BASIC_PRIVATE_PASSWORD", ADMIN_PASSWORD));
        return Processes.run(command, dir, env);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Basic " + auth)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A pure-Python wheel with one module, as pip expects one (METADATA, WHEEL, RECORD). */
    static Path wheel(Path dir, String name, String version) throws IOException {
        String distInfo = name + "-" + version + ".dist-info/";
        Path wheel = dir.resolve(name + "-" + version + "-py3-none-any.whl");
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put(name + "/__init__.py", "VALUE = '" + name + "'\n");
        files.put(distInfo + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
        files.put(distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: pkgr-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(bytes);
                zip.closeEntry();
                String digest;
                try {
                    digest = Base64.getUrlEncoder().withoutPadding().encodeToString(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                record.append(file.getKey()).append(",sha256=").append(digest).append(',').append(bytes.length).append('\n');
            }
            record.append(distInfo).append("RECORD,,\n");
            zip.putNextEntry(new ZipEntry(distInfo + "RECORD"));
            zip.write(record.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return wheel;
    }
}
