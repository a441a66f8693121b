package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pkgr serve} under a process supervisor: SIGTERM is a clean stop, not a failure. */
class ServeSignalTest {

    @TempDir
    Path tmp;

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        // given a running pkgr serve
        ServerProcess server = ServerProcess.start(tmp.resolve("data"), "--shutdown-grace", "5");

        // when it gets SIGTERM (Process.destroy sends SIGTERM on Linux)
        server.process.destroy();

        // then it stops within the grace period, says so, and exits 0 (not 143)
        assertTrue(server.process.waitFor(30, TimeUnit.SECONDS), "pkgr serve did not stop");
        assertEquals(0, server.process.exitValue(), String.join("\n", server.log));
    }
}
