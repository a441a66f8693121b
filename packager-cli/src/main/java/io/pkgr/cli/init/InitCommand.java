package io.pkgr.cli.init;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr init}: a commented pkgr.yaml and a hello entrypoint that builds and runs as is. */
@Command(name = "init",
        sortOptions = false,
        header = "Create a commented pkgr.yaml (and a hello entrypoint) in this directory.",
        description = "Never overwrites: if pkgr.yaml or the hello files exist, nothing is written.",
        footer = {"", "Examples:", "  pkgr init", "  pkgr init --runtime exec --name nightly-export",
                "  pkgr init --runtime jvm"})
public final class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--runtime", paramLabel = "python|jvm|exec", defaultValue = "python",
            description = "How entrypoints run (default: python)")
    String runtime;

    @Option(names = "--name", paramLabel = "NAME", description = "Bundle name (default: the directory name)")
    String name;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", description = "Project directory (default: .)")
    Path directory;

    private final CliContext context;

    public InitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Path dir = directory == null ? context.settings().workingDir() : context.settings().resolve(directory.toString());
        Runtime rt = Runtime.fromId(runtime.toLowerCase(Locale.ROOT));
        if (rt == null) {
            throw new CliException(ExitCode.USAGE, "unknown runtime '" + runtime + "' (use python, jvm or exec)");
        }
        String bundleName = name != null ? name : defaultName(dir);
        try {
            BundleName.parse(bundleName);
        } catch (io.pkgr.bundle.BundleException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage() + " (pass --name)");
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(Manifest.YAML_FILE, Templates.manifest(rt, bundleName));
        files.putAll(Templates.hello(rt));
        for (String f : files.keySet()) {
            if (Files.exists(dir.resolve(f))) {
                throw new CliException(ExitCode.CONFLICT, f + " already exists in " + dir + "; nothing was written");
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            try {
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException e) {
                throw new CliException(ExitCode.CONFLICT, f.getKey() + " appeared while writing; stopping");
            }
            if (f.getKey().endsWith(".sh")) {
                try {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (UnsupportedOperationException ignored) {
                    // not POSIX
                }
            }
        }
        // What we scaffold must itself be valid.
        Manifest.readYaml(dir.resolve(Manifest.YAML_FILE));
        PrintWriter out = spec.commandLine().getOut();
        out.println("created " + String.join(", ", files.keySet()));
        out.println("next: pkgr build, then pkgr publish -r NAME");
        out.flush();
        return ExitCode.OK;
    }

    private static String defaultName(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String base = fileName == null ? "my-pipeline" : fileName.toString().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return base.isEmpty() ? "my-pipeline" : base;
    }
}
