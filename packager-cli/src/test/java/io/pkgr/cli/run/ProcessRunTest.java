package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** pkgr run as real processes: stdout passthrough, signal forwarding, concurrent installs. */
class ProcessRunTest extends RegistryTest {

    @Test
    void entrypointOutputStreamsThroughAndTheJsonResultIsTheLastLine() throws Exception {
        registry.publishExec("streamer", "1.0.0", """
                echo "line one"
                echo "to stderr" >&2
                echo '{ "ok" : true }' > "$PKGR_OUTPUT"
                echo "line two"
                """);

        Registry.Result r = registry.pkgrProcessRun("run", "streamer==1.0.0", "task", "--day=2024-05-01");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("line one", "line two", "{\"ok\":true}"), r.out().lines().toList());
        assertTrue(r.err().contains("to stderr"), r.err());
    }

    @Test
    void sigtermReachesTheEntrypointAndItsExitCodeIsReturned() throws Exception {
        Path ready = tmp.resolve("ready");
        Path trapped = tmp.resolve("trapped");
        registry.publishExec("graceful", "1.0.0", """
                trap 'echo TERM > "$TRAPPED"; exit 42' TERM
                touch "$READY"
                while true; do sleep 0.1; done
                """);
        registry.env.put("READY", ready.toString());
        registry.env.put("TRAPPED", trapped.toString());
        Process p = registry.pkgrProcess("run", "graceful==1.0.0", "task", "--day=2024-05-01")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("err.txt").toFile()).start();
        waitFor(ready);

        p.destroy(); // SIGTERM to the pkgr JVM only

        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "pkgr exits after the entrypoint");
        assertEquals(42, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
        assertEquals("TERM", Files.readString(trapped).trim());
    }

    @Test
    void sigintIsForwardedToo() throws Exception {
        Path ready = tmp.resolve("ready");
        Path trapped = tmp.resolve("trapped");
        registry.publishExec("interrupted", "1.0.0", """
                trap 'echo INT > "$TRAPPED"; exit 130' INT
                touch "$READY"
                while true; do sleep 0.1; done
                """);
        registry.env.put("READY", ready.toString());
        registry.env.put("TRAPPED", trapped.toString());
        Process p = registry.pkgrProcess("run", "interrupted==1.0.0", "task", "--day=2024-05-01")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        waitFor(ready);

        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();

        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue());
        assertEquals("INT", Files.readString(trapped).trim());
    }

    @Test
    void twentyConcurrentRunsInstallOnceAndNeverSeeAHalfBuiltEnvironment() throws Exception {
        registry.publishExec("crowd", "1.0.0", """
                test -x "$PKGR_ENV_DIR/files/bin/task.sh" && test -f "$PKGR_ENV_DIR/.pkgr-ready" || exit 99
                echo "{\\"n\\": \\"$1\\"}" > "$PKGR_OUTPUT"
                """);
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            processes.add(registry.pkgrProcess("run", "crowd==1.0.0", "task", "--day=2024-05-" + String.format("%02d", i + 1))
                    .redirectError(tmp.resolve("err-" + i).toFile()).start());
        }

        List<String> outputs = new ArrayList<>();
        for (Process p : processes) {
            outputs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        }

        for (int i = 0; i < 20; i++) {
            assertEquals(0, processes.get(i).exitValue(), Files.readString(tmp.resolve("err-" + i)));
            assertEquals("{\"n\":\"--day=2024-05-" + String.format("%02d", i + 1) + "\"}", outputs.get(i));
        }
        assertEquals(1, registry.installs(), Files.readString(registry.cache().resolve("install.log")));
        assertEquals(1, registry.environments().size());
    }

    private static void waitFor(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("entrypoint never started: " + file);
            }
            Thread.sleep(50);
        }
    }
}
