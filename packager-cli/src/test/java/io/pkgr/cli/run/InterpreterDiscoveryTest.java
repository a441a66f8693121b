package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the Python for a venv with fake interpreters that count how often they are asked. */
class InterpreterDiscoveryTest {

    @TempDir
    Path tmp;

    /** A shell script that answers the probe like a Python {@code version} would, and counts each call. */
    private Path fake(Path dir, String name, String version, String executable) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho x >> \"$0.calls\"\necho \"" + version + " 23.0.1 "
                + (executable != null ? executable : "$0") + "\"\n");
        script.toFile().setExecutable(true);
        return script;
    }

    private static long calls(Path fake) throws IOException {
        Path counter = Path.of(fake + ".calls");
        return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
    }

    /** A fresh discovery, as a new pkgr process would make it, sharing the cache. */
    private Python.Choice discover(Path bin, String constraint) {
        Python python = new Python(Map.of("PATH", bin.toString()), new InterpreterProbes(tmp.resolve("cache/interpreters.json"), Map.of()));
        return python.choose(null, null, constraint);
    }

    @Test
    void aSecondDiscoveryDoesNotAskTheInterpreterAgain() throws IOException {
        Path bin = tmp.resolve("bin");
        Path python3 = fake(bin, "python3", "3.11.4", null);

        Python.Choice first = discover(bin, ">=3.9");
        Python.Choice second = discover(bin, ">=3.9");

        assertEquals(python3.toString(), second.path());
        assertEquals("3.11.4", second.version());
        assertEquals(1, calls(python3));
        assertTrue(first.how().endsWith("probed"), first.how());
        assertTrue(second.how().endsWith("remembered probe"), second.how());
    }

    @Test
    void python3OnPathIsTriedBeforeVersionedNames() throws IOException {
        Path bin = tmp.resolve("bin");
        Path python3 = fake(bin, "python3", "3.11.4", null);
        Path python313 = fake(bin, "python3.13", "3.13.0", null);

        Python.Choice choice = discover(bin, ">=3.9");

        assertEquals(python3.toString(), choice.path());
        assertEquals(0, calls(python313));
    }

    @Test
    void whenPython3DoesNotFitTheNewestVersionedNameThatFitsIsChosen() throws IOException {
        Path bin = tmp.resolve("bin");
        fake(bin, "python3", "3.8.10", null);
        fake(bin, "python3.13", "3.13.0", null);
        Path python312 = fake(bin, "python3.12", "3.12.1", null);

        Python.Choice choice = discover(bin, ">=3.10,<3.13");

        assertEquals(python312.toString(), choice.path());
    }

    @Test
    void aChangedInterpreterIsAskedAgain() throws IOException {
        Path bin = tmp.resolve("bin");
        Path python3 = fake(bin, "python3", "3.11.4", null);
        discover(bin, ">=3.9");
        Files.setLastModifiedTime(python3, FileTime.from(Instant.now().plusSeconds(60)));

        discover(bin, ">=3.9");

        assertEquals(2, calls(python3));
    }

    @Test
    void aShimIsNeverRememberedAndTheInterpreterItRanIsUsed() throws IOException {
        Path real = fake(tmp.resolve("versions/3.11.7/bin"), "python3", "3.11.7", null);
        Path shims = tmp.resolve("pyenv/shims");
        Path shim = fake(shims, "python3", "3.11.7", real.toString());

        Python.Choice first = discover(shims, ">=3.9");
        Python.Choice second = discover(shims, ">=3.9");

        assertEquals(real.toString(), second.path());
        assertEquals(2, calls(shim), "pyenv answers by directory and environment: asked on every discovery");
        assertTrue(first.how().contains(shim + " is a launcher"), first.how());
    }
}
