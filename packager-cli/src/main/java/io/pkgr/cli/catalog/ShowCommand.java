package io.pkgr.cli.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
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
        VersionList versions = client.versions(bundle.name());
        if (bundle.version() instanceof VersionSpec.Latest && !target.contains("latest")) {
            if (json) {
                out.println(ApiJson.text(versions));
            } else {
                printVersions(out, versions);
            }
            out.flush();
            return ExitCode.OK;
        }
        Version version = resolve(bundle, versions);
        VersionRecord record = client.record(bundle.name(), version);
        if (json) {
            out.println(ApiJson.text(record));
        } else {
            printRecord(out, record);
        }
        out.flush();
        return ExitCode.OK;
    }

    static Version resolve(BundleSpec bundle, VersionList versions) {
        List<Version> available = new ArrayList<>();
        for (VersionList.Item v : versions.versions()) {
            if (bundle.version() instanceof VersionSpec.Digest d) {
                if (d.sha256().equals(v.sha256())) {
                    return v.version();
                }
                continue;
            }
            if (!v.yanked() || bundle.version() instanceof VersionSpec.Exact) {
                available.add(v.version());
            }
        }
        return bundle.version().best(available).orElseThrow(() -> new CliException(ExitCode.NOT_FOUND,
                "no version of " + bundle.name() + " matches " + bundle.version()));
    }

    private static void printVersions(PrintWriter out, VersionList versions) {
        out.println(versions.name() + "  (latest: " + (versions.latest() == null ? "none" : versions.latest()) + ")");
        out.printf("%-20s  %-14s  %10s  %-20s  %s%n", "VERSION", "SHA256", "SIZE", "PUBLISHED", "");
        for (VersionList.Item v : versions.versions()) {
            String yanked = v.yanked() ? "yanked" + (v.yankReason() != null ? ": " + v.yankReason() : "") : "";
            String published = v.published() == null ? "" : v.published().toString().replaceFirst("\\.\\d+Z$", "Z");
            out.printf("%-20s  %-14s  %10s  %-20s  %s%n", v.version(), v.sha256().shortHex(), Progress.human(v.size()),
                    published, yanked);
        }
    }

    private static void printRecord(PrintWriter out, VersionRecord record) {
        String name = record.name().value();
        String version = record.version().toString();
        Manifest manifest = Manifest.parseJson(record.manifest().toString().getBytes(StandardCharsets.UTF_8));
        out.println(name + " " + version + (record.yanked() ? "  (yanked"
                + (record.yankReason() != null ? ": " + record.yankReason() : "") + ")" : ""));
        if (!manifest.description().isEmpty()) {
            out.println("  " + manifest.description());
        }
        out.println("  sha256:    " + record.sha256().hex());
        out.println("  size:      " + Progress.human(record.size()));
        out.println("  runtime:   " + manifest.runtime().id() + (manifest.python() == null ? "" : " (python " + manifest.python() + ")"));
        out.println("  published: " + record.published() + " by " + (record.publisher() == null ? "?" : record.publisher()));
        out.println("  pin:       " + name + "==" + version + "   or   " + name + "@sha256:" + record.sha256().hex());
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
