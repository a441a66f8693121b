package io.pkgr.cli.admin;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.registry.BackendOptions;
import io.pkgr.registry.admin.Migration;
import io.pkgr.registry.admin.MigrationReport;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.FileSystemBlobStoreProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr admin migrate}: copy a filesystem registry to another storage and catalog of record. */
@Command(name = "migrate",
        sortOptions = false,
        header = "Copy a filesystem registry's blobs and records to S3 (or another directory) and PostgreSQL.",
        description = {
                "Copies every blob under DIR/blobs, then every bundle and PyPI record, to --to; the records go",
                "to the database with --database, else into --to as files with their indexes. Each blob is",
                "hashed while it streams and committed only when its bytes match its digest: a corrupt source",
                "blob is reported, not copied, and the records that need it are held back. Safe to run again",
                "(and to interrupt): a blob already at the destination is read back and verified instead of",
                "copied, a record already there is kept. The source is only read; stop the registry (or keep",
                "it from writing) while the last run goes, then start the new one on the destination.",
                "Exit codes: 0 everything is at the destination; 7 something was not copied (listed on stderr:",
                "a corrupt or missing source blob, a destination blob or record that differs); 2 bad options;",
                "6 the destination storage or database cannot be reached.",
        },
        footer = {"", "Examples:",
                "  pkgr admin migrate --from data --to s3://pkgr/prod --s3-region eu-west-1 \\",
                "                     --database postgresql://pkgr@db:5432/pkgr --database-password-file pw",
                "  pkgr admin migrate --from data --to s3://pkgr/prod --s3-endpoint http://minio:9000 --s3-path-style",
                "  pkgr admin migrate --from data --to /mnt/new-data",
                "Docs: docs/cli.md, docs/scale-out.md"})
public final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;
    @Option(names = "--from", paramLabel = "DIR", required = true,
            description = "The data directory of the filesystem registry to copy (only read)")
    Path from;
    @Option(names = "--to", paramLabel = "DEST", required = true,
            description = "Where the blobs (and, without --database, the records) go: s3://BUCKET[/PREFIX], a"
                    + " directory, or file:///DIR")
    String to;
    @Mixin
    BackendOptions backend;
    @Option(names = {"-v", "--verbose"}, description = "Print a line on stderr for each blob copied or verified")
    boolean verbose;

    private final Settings settings;

    public MigrateCommand() {
        this(Settings.fromSystem());
    }

    public MigrateCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseSettings database = RegistryStores.database(backend, settings.env());
        BlobStore source = openSource();
        try (source; BlobStore target = RegistryStores.open(backend, RegistryStores.resolve(settings, to), settings.env());
                CatalogRecords targetRecords = RegistryStores.records(database, target)) {
            CatalogRecords.Snapshot records = new StoreCatalogRecords(source).readRecordFiles();
            Migration migration = new Migration(source, target, targetRecords, line -> {
                if (verbose) {
                    err.println(line);
                    err.flush();
                }
            });
            MigrationReport report = migration.run(records);
            out.printf("blobs: %d copied (%d bytes), %d already there and verified (%d bytes)%n",
                    report.blobsCopied(), report.bytesCopied(), report.blobsPresent(), report.bytesVerified());
            out.printf("records: %d written, %d already there (to %s)%n", report.recordsWritten(),
                    report.recordsPresent(), database == null ? to : database.redactedUrl());
            out.flush();
            if (!report.complete()) {
                report.problems().forEach(problem -> err.println("pkgr: " + problem));
                err.flush();
                throw new CliException(ExitCode.INTEGRITY, "the migration is incomplete: " + report.problems().size()
                        + " problem(s) above; fix them and run it again (what is copied stays)");
            }
        }
        return ExitCode.OK;
    }

    private BlobStore openSource() {
        try {
            return FileSystemBlobStoreProvider.openExisting(settings.workingDir().resolve(from));
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "--from " + from + ": no such directory");
        }
    }
}
