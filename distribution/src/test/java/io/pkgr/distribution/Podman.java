package io.pkgr.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** podman as root with runc and cgroupfs (what works on these machines), and the test base image. */
final class Podman {

    /** Debian bookworm minbase with a Java 17 runtime, made by src/test/sh/build-base-image.sh. */
    static final String BASE = "localhost/pkgr-test-base:bookworm-jre17";
    private static final List<String> PODMAN = List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs");
    private static final Path MEASUREMENTS = Path.of("target", "container-measurements.txt");

    private Podman() {
    }

    /**
     * Flags for `podman run` here: runc cannot raise resource limits above the test's own in this
     * sandbox (no CAP_SYS_RESOURCE), so the container gets the test's open-files limit; and there is
     * no systemd for podman's health-check timers, so the test runs the HEALTHCHECK itself.
     */
    static List<String> runFlags() throws IOException, InterruptedException {
        String files = Processes.run(List.of("bash", "-c", "ulimit -Sn"), Release.repo(), Map.of()).requireSuccess()
                .stdout().strip();
        return List.of("--ulimit", "nofile=" + files + ":" + files, "--ulimit", "nproc=4096:4096",
                "--health-interval", "disable");
    }

    static Processes.Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(PODMAN);
        command.addAll(List.of(args));
        return Processes.run(command, Release.repo(), Map.of());
    }

    static void buildBaseImage() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path script = Release.repo().resolve("distribution/src/test/sh/build-base-image.sh");
        Processes.run(List.of("bash", script.toString(), BASE), Release.repo(), Map.of()).requireSuccess();
        record("base image ready in seconds: " + (System.nanoTime() - started) / 1_000_000_000);
    }

    /** Builds a Dockerfile of docker/ on the test base, with the repository as context; returns the seconds taken. */
    static long build(String dockerfile, String tag) throws IOException, InterruptedException {
        long started = System.nanoTime();
        // docker format keeps HEALTHCHECK; host network lets the runner's apt step reach the machine's mirror
        run("build", "--format", "docker", "--pull=never", "--network", "host", "--build-arg", "BASE=" + BASE,
                "-f", dockerfile, "-t", tag, ".").requireSuccess();
        return (System.nanoTime() - started) / 1_000_000_000;
    }

    static long imageSize(String image) throws IOException, InterruptedException {
        return Long.parseLong(run("image", "inspect", "--format", "{{.Size}}", image).requireSuccess().stdout().strip());
    }

    /** Runs the image's HEALTHCHECK until it passes (podman runs it on demand here: no systemd timers). */
    static void awaitHealthy(String container) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Processes.Result last = null;
        while (System.nanoTime() < deadline) {
            last = run("healthcheck", "run", container);
            if (last.exitCode() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        Processes.Result logs = run("logs", container);
        throw new AssertionError(container + " never became healthy: " + last + "\n" + logs.stdout() + logs.stderr());
    }

    static void removeQuietly(String container) throws IOException, InterruptedException {
        run("rm", "-f", "-t", "0", container);
    }

    /** Figures for BENCHMARKS.md, appended to target/container-measurements.txt and printed. */
    static void record(String line) throws IOException {
        System.out.println("[measured] " + line);
        Files.writeString(MEASUREMENTS, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
