package io.pkgr.cli.runtime.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python interpreter once to learn its version, its pip's version and its real executable,
 * and remembers the answer in the cache keyed by the path it is started by (not its real path: a
 * venv's {@code bin/python} and {@code /usr/bin/python3.11} are one file with two environments,
 * and which one Python starts in follows from that path), stamped with the real file's size and
 * mtime and with pip's place: its dist-info directory (or, with no pip, the site-packages pip would
 * go to), whose path or mtime changes when pip is installed, upgraded or removed.
 *
 * <p>A launcher in a {@code shims} directory (pyenv, asdf, mise) answers for whichever interpreter
 * the current directory and environment select, so its answer is never remembered; the real
 * executable it names is what the install then uses, so the launcher runs once per install, not
 * once per step.
 */
final class InterpreterProbes {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** importlib.metadata reads pip's version without importing pip (which costs a pip start-up). */
    private static final String SCRIPT = String.join("\n",
            "import sys, sysconfig",
            "try:",
            "    from importlib.metadata import distribution",
            "    d = distribution('pip')",
            "    pip, place = d.version, str(getattr(d, '_path', '') or d.locate_file(''))",
            "except Exception:",
            "    pip, place = '-', sysconfig.get_paths()['purelib']",
            "base = getattr(sys, '_base_executable', None) or sys.executable",
            "print('%d.%d.%d' % sys.version_info[:3], pip, sys.executable, place, sys.implementation.cache_tag, base, sep='\\n')");

    /**
     * What an interpreter said: {@code pip} is null when it has none; {@code cacheTag} names its .pyc
     * files ({@code cpython-311}); {@code baseExecutable} is {@code sys._base_executable}, the
     * interpreter a venv made by this one runs (for a venv's python, its base's, not its own);
     * {@code cached} when nothing ran.
     */
    record Probe(String version, String pip, String executable, String cacheTag, String baseExecutable, boolean cached) {
    }

    /** An answer and where its pip lives ({@code -} when the interpreter did not say). */
    private record Answer(Probe probe, String pipPlace) {
    }

    private final Path file;
    /** The probe's environment: pkgr's without its secrets (a .pth file runs in every interpreter start). */
    private final Map<String, String> env;

    InterpreterProbes(Path file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** The probe of {@code interpreter} (a path), or null when it does not run as a Python. */
    Probe probe(String interpreter) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(Path.of(interpreter).toRealPath(), BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String key = Path.of(interpreter).toAbsolutePath().normalize().toString();
        String stamp = attributes.size() + ":" + attributes.lastModifiedTime().toMillis();
        boolean launcher = isLauncher(Path.of(interpreter));
        JsonNode remembered = launcher ? null : read().get(key);
        // an answer remembered before a field was asked for lacks it: asked again
        if (remembered != null && stamp.equals(remembered.path("stamp").asText()) && remembered.hasNonNull("cache_tag")
                && remembered.hasNonNull("base_executable")
                && pipStamp(remembered.path("pip_place").asText("-")).equals(remembered.path("pip_stamp").asText())) {
            return new Probe(remembered.path("version").asText(), textOrNull(remembered.get("pip")),
                    remembered.path("executable").asText(), remembered.path("cache_tag").asText(),
                    remembered.path("base_executable").asText(), true);
        }
        Answer answer = run(interpreter);
        if (answer != null && !launcher) {
            remember(key, stamp, answer);
        }
        return answer == null ? null : answer.probe();
    }

    /** The mtime of pip's place: a new pip has a new dist-info directory, a reinstalled one a new mtime. */
    private static String pipStamp(String place) {
        if (place.equals("-")) {
            return "-";
        }
        try {
            return place + ":" + Files.getLastModifiedTime(Path.of(place)).toMillis();
        } catch (IOException | RuntimeException e) {
            return place + ":gone";
        }
    }

    static boolean isLauncher(Path interpreter) {
        Path dir = interpreter.toAbsolutePath().getParent();
        return dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("shims");
    }

    private Answer run(String interpreter) {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(interpreter, "-c", SCRIPT)).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            List<String> lines = out.lines().toList();
            if (lines.size() < 6 || !lines.get(0).matches("\\d+\\.\\d+\\.\\d+") || !lines.get(4).matches("[a-z0-9_]+-[0-9]+")) {
                return null;
            }
            Probe probe = new Probe(lines.get(0), lines.get(1).equals("-") ? null : lines.get(1), lines.get(2), lines.get(4),
                    lines.get(5), false);
            return new Answer(probe, lines.size() > 3 && !lines.get(3).isBlank() ? lines.get(3) : "-");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private ObjectNode read() {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Read, add, write atomically: two installs racing lose at most one entry, which is probed again later. */
    private void remember(String key, String stamp, Answer answer) {
        ObjectNode all = read();
        Probe probe = answer.probe();
        ObjectNode entry = all.putObject(key).put("stamp", stamp).put("version", probe.version())
                .put("executable", probe.executable()).put("cache_tag", probe.cacheTag()).put("base_executable", probe.baseExecutable())
                .put("pip_place", answer.pipPlace())
                .put("pip_stamp", pipStamp(answer.pipPlace()));
        if (probe.pip() != null) {
            entry.put("pip", probe.pip());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, "rw-r--r--", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            // a read-only cache (a baked image) still installs; it just probes again next time
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
