package io.pkgr.cli.admin;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.registry.admin.Fsck;
import io.pkgr.registry.admin.FsckReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr admin fsck}: check that every record's blob is there and intact; list blobs nothing references. */
@Command(name = "fsck",
        sortOptions = false,
        header = "Check that every record's blob exists with its size and digest; list unreferenced blobs.",
        description = {
                "Reads every bundle and PyPI record (the record files, or the database with --database) and",
                "checks each blob it references: present, of the recorded size, and hashing to the recorded",
                "sha256 (every blob is read once; --quick checks presence and size only). Then lists the blobs",
                "no record references, with their sizes: what a deleted version, a lost publish race or an",
                "interrupted migration leaves; they do no harm. Writes nothing, so it may run beside a live",
                "registry (a publish landing during the run may show as an unreferenced blob).",
                "Exit codes: 0 every record's blob is intact (unreferenced blobs alone are 0); 7 a blob is",
                "missing, of another size or holds other bytes (each listed on stdout); 2 bad options; 6 the",
                "storage or database cannot be reached.",
        },
        footer = {"", "Examples:",
                "  pkgr admin fsck --data /srv/pkgr",
                "  pkgr admin fsck --storage s3://pkgr/prod --database postgresql://pkgr@db:5432/pkgr --quick",
                "Docs: docs/cli.md"})
public final class FsckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;
    @Mixin
    LiveRegistryOptions registry;
    @Option(names = "--quick", description = "Check that each blob exists with the recorded size, without reading it")
    boolean quick;

    private final Settings settings;

    public FsckCommand() {
        this(Settings.fromSystem());
    }

    public FsckCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws IOException {
        try (LiveRegistryOptions.Opened opened = registry.open(settings)) {
            FsckReport report = new Fsck(opened.store(), quick).run(RegistryStores.snapshot(opened.records()));
            print(report);
            if (!report.intact()) {
                throw new CliException(ExitCode.INTEGRITY, report.problems().size() + " record(s) without an intact blob");
            }
        }
        return ExitCode.OK;
    }

    private void print(FsckReport report) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("checked %d records referencing %d blobs (%s)%n", report.records(), report.blobsChecked(),
                quick ? "presence and size" : report.bytesHashed() + " bytes hashed");
        report.problems().forEach(problem -> out.println("problem: " + problem));
        report.unreferenced().forEach(blob -> out.println("unreferenced: " + blob));
        out.printf("%d problem(s); %d unreferenced blob(s), %d bytes%n", report.problems().size(),
                report.unreferenced().size(), report.unreferencedBytes());
        out.flush();
    }
}
