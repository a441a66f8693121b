package io.pkgr.cli.runtime.python;

import io.pkgr.bundle.pep440.Pep440Specifier;
import io.pkgr.bundle.pep440.Pep440Version;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.runtime.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python for the python runtime: the interpreter that satisfies a bundle's {@code python}
 * constraint and a venv created without pip (the {@link WheelStore} fills its site-packages).
 */
final class Python {

    /**
     * Interpreters tried, in order, when neither --python nor PKGR_PYTHON names one: the
     * {@code python3} the PATH selects first (what a user gets by typing it, and under pyenv the one
     * launcher that is sure to work), then versioned names, newest first, then the system's.
     */
    static final List<String> CANDIDATES = List.of("python3", "python3.13", "python3.12", "python3.11", "python3.10",
            "python3.9", "/usr/bin/python3");

    /**
     * The interpreter a venv is built with, its version, its .pyc tag, the interpreter its venvs run
     * ({@code sys._base_executable}), and how it was found (for -v).
     */
    record Choice(String path, String version, String cacheTag, String baseExecutable, String how) {
    }

    /** Also the environment of every step (pip, compileall): pkgr's without its secrets. */
    private final Map<String, String> env;
    private final InterpreterProbes probes;

    Python(Map<String, String> env, InterpreterProbes probes) {
        this.env = env;
        this.probes = probes;
    }

    /** The interpreter to build the venv with: the explicit one (checked) or the first candidate that fits. */
    Choice choose(String explicit, String explicitFrom, String constraint) {
        if (explicit != null) {
            InterpreterProbes.Probe probe = probes.probe(which(explicit) != null ? which(explicit) : explicit);
            if (probe == null) {
                throw new CliException(ExitCode.USAGE, "cannot run python interpreter '" + explicit + "'");
            }
            if (constraint != null && !fits(probe, constraint)) {
                throw new CliException(ExitCode.USAGE, explicit + " is Python " + probe.version()
                        + " but the bundle needs python " + constraint);
            }
            return choice(explicit, probe, "from " + explicitFrom);
        }
        List<String> seen = new ArrayList<>();
        for (String candidate : CANDIDATES) {
            String path = which(candidate);
            if (path == null) {
                continue;
            }
            InterpreterProbes.Probe probe = probes.probe(path);
            if (probe == null) {
                continue;
            }
            seen.add(candidate + " " + probe.version());
            if (constraint == null || fits(probe, constraint)) {
                return choice(path, probe, candidate + " on PATH, the first candidate that fits");
            }
        }
        throw new CliException(ExitCode.USAGE, "no python interpreter satisfies the bundle's python " + constraint
                + (seen.isEmpty() ? " (none found on PATH)" : " (found: " + String.join(", ", seen) + ")")
                + "; pass --python PATH or set PKGR_PYTHON");
    }

    private static boolean fits(InterpreterProbes.Probe probe, String constraint) {
        return Pep440Specifier.parse(constraint).contains(Pep440Version.parse(probe.version()));
    }

    private static Choice choice(String path, InterpreterProbes.Probe probe, String how) {
        boolean launcher = InterpreterProbes.isLauncher(Path.of(path));
        String chosen = launcher ? probe.executable() : path;
        String detail = how + (launcher ? "; " + path + " is a launcher for it" : "")
                + (probe.cached() ? "; remembered probe" : "; probed");
        return new Choice(chosen, probe.version(), probe.cacheTag(), probe.baseExecutable(), detail);
    }

    /**
     * Creates {@code venv} without pip, as {@code python -m venv --without-pip} lays it out on POSIX
     * but without starting Python (uv does the same): {@code pyvenv.cfg} whose {@code home} is the
     * directory of the base interpreter ({@code sys._base_executable}, so a venv's python given as the
     * interpreter gives its base's, as venv itself does), {@code bin/NAME} a link to that interpreter
     * with {@code python}, {@code python3} and {@code python3.Y} beside it, {@code lib/python3.Y/site-packages},
     * {@code lib64 -> lib} and {@code include/python3.Y}. No {@code activate} scripts: pkgr sets
     * {@code VIRTUAL_ENV} and {@code PATH} for its runs. Without a base interpreter from the probe it
     * runs {@code python -m venv}.
     */
    void createVenv(Choice interpreter, Path venv, StringBuilder log) {
        String base = interpreter.baseExecutable();
        if (base == null || base.isBlank() || !Path.of(base).isAbsolute()) {
            exec(List.of(interpreter.path(), "-m", "venv", "--without-pip", venv.toString()), log,
                    "cannot create a virtual environment with " + interpreter.path());
            return;
        }
        String[] version = interpreter.version().split("\\.");
        String lib = "python" + version[0] + "." + version[1];
        Path home = Path.of(base).toAbsolutePath().normalize();
        try {
            Path bin = Files.createDirectories(venv.resolve("bin"));
            Files.createDirectories(venv.resolve("lib").resolve(lib).resolve("site-packages"));
            Files.createDirectories(venv.resolve("include").resolve(lib));
            Files.createSymbolicLink(venv.resolve("lib64"), Path.of("lib"));
            String exe = home.getFileName().toString();
            Files.createSymbolicLink(bin.resolve(exe), home);
            for (String name : List.of("python", "python" + version[0], lib)) {
                if (!Files.exists(bin.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(bin.resolve(name), Path.of(exe));
                }
            }
            String cfg = "home = " + home.getParent() + "\n"
                    + "include-system-site-packages = false\n"
                    + "version = " + interpreter.version() + "\n"
                    + "executable = " + home.toRealPath() + "\n";
            FileOps.writeAtomically(venv.resolve("pyvenv.cfg"), cfg.getBytes(StandardCharsets.UTF_8));
            log.append("venv written for ").append(home).append('\n');
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot create a virtual environment in " + venv + ": " + e.getMessage());
        }
    }

    /** Compiles the bundle's own modules once, so runs do not write __pycache__ into the shared environment. */
    void compile(String interpreter, Path dir, StringBuilder log) {
        exec(List.of(interpreter, "-m", "compileall", "-q", dir.toString()), log,
                "python could not compile " + dir);
    }

    private String which(String name) {
        if (name.contains("/") || Path.of(name).isAbsolute()) {
            return Files.isExecutable(Path.of(name)) ? name : null;
        }
        return Executables.which(name, env.get("PATH"));
    }

    private void exec(List<String> cmd, StringBuilder log, String failure) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
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
