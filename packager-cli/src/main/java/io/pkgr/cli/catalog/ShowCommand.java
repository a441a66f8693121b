package io.pkgr.cli.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Version;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Progress;
import io.pkgr.cli.RegistryCommand;
import io.pkgr.cli.registry.RegistryClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pkgr show}: a bundle's versions, or one version's digest, entrypoints and parameters. */
@Command(name = "show",
        header = "Show a bundle's versions, or one version's digest, entrypoints and parameters.",
        description = {
                "NAME lists every version with its sha256, size, publish time and yank state.",
                "NAME==VERSION (or a range such as NAME^1.4, resolved to the highest match) shows the",
                "version record: digest, publisher, entrypoints with their typed parameters, and the",
                "exact pin to copy into a DAG.",
        },
        footer = {"", "Examples:", "  pkgr show churn-model", "  pkgr show churn-model==1.4.0",
                "  pkgr show churn-model==1.4.0 --json"})
public final class ShowCommand extends RegistryCommand {

    @Parameters(paramLabel = "NAME[==VERSION]", description = "Bundle name, optionally with a version or range")
    String target;

    @Option(names = "--json", description = "Print the registry's JSON record")
    boolean json;

    public ShowCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BundleSpec bundle = BundleSpec.parse(target);
        RegistryClient client = repository.client(context);
        JsonNode versions = client.versions(bundle.name());
        if (bundle.version() instanceof VersionSpec.Latest && !target.contains("latest")) {
            if (json) {
                out.println(versions);
            } else {
                printVersions(out, versions);
            }
            out.flush();
            return ExitCode.OK;
        }
        Version version = resolve(bundle, versions);
        JsonNode record = client.record(bundle.name(), version);
        if (json) {
            out.println(record);
        } else {
            printRecord(out, record);
        }
        out.flush();
        return ExitCode.OK;
    }

    static Version resolve(BundleSpec bundle, JsonNode versions) {
        List<Version> available = new ArrayList<>();
        for (JsonNode v : versions.path("versions")) {
            if (bundle.version() instanceof VersionSpec.Digest d) {
                if (d.sha256().hex().equals(v.path("sha256").asText())) {
                    return Version.parse(v.path("version").asText());
                }
                continue;
            }
            if (!v.path("yanked").asBoolean() || bundle.version() instanceof VersionSpec.Exact) {
                available.add(Version.parse(v.path("version").asText()));
            }
        }
        return bundle.version().best(available).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND,
                "no version of " + bundle.name() + " matches " + bundle.version()));
    }

    private static void printVersions(PrintWriter out, JsonNode versions) {
        out.println(versions.path("name").asText() + "  (latest: " + versions.path("latest").asText("none") + ")");
        out.printf("%-20s  %-14s  %10s  %-20s  %s%n", "VERSION", "SHA256", "SIZE", "PUBLISHED", "");
        for (JsonNode v : versions.path("versions")) {
            String yanked = v.path("yanked").asBoolean()
                    ? "yanked" + (v.path("yank_reason").isTextual() ? ": " + v.path("yank_reason").asText() : "") : "";
            out.printf("%-20s  %-14s  %10s  %-20s  %s%n", v.path("version").asText(),
                    v.path("sha256").asText().substring(0, Math.min(12, v.path("sha256").asText().length())),
                    Progress.human(v.path("size").asLong()), v.path("published").asText("").replaceFirst("\\.\\d+Z$", "Z"),
                    yanked);
        }
    }

    private static void printRecord(PrintWriter out, JsonNode record) {
        String name = record.path("name").asText();
        String version = record.path("version").asText();
        Manifest manifest = Manifest.parseJson(record.path("manifest").toString().getBytes(StandardCharsets.UTF_8));
        out.println(name + " " + version + (record.path("yanked").asBoolean() ? "  (yanked"
                + (record.path("yank_reason").isTextual() ? ": " + record.path("yank_reason").asText() : "") + ")" : ""));
        if (!manifest.description().isEmpty()) {
            out.println("  " + manifest.description());
        }
        out.println("  sha256:    " + record.path("sha256").asText());
        out.println("  size:      " + Progress.human(record.path("size").asLong()));
        out.println("  runtime:   " + manifest.runtime().id() + (manifest.python() == null ? "" : " (python " + manifest.python() + ")"));
        out.println("  published: " + record.path("published").asText() + " by " + record.path("publisher").asText("?"));
        out.println("  pin:       " + name + "==" + version + "   or   " + name + "@sha256:" + record.path("sha256").asText());
        out.println("entrypoints:");
        manifest.entrypoints().forEach((epName, ep) -> {
            out.println("  " + epName + ": " + String.join(" ", ep.command())
                    + (ep.description().isEmpty() ? "" : "   # " + ep.description()));
            ep.params().forEach((pName, p) -> out.println("    --" + pName + "=" + p.type().id().toUpperCase(java.util.Locale.ROOT)
                    + (p.required() ? "  (required)" : "")
                    + (p.defaultValue() != null ? "  (default " + p.defaultValue() + ")" : "")
                    + (p.choices().isEmpty() ? "" : "  one of " + String.join(", ", p.choices()))
                    + (p.description().isEmpty() ? "" : "  " + p.description())));
        });
    }
}
