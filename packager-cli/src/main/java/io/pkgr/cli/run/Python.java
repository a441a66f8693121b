package io.pkgr.cli.run;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python for the python runtime: the interpreter that satisfies a bundle's {@code python}
 * constraint, a venv created without pip, and the vendored wheels installed offline by the real
 * pip of another interpreter ({@code pip --python VENV/bin/python}, pip 22.3 or newer).
 */
final class Python {

    /** Interpreters tried, best first, when neither --python nor PKGR_PYTHON names one. */
    private static final List<String> CANDIDATES = List.of("python3.13", "python3.12", "python3.11", "python3.10",
            "python3.9", "python3", "/usr/bin/python3");
    private static final String VERSION_SCRIPT = "import sys;print('%d.%d.%d' % sys.version_info[:3])";

    private final Map<String, String> env;

    Python(Map<String, String> env) {
        this.env = env;
    }

    /** The interpreter to build the venv with: the explicit one (checked) or the first candidate that fits. */
    String choose(String explicit, String constraint) {
        if (explicit != null) {
            String version = version(explicit);
            if (version == null) {
                throw new CliException(ExitCode.USAGE, "cannot run python interpreter '" + explicit + "'");
            }
            if (constraint != null && !Pep440.satisfies(version, constraint)) {
                throw new CliException(ExitCode.USAGE, explicit + " is Python " + version + " but the bundle needs python "
                        + constraint);
            }
            return explicit;
        }
        List<String> seen = new ArrayList<>();
        for (String candidate : CANDIDATES) {
            String path = which(candidate);
            if (path == null) {
                continue;
            }
            String version = version(path);
            if (version == null) {
                continue;
            }
            seen.add(candidate + " " + version);
            if (constraint == null || Pep440.satisfies(version, constraint)) {
                return path;
            }
        }
        throw new CliException(ExitCode.USAGE, "no python interpreter satisfies the bundle's python " + constraint
                + (seen.isEmpty() ? " (none found on PATH)" : " (found: " + String.join(", ", seen) + ")")
                + "; pass --python PATH or set PKGR_PYTHON");
    }

    /** Creates {@code venv} with {@code interpreter}, without pip: nothing is fetched. */
    void createVenv(String interpreter, Path venv, StringBuilder log) {
        exec(List.of(interpreter, "-m", "venv", "--without-pip", venv.toString()), log,
                "cannot create a virtual environment with " + interpreter);
    }

    /** Installs wheels into the venv offline: no index, no dependency resolution (the bundle vendored them all). */
    void installWheels(Path venvPython, List<Path> wheels, String interpreter, StringBuilder log) {
        String pipHost = pipHost(interpreter);
        List<String> cmd = new ArrayList<>(List.of(pipHost, "-m", "pip", "--python", venvPython.toString(), "install",
                "--no-index", "--no-deps", "--isolated", "--disable-pip-version-check", "--no-input",
                "--progress-bar", "off", "--quiet"));
        wheels.forEach(w -> cmd.add(w.toString()));
        exec(cmd, log, "pip could not install the vendored wheels");
    }

    /** Compiles the bundle's own modules once, so runs do not write __pycache__ into the shared environment. */
    void compile(Path venvPython, Path dir, StringBuilder log) {
        exec(List.of(venvPython.toString(), "-m", "compileall", "-q", dir.toString()), log,
                "python could not compile " + dir);
    }

    /** An interpreter whose pip can target another interpreter (pip >= 22.3): PKGR_PIP_PYTHON, the chosen one, the system's. */
    private String pipHost(String interpreter) {
        List<String> hosts = new ArrayList<>();
        if (env.get("PKGR_PIP_PYTHON") != null && !env.get("PKGR_PIP_PYTHON").isEmpty()) {
            hosts.add(env.get("PKGR_PIP_PYTHON"));
        }
        hosts.add(interpreter);
        hosts.add("/usr/bin/python3");
        hosts.add("python3");
        List<String> seen = new ArrayList<>();
        for (String host : hosts) {
            String out = capture(List.of(host, "-m", "pip", "--version"));
            if (out == null || !out.startsWith("pip ")) {
                continue;
            }
            String v = out.substring(4, out.indexOf(' ', 4) > 0 ? out.indexOf(' ', 4) : out.length());
            seen.add(host + " has pip " + v);
            if (Pep440.compare(v, "22.3") >= 0) {
                return host;
            }
        }
        throw new CliException(ExitCode.FAILURE, "installing wheels needs pip 22.3 or newer in some interpreter ("
                + (seen.isEmpty() ? "no pip found" : String.join(", ", seen)) + "); set PKGR_PIP_PYTHON to one that has it");
    }

    String version(String interpreter) {
        String out = capture(List.of(interpreter, "-c", VERSION_SCRIPT));
        return out != null && out.matches("\\d+\\.\\d+\\.\\d+") ? out : null;
    }

    private String which(String name) {
        if (name.contains("/")) {
            return Files.isExecutable(Path.of(name)) ? name : null;
        }
        return Launch.which(name, env.get("PATH"));
    }

    private static String capture(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void exec(List<String> cmd, StringBuilder log, String failure) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
            pb.environment().remove("PYTHONPATH");
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            log.append("$ ").append(String.join(" ", cmd)).append('\n').append(out);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new CliException(ExitCode.FAILURE, failure + " (exit " + p.exitValue() + "):\n" + out.strip());
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, failure + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, failure + ": interrupted");
        }
    }
}
