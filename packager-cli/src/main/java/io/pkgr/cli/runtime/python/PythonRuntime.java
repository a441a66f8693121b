package io.pkgr.cli.runtime.python;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.FileEntry;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.runtime.DependencySources;
import io.pkgr.cli.runtime.Environment;
import io.pkgr.cli.runtime.Preparation;
import io.pkgr.cli.runtime.RuntimeSupport;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * python: requirements vendored as wheels by {@code pip wheel}; a venv without pip whose site-packages
 * is linked from the host's {@link WheelStore}; {@code python} is the venv's interpreter and {@code PYTHONPATH}
 * is {@code files} (plus {@code files/src} for src layouts).
 */
public final class PythonRuntime implements RuntimeSupport {

    @Override
    public Runtime runtime() {
        return Runtime.PYTHON;
    }

    @Override
    public Map<String, Path> vendor(Manifest manifest, DependencySources sources) throws IOException {
        Map<String, Path> deps = new TreeMap<>();
        if (manifest.requirements().isEmpty()) {
            return deps;
        }
        URI index = sources.indexUrl();
        if (index == null && sources.registry() != null) {
            index = withCredentials(sources.registry().base().resolve("simple/"), sources.registry());
        }
        if (index == null && sources.findLinks().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "pkgr.yaml has requirements but no index to fetch them from:"
                    + " pass -r NAME (a configured registry), --index-url URL or --find-links DIR");
        }
        Path wheels = Files.createDirectories(sources.scratch().resolve("wheels"));
        PythonWheels.download(sources.python(), manifest.requirements(), index, sources.findLinks(), wheels, sources.env(), sources.err());
        try (Stream<Path> files = Files.list(wheels)) {
            files.filter(f -> f.getFileName().toString().endsWith(".whl"))
                    .forEach(f -> deps.put("deps/" + f.getFileName(), f));
        }
        return deps;
    }

    private static URI withCredentials(URI uri, Repository repo) {
        if (!repo.hasCredentials()) {
            return uri;
        }
        String userInfo = URLEncoder.encode(repo.username(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(repo.password(), StandardCharsets.UTF_8);
        return URI.create(uri.getScheme() + "://" + userInfo + "@" + uri.getRawAuthority() + uri.getRawPath());
    }

    /** An explicitly chosen interpreter gets its own environment. */
    @Override
    public String environmentVariant(Preparation preparation) {
        String id = runtime().id();
        if (preparation.interpreter() == null) {
            return id;
        }
        return id + "-" + Sha256.ofBytes(preparation.interpreter().getBytes(StandardCharsets.UTF_8)).hex().substring(0, 8);
    }

    @Override
    public Map<String, String> prepare(Environment environment, Preparation preparation) throws IOException {
        StringBuilder log = new StringBuilder();
        Python python = new Python(preparation.env(), new InterpreterProbes(preparation.interpreterProbes(), preparation.env()));
        Python.Choice interpreter = python.choose(preparation.interpreter(), preparation.interpreterFrom(),
                environment.manifest().python());
        if (preparation.verbose()) {
            preparation.err().println("pkgr: python: " + interpreter.path() + " (Python " + interpreter.version() + "; "
                    + interpreter.how() + ")");
            preparation.err().flush();
        }
        // The venv, the bundle's own byte-compile (same interpreter, so the same .pyc) and the wheel
        // store's work do not depend on each other: they overlap, and linking waits for the venv.
        // (Threads of their own: each mostly waits for a process, and the common pool may have one worker.)
        Path venv = venv(environment);
        ExecutorService steps = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> venvMade = CompletableFuture.runAsync(
                () -> python.createVenv(interpreter, venv, new StringBuilder()), steps);
        CompletableFuture<Void> ownCompiled = Files.isDirectory(environment.files())
                ? CompletableFuture.runAsync(() -> python.compile(interpreter.path(), environment.files(), new StringBuilder()),
                steps)
                : CompletableFuture.completedFuture(null);
        try {
            List<Path> wheels = wheels(environment.deps());
            if (!wheels.isEmpty()) {
                linkWheels(environment, wheels, interpreter, preparation, venvMade, log);
            }
            await(venvMade);
            await(ownCompiled);
        } finally {
            // on failure the caller deletes the directory: nothing may still be writing into it
            venvMade.exceptionally(e -> null).join();
            ownCompiled.exceptionally(e -> null).join();
            steps.shutdown();
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("python", interpreter.path());
        facts.put("python_version", interpreter.version());
        return facts;
    }

    @Override
    public List<String> preparedFiles() {
        return List.of("venv/pyvenv.cfg");
    }

    /**
     * The venv's interpreter is a link to the one that built it: the fingerprint does not follow links.
     * Each wheel-store entry the environment linked must still be the build it linked (its ready
     * marker holds the build's id): an entry found changed and rebuilt since, or removed, makes the
     * environment relink. One small read per wheel; the per-file check runs when an environment links.
     */
    @Override
    public boolean intact(Environment environment) {
        if (!Files.isExecutable(venv(environment).resolve("bin").resolve("python"))) {
            return false;
        }
        Path refs = CacheLayout.envWheels(environment.dir());
        if (!Files.isRegularFile(refs)) {
            return !Files.isDirectory(environment.deps());
        }
        try {
            for (String line : Files.readAllLines(refs, StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ", 2);
                if (parts.length != 2 || !WheelStore.readyId(Path.of(parts[1])).equals(parts[0])) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String readyDetail(JsonNode marker) {
        return marker.hasNonNull("python") ? " (python " + marker.get("python").asText()
                + (marker.hasNonNull("python_version") ? " " + marker.get("python_version").asText() : "") + ")" : "";
    }

    @Override
    public void launch(Environment environment, List<String> command, Map<String, String> childEnv) {
        Path bin = venv(environment).resolve("bin");
        childEnv.put("VIRTUAL_ENV", venv(environment).toString());
        String path = childEnv.get("PATH");
        childEnv.put("PATH", bin + (path == null || path.isEmpty() ? "" : File.pathSeparator + path));
        childEnv.remove("PYTHONHOME");
        String pythonPath = environment.files().toString();
        if (Files.isDirectory(environment.files().resolve("src"))) {
            pythonPath += File.pathSeparator + environment.files().resolve("src");
        }
        childEnv.put("PYTHONPATH", pythonPath);
        childEnv.putIfAbsent("PYTHONDONTWRITEBYTECODE", "1");
        String first = command.get(0);
        if (first.equals("python") || first.equals("python3")) {
            command.set(0, bin.resolve("python").toString());
        }
    }

    @Override
    public String manifestTemplate() {
        return """
                python: ">=3.9"               # interpreter constraint checked at run time
                requirements: []              # pinned, e.g. - requests==2.31.0; vendored as wheels by pkgr build
                include: ["src/**"]           # files to pack (gitignore-style globs)
                exclude: ["**/tests/**"]
                entrypoints:
                  hello:                      # pkgr run NAME==VERSION hello --who=team
                    command: ["python", "-m", "hello.main"]
                    description: Say hello
                    booleans: flag            # argparse: bools as --x/--no-x, values as given (fire: for Python Fire)
                    params:                   # typed; validated before anything is downloaded
                      who: {type: string, default: world}
                      times: {type: int, default: 1}
                """;
    }

    @Override
    public Map<String, String> helloFiles() {
        return Map.of(
                "src/hello/__init__.py", "",
                "src/hello/main.py", """
                        import argparse
                        import json
                        import os


                        def main() -> None:
                            parser = argparse.ArgumentParser()
                            parser.add_argument("--who", default="world")
                            parser.add_argument("--times", type=int, default=1)
                            args = parser.parse_args()
                            for _ in range(args.times):
                                print(f"hello, {args.who}")
                            # Anything written to PKGR_OUTPUT is printed as the last stdout line (Airflow XCom).
                            output = os.environ.get("PKGR_OUTPUT")
                            if output:
                                with open(output, "w") as f:
                                    json.dump({"greeted": args.who}, f)


                        if __name__ == "__main__":
                            main()
                        """);
    }

    /**
     * Fills the venv's site-packages from the wheel store: each wheel, verified by the bundle manifest's
     * sha256 when the bundle was extracted, is unpacked and compiled once per host and interpreter tag,
     * then linked; the environment's copy of the wheel becomes a link to the store's, and
     * {@code .pkgr-wheels} lists the entries (what gc keeps and the warm check reads).
     */
    private static void linkWheels(Environment environment, List<Path> wheelFiles, Python.Choice interpreter,
                                   Preparation preparation, CompletableFuture<Void> venvMade, StringBuilder log)
            throws IOException {
        long start = System.nanoTime();
        List<WheelStore.Wheel> wheels = new ArrayList<>();
        for (Path file : wheelFiles) {
            String path = environment.dir().relativize(file).toString();
            FileEntry declared = environment.manifest().files().get(path);
            if (declared == null) {
                throw new CliException(ExitCode.INTEGRITY, path + " is not in the bundle's manifest; nothing was installed");
            }
            wheels.add(new WheelStore.Wheel(declared.sha256(), file, !preparation.unhashed().contains(path)));
        }
        Path venv = venv(environment);
        WheelStore store = new WheelStore(preparation.cache());
        try (WheelStore.Lease lease = store.lease(wheels, interpreter, preparation.env(), preparation.err(), log)) {
            long leased = System.nanoTime();
            List<StoreLink> entries = List.copyOf(lease.entries.values());
            VenvLinker linker = new VenvLinker(venv, majorMinor(interpreter.version()), preparation.env());
            long[] linking = {leased};
            // the venv is written by Java in a few ms, normally long before the store's check ends
            VenvLinker.Mode mode = linker.link(entries, entries.get(0).dir().resolve(StoreLink.FILE), () -> {
                await(venvMade);
                linking[0] = System.nanoTime();
            });
            if (mode != VenvLinker.Mode.COPY) {
                for (WheelStore.Held h : lease.held) {
                    shareWheelFile(h.wheel().file(), h.entry().dir().resolve(StoreEntry.WHEEL));
                }
            }
            StringBuilder refs = new StringBuilder();
            entries.forEach(e -> refs.append(e.id()).append(' ').append(e.dir()).append('\n'));
            FileOps.writeAtomically(CacheLayout.envWheels(environment.dir()), refs.toString().getBytes(StandardCharsets.UTF_8));
            if (preparation.verbose()) {
                preparation.err().printf(Locale.ROOT, "pkgr: python: %d wheel(s) from the store (%d unpacked and compiled now"
                                + ", %.2f s; the venv ready %.2f s later), linked by %s in %.2f s%n", entries.size(), lease.built,
                        (leased - start) / 1e9, (linking[0] - leased) / 1e9, mode.id(), (System.nanoTime() - linking[0]) / 1e9);
                preparation.err().flush();
            }
        }
    }

    /** Waits for a step that ran beside this one, rethrowing its failure as it was. */
    private static void await(CompletableFuture<Void> step) {
        try {
            step.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * The environment's copy of a wheel becomes a link to the store's: one copy of its bytes per host
     * (a wheel laid out from the store's blob already is one).
     */
    private static void shareWheelFile(Path file, Path stored) {
        Path temp = file.resolveSibling("." + file.getFileName() + ".pkgr-tmp");
        try {
            if (Files.isSameFile(file, stored)) {
                return;
            }
            Files.deleteIfExists(temp);
            Files.createLink(temp, stored);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // the environment keeps its own copy
        }
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts[0] + "." + parts[1];
    }

    private static Path venv(Environment environment) {
        return environment.dir().resolve("venv");
    }

    private static List<Path> wheels(Path deps) throws IOException {
        if (!Files.isDirectory(deps)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(deps)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".whl")).sorted().toList();
        }
    }
}
