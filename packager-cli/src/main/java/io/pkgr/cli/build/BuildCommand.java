package io.pkgr.cli.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleSources;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.cli.config.ConfigStore;
import io.pkgr.cli.config.Repository;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr build}: pkgr.yaml + project files + resolved dependencies → dist/NAME-VERSION.pkgr. */
@Command(name = "build",
        sortOptions = false,
        header = "Build a reproducible bundle from pkgr.yaml.",
        description = {
                "Reads pkgr.yaml, selects the files its include/exclude patterns name, vendors the",
                "dependencies (python: wheels fetched with pip; jvm: jars resolved with Maven Resolver)",
                "and writes dist/NAME-VERSION.pkgr. The same inputs always give the same bytes; the",
                "sha256 is printed. Manifest errors name the file and line, and nothing is written.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr build",
                "  pkgr build -r private                      requirements from the 'private' registry",
                "  pkgr build --index-url https://pypi.example.com/simple/ -o out/",
                "  pkgr build --json",
        })
public final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", description = "Project directory holding pkgr.yaml (default: .)")
    Path directory;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the bundle (default: DIR/dist)")
    Path output;

    @Option(names = {"-r", "--repository"}, paramLabel = "NAME",
            description = "Fetch requirements/dependencies from this configured pkgr registry (its PyPI or Maven face)")
    String repository;

    @Option(names = {"-i", "--index-url"}, paramLabel = "URL", description = "python: a PEP 503 index to fetch requirements from")
    URI indexUrl;

    @Option(names = "--find-links", paramLabel = "DIR", description = "python: also look for wheels and sdists in DIR (repeatable)")
    List<Path> findLinks = new ArrayList<>();

    @Option(names = "--maven-repo", paramLabel = "URL", description = "jvm: an extra Maven repository, before Maven Central (repeatable)")
    List<URI> mavenRepos = new ArrayList<>();

    @Option(names = "--no-central", description = "jvm: do not use Maven Central")
    boolean noCentral;

    @Option(names = "--python", paramLabel = "PATH", description = "python: the interpreter whose pip fetches wheels (default: $PKGR_PYTHON or python3)")
    String python;

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    private final Settings settings;

    public BuildCommand() {
        this(Settings.fromSystem());
    }

    public BuildCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path project = directory == null ? settings.workingDir() : settings.resolve(directory.toString());
        Manifest manifest = Manifest.readYaml(project.resolve(Manifest.YAML_FILE));
        SortedMap<String, Path> payload = new TreeMap<>(BundleSources.select(project, manifest));
        Path outDir = output == null ? project.resolve("dist") : settings.resolve(output.toString());
        Repository repo = repository == null ? null : new ConfigStore(settings).repository(repository);
        Path scratch = Files.createTempDirectory("pkgr-build");
        try {
            payload.putAll(dependencies(manifest, repo, scratch, err));
            Path target = outDir.resolve(manifest.bundleFileName());
            BundleInfo info = BundleWriter.write(manifest, payload, target);
            Path shown = relativize(target);
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("file", shown.toString());
                result.put("name", manifest.name().value());
                result.put("version", manifest.version().toString());
                result.put("sha256", info.sha256().hex());
                result.put("size", info.size());
                result.put("files", info.entries() - 1);
                out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                out.println("built " + shown + "  " + info.sha256() + "  (" + (info.entries() - 1) + " files, "
                        + io.pkgr.cli.Progress.human(info.size()) + ")");
            }
            out.flush();
            return ExitCode.OK;
        } finally {
            io.pkgr.bundle.AtomicFiles.deleteTree(scratch);
        }
    }

    private Map<String, Path> dependencies(Manifest manifest, Repository repo, Path scratch, PrintWriter err)
            throws IOException {
        Map<String, Path> deps = new TreeMap<>();
        if (manifest.runtime() == Runtime.PYTHON && !manifest.requirements().isEmpty()) {
            URI index = indexUrl;
            if (index == null && repo != null) {
                index = withCredentials(repo.base().resolve("simple/"), repo);
            }
            if (index == null && findLinks.isEmpty()) {
                throw new CliException(ExitCode.USAGE, "pkgr.yaml has requirements but no index to fetch them from:"
                        + " pass -r NAME (a configured registry), --index-url URL or --find-links DIR");
            }
            Path wheels = Files.createDirectories(scratch.resolve("wheels"));
            String py = python != null ? python : settings.get("PKGR_PYTHON") != null ? settings.get("PKGR_PYTHON") : "python3";
            PythonWheels.download(py, manifest.requirements(), index, findLinks, wheels, settings.childEnv(), err);
            try (Stream<Path> files = Files.list(wheels)) {
                files.filter(f -> f.getFileName().toString().endsWith(".whl"))
                        .forEach(f -> deps.put("deps/" + f.getFileName(), f));
            }
        }
        if (manifest.runtime() == Runtime.JVM && !manifest.dependencies().isEmpty()) {
            List<Repository> remotes = new ArrayList<>();
            int i = 0;
            for (URI u : mavenRepos) {
                remotes.add(new Repository("extra-" + i++, u, null, null));
            }
            if (repo != null) {
                remotes.add(new Repository(repo.name(), repo.base().resolve("maven/"), repo.username(), repo.password()));
            }
            deps.putAll(MavenJars.resolve(manifest.dependencies(), remotes, noCentral,
                    settings.cacheDir().resolve("maven-repository")));
        }
        return deps;
    }

    private static URI withCredentials(URI uri, Repository repo) {
        if (!repo.hasCredentials()) {
            return uri;
        }
        String userInfo = java.net.URLEncoder.encode(repo.username(), java.nio.charset.StandardCharsets.UTF_8) + ":"
                + java.net.URLEncoder.encode(repo.password(), java.nio.charset.StandardCharsets.UTF_8);
        return URI.create(uri.getScheme() + "://" + userInfo + "@" + uri.getRawAuthority() + uri.getRawPath());
    }

    private Path relativize(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(settings.workingDir()) ? settings.workingDir().relativize(abs) : abs;
    }

}
