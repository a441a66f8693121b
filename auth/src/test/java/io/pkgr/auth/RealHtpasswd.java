package io.pkgr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Apache's {@code htpasswd} (package apache2-utils). Missing binary fails the test: CI installs it. */
final class RealHtpasswd {

    private RealHtpasswd() {
    }

    /** {@code htpasswd -nb FLAGS user password}: the line it would write, without newline. */
    static String line(String user, String password, String... flags) {
        List<String> cmd = new ArrayList<>(List.of("htpasswd", "-nb"));
        cmd.addAll(List.of(flags));
        cmd.add(user);
        cmd.add(password);
        String out = run(cmd).strip();
        if (!out.startsWith(user + ":")) {
            fail("htpasswd printed an unexpected line: " + out);
        }
        return out;
    }

    /** {@code htpasswd -vb file user password}: whether Apache itself accepts the password. */
    static boolean verifies(Path file, String user, String password) {
        try {
            Process p = new ProcessBuilder("htpasswd", "-vb", file.toString(), user, password)
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return fail("the htpasswd binary is required (apt-get install apache2-utils): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e);
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("htpasswd did not finish");
            }
            assertEquals(0, p.exitValue(), "exit code of " + cmd);
            return out;
        } catch (IOException e) {
            return fail("the htpasswd binary is required (apt-get install apache2-utils): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e);
        }
    }

    static Path write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }
}
