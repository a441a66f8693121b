package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./pkgr} launcher, run the way users install it: through a symlink on their PATH. */
class LauncherTest {

    @TempDir
    Path tmp;

    @Test
    void theLauncherRunsThroughAChainOfSymlinksFromAnotherDirectory() throws Exception {
        LauncherCheckout checkout = LauncherCheckout.create(Files.createDirectories(tmp.resolve("checkout")));
        Path links = Files.createDirectories(tmp.resolve("opt/links"));
        Files.createSymbolicLink(links.resolve("pkgr"), checkout.script());
        Path bin = Files.createDirectories(tmp.resolve("home/bin"));
        Files.createSymbolicLink(bin.resolve("pkgr"), Path.of("../../opt/links/pkgr"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

        ProcessBuilder pb = new ProcessBuilder(bin.resolve("pkgr").toString(), "--version").directory(elsewhere.toFile());
        pb.environment().clear();
        pb.environment().putAll(LauncherCheckout.environment(tmp.resolve("home")));
        pb.environment().put("PKGR_CACHE_DIR", tmp.resolve("cache").toString());
        Path log = tmp.resolve("launcher.log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(finished, "the launcher did not finish: " + output);

        assertEquals(0, p.exitValue(), output);
        assertTrue(output.startsWith("pkgr "), output);
        assertTrue(output.contains("Java "), output);
    }
}
