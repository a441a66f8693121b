package io.pkgr.cli.runtime.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.cli.cache.FileOps;
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

    /** A shell script that answers the probe like a Python {@code version} would (cache tag too), and counts each call. */
    private Path fake(Path dir, String name, String version, String executable) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho x >> \"$0.calls\"\necho \"" + version + "\"\necho 23.0.1\necho \""
                + (executable != null ? executable : "$0") + "\"\necho -\necho cpython-" + version.replaceAll("^(\\d+)\\.(\\d+).*", "$1$2")
                + "\necho \"" + (executable != null ? executable : "$0") + "\"\n");
        script.toFile().setExecutable(true);
        return script;
    }

    /**
     * One interpreter file that answers like Python does when started by different paths: its pip
     * (version and dist-info directory) is the one of the environment beside the path it was started
     * by, read from {@code ../pip} there, as a venv's {@code bin/python} symlink finds its own site-packages.
     */
    private Path sharedInterpreter() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real")).resolve("python3.11");
        Files.writeString(real, "#!/bin/sh\necho x >> \"$0.calls\"\necho 3.11.2\ncat \"$(dirname \"$0\")/../pip\"\n"
                + "echo " + real + "\ncat \"$(dirname \"$0\")/../pip-place\"\necho cpython-311\necho " + real + "\n");
        real.toFile().setExecutable(true);
        return real;
    }

    /** An environment {@code dir} whose bin/python is a symlink to {@code real}, with pip {@code pip}. */
    private Path environment(Path dir, Path real, String pip) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path python = Files.createSymbolicLink(bin.resolve("python"), real);
        withPip(dir, pip);
        return python;
    }

    private static void withPip(Path dir, String pip) throws IOException {
        Path distInfo = Files.createDirectories(dir.resolve("site-packages/pip-" + pip + ".dist-info"));
        Files.writeString(dir.resolve("pip"), pip + "\n");
        Files.writeString(dir.resolve("pip-place"), distInfo + "\n");
    }

    private InterpreterProbes probes() {
        return new InterpreterProbes(tmp.resolve("cache/interpreters.json"), Map.of());
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
    void anAnswerRememberedWithoutTheBaseInterpreterIsAskedAgainAndThenRemembered() throws IOException {
        Path bin = tmp.resolve("bin");
        Path python3 = fake(bin, "python3", "3.11.4", null);
        discover(bin, ">=3.9");
        Path cache = tmp.resolve("cache/interpreters.json");
        String remembered = Files.readString(cache);
        assertTrue(remembered.contains("\"base_executable\""), remembered);
        Files.writeString(cache, remembered.replaceAll("\"base_executable\"\\s*:\\s*\"[^\"]*\",?", ""));

        Python.Choice asked = discover(bin, ">=3.9");
        Python.Choice again = discover(bin, ">=3.9");

        assertEquals(2, calls(python3), "the answer without the field was not used");
        assertEquals(python3.toString(), asked.baseExecutable());
        assertTrue(again.how().endsWith("remembered probe"), again.how());
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

    @Test
    void twoEnvironmentsOfOneInterpreterFileKeepTheirOwnPip() throws IOException {
        Path real = sharedInterpreter();
        Path venv = environment(tmp.resolve("venv"), real, "20.0");
        Path system = environment(tmp.resolve("usr"), real, "23.0.1");

        String venvPip = probes().probe(venv.toString()).pip();
        String systemPip = probes().probe(system.toString()).pip();
        InterpreterProbes.Probe venvAgain = probes().probe(venv.toString());
        InterpreterProbes.Probe systemAgain = probes().probe(system.toString());

        assertEquals("20.0", venvPip);
        assertEquals("23.0.1", systemPip, "the venv's answer is not the system's");
        assertEquals("20.0", venvAgain.pip());
        assertEquals("23.0.1", systemAgain.pip());
        assertTrue(venvAgain.cached() && systemAgain.cached(), "each is remembered on its own");
    }

    @Test
    void anUpgradedPipIsAskedAgainThoughTheInterpreterFileIsUnchanged() throws IOException {
        Path real = sharedInterpreter();
        Path python = environment(tmp.resolve("usr"), real, "22.0");
        probes().probe(python.toString());
        // what pip install -U pip does: the old dist-info goes, a new one comes; bin/python is untouched
        FileOps.deleteTree(tmp.resolve("usr/site-packages/pip-22.0.dist-info"));
        withPip(tmp.resolve("usr"), "24.0");

        InterpreterProbes.Probe after = probes().probe(python.toString());

        assertEquals("24.0", after.pip());
        assertEquals(2, calls(python));
    }
}
