package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's quick start, read from the README and run word for word by the real {@code pkgr}
 * launcher on a fresh registry and in a fresh home, so the two cannot drift apart.
 */
class QuickStartTest {

    private static final Path README = LauncherCheckout.SCRIPT.resolveSibling("README.md");
    private static final String README_URL = "http://localhost:8080/";

    @TempDir
    Path tmp;

    @Test
    void theReadmeQuickStartServesConfiguresInitsBuildsPublishesAndRuns() throws Exception {
        List<List<String>> blocks = quickStartBlocks();
        assertEquals(2, blocks.size(), "the quick start has a registry block and a user block: " + blocks);
        LauncherCheckout checkout = LauncherCheckout.create(Files.createDirectories(tmp.resolve("checkout")));
        Path home = Files.createDirectories(tmp.resolve("home"));

        try (ServerProcess server = startRegistry(checkout, blocks.get(0), home)) {
            String userBlock = String.join("\n", blocks.get(1));
            assertTrue(userBlock.contains(README_URL), userBlock);

            Shell shell = runAsUser(checkout, userBlock.replace(README_URL, server.url.toString()), home,
                    adminPassword(checkout, server));

            assertEquals(0, shell.exitCode, shell.output);
            assertTrue(shell.output.contains("hello, team"), shell.output);
            assertTrue(Files.isRegularFile(home.resolve("my-pipeline/dist/my-pipeline-0.1.0.pkgr")), shell.output);
        }
    }

    /**
     * The admin password where the README tells a user to find it: {@code data/admin-password}
     * beside the {@code ./pkgr serve} that created it, and nowhere in the console.
     */
    private static String adminPassword(LauncherCheckout checkout, ServerProcess server) throws IOException {
        String password = Files.readString(checkout.root.resolve("data/admin-password")).strip();
        assertTrue(server.log.stream().noneMatch(line -> line.contains(password)), "the console shows the password");
        return password;
    }

    /** The lines of every {@code ```sh} block in the README's "Quick start" section. */
    static List<List<String>> quickStartBlocks() throws IOException {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        boolean inSection = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Quick start");
            } else if (inSection && block == null && line.equals("```sh")) {
                block = new ArrayList<>();
            } else if (block != null && line.equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        return blocks;
    }

    /** The registry block, run in the checkout on a free loopback port (a fresh ./data: first start). */
    private static ServerProcess startRegistry(LauncherCheckout checkout, List<String> block, Path home)
            throws IOException, InterruptedException {
        assertEquals(List.of("./pkgr serve"), block);
        // exec, so that stopping the process stops the registry rather than a shell around it
        ProcessBuilder serve = new ProcessBuilder("bash", "-c", "exec " + block.get(0)).directory(checkout.root.toFile());
        serve.environment().clear();
        serve.environment().putAll(LauncherCheckout.environment(home));
        serve.environment().putAll(Map.of("PKGR_PORT", "0", "PKGR_HOST", "127.0.0.1"));
        return ServerProcess.start(serve);
    }

    record Shell(int exitCode, String output) {
    }

    /**
     * The user block as one shell script in a fresh home with {@code pkgr} on the PATH through a
     * symlink, under a pseudo-terminal ({@code script}) so that "asks for the password" really asks;
     * the password is typed on it.
     */
    private Shell runAsUser(LauncherCheckout checkout, String block, Path home, String password)
            throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("pkgr"), checkout.script());
        Path script = Files.writeString(tmp.resolve("quick-start.sh"), block + "\n");
        ProcessBuilder pb = new ProcessBuilder("script", "--quiet", "--return", "--command",
                "bash -euxo pipefail " + script, "/dev/null").directory(home.toFile()).redirectErrorStream(true);
        Path log = tmp.resolve("quick-start.log");
        pb.redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(LauncherCheckout.environment(home));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        // apt's interpreter has venv; a python3 on PATH may be a pyenv shim
        pb.environment().put("PKGR_PYTHON", "/usr/bin/python3");
        pb.environment().put("TERM", "dumb");
        Process p = pb.start();
        try (OutputStream typed = p.getOutputStream()) {
            typed.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log).replace("\r\n", "\n");
        if (!finished) {
            throw new AssertionError("the quick start did not finish: " + output);
        }
        return new Shell(p.exitValue(), output);
    }
}
