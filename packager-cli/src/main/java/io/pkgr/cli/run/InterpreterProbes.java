package io.pkgr.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * and remembers the answer in the cache keyed by the interpreter's real path, size and mtime, so a
 * later install on this host asks again only when the interpreter changed.
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
            "import sys",
            "try:",
            "    from importlib.metadata import version",
            "    pip = version('pip')",
            "except Exception:",
            "    pip = '-'",
            "print('%d.%d.%d' % sys.version_info[:3], pip, sys.executable)");

    /** What an interpreter said: {@code pip} is null when it has none; {@code cached} when nothing ran. */
    record Probe(String version, String pip, String executable, boolean cached) {
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
        Path real;
        BasicFileAttributes attributes;
        try {
            real = Path.of(interpreter).toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String key = real.toString();
        String stamp = attributes.size() + ":" + attributes.lastModifiedTime().toMillis();
        boolean launcher = isLauncher(Path.of(interpreter));
        JsonNode remembered = launcher ? null : read().get(key);
        if (remembered != null && stamp.equals(remembered.path("stamp").asText())) {
            return new Probe(remembered.path("version").asText(), textOrNull(remembered.get("pip")),
                    remembered.path("executable").asText(), true);
        }
        Probe probe = run(interpreter);
        if (probe != null && !launcher) {
            remember(key, stamp, probe);
        }
        return probe;
    }

    static boolean isLauncher(Path interpreter) {
        Path dir = interpreter.toAbsolutePath().getParent();
        return dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("shims");
    }

    private Probe run(String interpreter) {
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
            String[] parts = out.split(" ", 3);
            if (parts.length < 3 || !parts[0].matches("\\d+\\.\\d+\\.\\d+")) {
                return null;
            }
            return new Probe(parts[0], parts[1].equals("-") ? null : parts[1], parts[2], false);
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
    private void remember(String key, String stamp, Probe probe) {
        ObjectNode all = read();
        ObjectNode entry = all.putObject(key).put("stamp", stamp).put("version", probe.version())
                .put("executable", probe.executable());
        if (probe.pip() != null) {
            entry.put("pip", probe.pip());
        }
        try {
            FileOps.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            // a read-only cache (a baked image) still installs; it just probes again next time
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
