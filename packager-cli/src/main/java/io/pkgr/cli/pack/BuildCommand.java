package io.pkgr.cli.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleSources;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.runtime.DependencySources;
import io.pkgr.cli.runtime.Runtimes;
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

    private final CliContext context;

    public BuildCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path project = directory == null ? context.settings().workingDir() : context.settings().resolve(directory.toString());
        Manifest manifest = Manifest.readYaml(project.resolve(Manifest.YAML_FILE));
        SortedMap<String, Path> payload = new TreeMap<>(BundleSources.select(project, manifest));
        Path outDir = output == null ? project.resolve("dist") : context.settings().resolve(output.toString());
        Repository repo = repository == null ? null : context.config().repository(repository);
        Path scratch = Files.createTempDirectory("pkgr-build");
        try {
            payload.putAll(Runtimes.of(manifest.runtime()).vendor(manifest, sources(repo, scratch, err)));
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

    private DependencySources sources(Repository repo, Path scratch, PrintWriter err) {
        String py = python != null ? python : context.settings().get("PKGR_PYTHON") != null ? context.settings().get("PKGR_PYTHON") : "python3";
        return new DependencySources(repo, indexUrl, findLinks, py, mavenRepos, noCentral,
                context.settings().cacheDir().resolve("maven-repository"), scratch, context.settings().childEnv(), err);
    }

    private Path relativize(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(context.settings().workingDir()) ? context.settings().workingDir().relativize(abs) : abs;
    }

}
