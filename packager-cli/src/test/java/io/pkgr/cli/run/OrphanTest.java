package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGKILL of {@code pkgr run} itself: the entrypoint and what it started end too (the watchdog). */
class OrphanTest extends RegistryTest {

    @Test
    void sigkillOfPkgrEndsTheEntrypointAndItsGrandchild() throws Exception {
        Path ready = tmp.resolve("ready");
        registry.publishExec("orphan", "1.0.0", """
                sleep 300 &
                echo "$$ $!" > "$READY.tmp" && mv "$READY.tmp" "$READY"
                while true; do sleep 0.1; done
                """);
        registry.env.put("READY", ready.toString());
        Process pkgr = registry.pkgrProcess("run", "orphan==1.0.0", "task", "--day=2024-05-01")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("err.txt").toFile()).start();
        waitFor(ready);
        String[] pids = Files.readString(ready).trim().split(" ");
        long entrypoint = Long.parseLong(pids[0]);
        long grandchild = Long.parseLong(pids[1]);
        assertTrue(alive(entrypoint) && alive(grandchild));

        pkgr.destroyForcibly(); // SIGKILL: pkgr can forward nothing
        assertTrue(pkgr.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, pkgr.exitValue());

        assertTrue(gone(entrypoint, 10), "the entrypoint still runs after pkgr was SIGKILLed");
        assertTrue(gone(grandchild, 10), "the entrypoint's child still runs after pkgr was SIGKILLed");
    }

    @Test
    void aNormalEndLeavesWhatTheEntrypointDetachedAlone() throws Exception {
        // the watchdog acts only when pkgr dies: a finished run is as before (its leftovers are its business)
        Path ready = tmp.resolve("ready");
        registry.publishExec("leaves", "1.0.0", """
                sleep 300 >/dev/null 2>&1 &
                echo "$!" > "$READY.tmp" && mv "$READY.tmp" "$READY"
                """);
        registry.env.put("READY", ready.toString());
        Registry.Result r = registry.pkgrProcessRun("run", "leaves==1.0.0", "task", "--day=2024-05-01");
        assertEquals(0, r.exitCode(), r.err());
        long leftover = Long.parseLong(Files.readString(ready).trim());
        try {
            Thread.sleep(1000);
            assertTrue(alive(leftover), "the watchdog killed the group after a normal end");
        } finally {
            ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Running, not a zombie that a non-reaping init keeps. */
    private static boolean alive(long pid) {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        try {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean gone(long pid, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (alive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
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
