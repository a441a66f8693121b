package io.pkgr.cli.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.RegistryCommand;
import io.pkgr.cli.registry.RegistryClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
public final class YankCommand extends RegistryCommand {

    @Parameters(paramLabel = "NAME==VERSION", description = "The exact version to yank")
    String target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown by pkgr show and pip")
    String reason;

    @Option(names = "--undo", description = "Unyank the version")
    boolean undo;

    @Option(names = "--json", description = "Print the updated record as JSON")
    boolean json;

    public YankCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        BundleSpec bundle = BundleSpec.parse(target);
        if (!(bundle.version() instanceof VersionSpec.Exact exact)) {
            throw new CliException(ExitCode.USAGE, "yank needs an exact version: NAME==VERSION");
        }
        RegistryClient client = repository.client(context);
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
