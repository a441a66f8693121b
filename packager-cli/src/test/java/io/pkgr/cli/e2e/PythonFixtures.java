package io.pkgr.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds real wheels with the system's pip (there is no PyPI here): a tiny setuptools project per call. */
final class PythonFixtures {

    static final String PYTHON = "/usr/bin/python3";

    private PythonFixtures() {
    }

    /** Builds {@code name-version-py3-none-any.whl} into {@code home/wheels} and returns that directory. */
    static Path wheel(Path home, String name, String version) throws IOException, InterruptedException {
        Path src = Files.createDirectories(home.resolve("wheel-src/" + name + "-" + version));
        Files.createDirectories(src.resolve(name));
        Files.writeString(src.resolve(name + "/__init__.py"), "VERSION = '" + version + "'\n");
        Files.writeString(src.resolve("setup.py"), """
                from setuptools import setup
                setup(name=%s, version=%s, packages=[%s])
                """.formatted(quote(name), quote(version), quote(name)));
        Path wheels = Files.createDirectories(home.resolve("wheels"));
        Process p = new ProcessBuilder(PYTHON, "-m", "pip", "--isolated", "wheel", "--no-deps", "--no-build-isolation",
                "--no-index", "-w", wheels.toString(), src.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pip wheel failed:\n" + out);
        }
        return wheels;
    }

    /** Uploads a file with the real twine to the registry's legacy upload URL. */
    static void twineUpload(Path file, java.net.URI legacyUrl, String user, String password) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
                "--repository-url", legacyUrl.toString(), "-u", user, "-p", password, file.toString())
                .redirectErrorStream(true);
        pb.environment().put("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("twine upload failed:\n" + out);
        }
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }
}
