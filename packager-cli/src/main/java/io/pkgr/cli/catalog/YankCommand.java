package io.pkgr.cli.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.Settings;
import io.pkgr.cli.registry.RegistryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr yank}: mark a version as not to be chosen by ranges; pinned users still get it. */
@Command(name = "yank",
        header = "Yank a version (or undo a yank).",
        description = {
                "A yanked version is never chosen by a range or 'latest' (pkgr lock, pip), but whoever",
                "pinned it exactly still gets it: yanking never breaks a running pipeline. Nothing is",
                "deleted. Needs the 'yank' permission on the bundle.",
        },
        footer = {"", "Examples:", "  pkgr yank churn-model==1.3.0 --reason 'wrong model weights'",
                "  pkgr yank churn-model==1.3.0 --undo"})
public final class YankCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    RepositoryOption repository;

    @Parameters(paramLabel = "NAME==VERSION", description = "The exact version to yank")
    String target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown by pkgr show and pip")
    String reason;

    @Option(names = "--undo", description = "Unyank the version")
    boolean undo;

    @Option(names = "--json", description = "Print the updated record as JSON")
    boolean json;

    private final Settings settings;

    public YankCommand() {
        this(Settings.fromSystem());
    }

    public YankCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        BundleSpec bundle = BundleSpec.parse(target);
        if (!(bundle.version() instanceof VersionSpec.Exact exact)) {
            throw new CliException(ExitCode.USAGE, "yank needs an exact version: NAME==VERSION");
        }
        RegistryClient client = new RegistryClient(repository.resolve(settings));
        VersionRecord record = undo ? client.unyank(bundle.name(), exact.version())
                : client.yank(bundle.name(), exact.version(), reason);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ApiJson.text(record));
        } else {
            out.println((undo ? "unyanked " : "yanked ") + bundle.name() + " " + exact.version()
                    + (undo || reason == null ? "" : " (" + reason + ")"));
        }
        out.flush();
        return ExitCode.OK;
    }
}
