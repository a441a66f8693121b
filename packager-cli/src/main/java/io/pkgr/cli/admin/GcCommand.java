package io.pkgr.cli.admin;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.cli.run.Durations;
import io.pkgr.api.VersionRecord;
import io.pkgr.registry.ServerConfig;
import io.pkgr.registry.admin.GarbageCollector;
import io.pkgr.registry.admin.GcReport;
import io.pkgr.registry.admin.Retention;
import io.pkgr.registry.audit.AuditEvent;
import io.pkgr.registry.audit.AuditLog;
import io.pkgr.registry.admin.RetentionRules;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr admin gc}: apply retention rules, then remove the blobs no record references. */
@Command(name = "gc",
        sortOptions = false,
        header = "Remove unreferenced blobs (after a grace period) and, with --retention, old versions.",
        description = {
                "With --retention FILE, first removes the bundle versions its rules remove (keep the last N,",
                "keep newer than D, remove yanked older than D; never a version a registered lock pins).",
                "Then lists every blob, reads every bundle and PyPI record (the record files, or the database",
                "with --database), and deletes each blob that no record references, that is older than",
                "--grace, and that no publish in progress holds. Safe while the registry serves and",
                "publishes (docs/housekeeping.md has the argument); with the file catalog, apply --retention",
                "while the registry is stopped (it reads its records at start) or restart it after.",
                "Each version retention removes is written to the audit log as a delete (--audit-log, by",
                "default DATA/audit/audit.log of --data; with --storage only when --audit-log is given).",
                "--dry-run writes nothing and lists what would go.",
                "Exit codes: 0 done; 2 bad options or rules file; 6 the storage or database cannot be reached.",
        },
        footer = {"", "Examples:",
                "  pkgr admin gc --data /srv/pkgr --dry-run",
                "  pkgr admin gc --data /srv/pkgr --retention retention.yaml",
                "  pkgr admin gc --storage s3://pkgr/prod --database postgresql://pkgr@db:5432/pkgr --grace 2d",
                "Docs: docs/housekeeping.md"})
public final class GcCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;
    @Mixin
    LiveRegistryOptions registry;
    @Option(names = "--grace", paramLabel = "DURATION", converter = Durations.Converter.class, defaultValue = "24h",
            description = "Keep unreferenced blobs younger than this, and honour holds younger than this: longer than"
                    + " your longest publish (default: ${DEFAULT-VALUE})")
    Duration grace;
    @Option(names = "--retention", paramLabel = "FILE", description = "Apply these retention rules first (YAML; docs/housekeeping.md)")
    Path retention;
    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "Record the versions --retention removes in this audit log (default: DATA/audit/audit.log"
                    + " with --data; none with --storage)")
    Path auditLog;
    @Option(names = "--dry-run", description = "Change nothing; list what would be removed")
    boolean dryRun;
    @Option(names = {"-v", "--verbose"}, description = "List every blob removed (a dry run always lists them)")
    boolean verbose;


    private final Settings settings;

    public GcCommand() {
        this(Settings.fromSystem());
    }

    public GcCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RetentionRules rules = retention == null ? null : rules(settings.workingDir().resolve(retention));
        try (LiveRegistryOptions.Opened opened = registry.open(settings)) {
            CatalogRecords records = opened.records();
            if (rules != null && !dryRun && records instanceof StoreCatalogRecords) {
                err.println("pkgr: note: a registry running on this data directory keeps serving the removed versions'"
                        + " records until it restarts (the file catalog is read at start)");
                err.flush();
            }
            try (AuditLog audit = rules == null || dryRun ? null : openAudit(err)) {
                GarbageCollector gc = new GarbageCollector(opened.store(), records, () -> RegistryStores.snapshot(records), grace,
                        dryRun, rules, Clock.systemUTC(), line -> {
                            if (dryRun || verbose || !line.startsWith("deleted ")) {
                                out.println(line);
                            }
                        }, removal -> {
                            if (audit != null) {
                                audit.record(auditEvent(removal));
                            }
                        });
                print(gc.run(), out);
            }
        }
        return ExitCode.OK;
    }

    /** The audit log the removals go to: --audit-log, else the data directory's; null (with a note) for --storage alone. */
    private AuditLog openAudit(PrintWriter err) throws IOException {
        Path file = auditLog != null ? settings.workingDir().resolve(auditLog)
                : registry.storage == null ? settings.workingDir().resolve(registry.data != null ? registry.data : Path.of("data"))
                        .resolve("audit").resolve("audit.log")
                : null;
        if (file == null) {
            err.println("pkgr: note: the versions --retention removes are not audited: give --audit-log FILE");
            err.flush();
            return null;
        }
        // rotated as the server rotates it by default (--audit-log-max-size, --audit-log-keep)
        return new AuditLog(file, ServerConfig.AuditSettings.DEFAULT.maxBytes(), ServerConfig.AuditSettings.DEFAULT.keep());
    }

    /** A removal as the registry audits an admin's delete, with the rule's reason; the user is this process's. */
    private static AuditEvent auditEvent(Retention.Removal removal) {
        VersionRecord v = removal.record();
        return new AuditEvent(Instant.now(), "delete", AuditEvent.OK, null, null, System.getProperty("user.name"), null, null,
                null, null, null, v.name().normalized(), v.version().toString(), v.sha256().hex(),
                "pkgr admin gc --retention: " + removal.reason());
    }

    private static RetentionRules rules(Path file) {
        try {
            return RetentionRules.parse(file.toString(), Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "--retention " + file + ": not found");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read --retention " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    private void print(GcReport r, PrintWriter out) {
        String would = r.dryRun() ? "would be " : "";
        if (retention != null) {
            out.printf("retention: %d version(s) %sremoved%n", r.versionsRemoved().size(), would);
        }
        out.printf("blobs: %d scanned (%s); %d referenced, %d younger than %s or held, %d not blob paths%n",
                r.blobsScanned(), bytes(r.bytesScanned()), r.blobsReferenced(), r.blobsYoungOrHeld(), grace(),
                r.blobsForeign());
        out.printf("%s%d blob(s) %sremoved, %s freed; %d stale hold(s) %scleared; %.1f s%n", r.dryRun() ? "dry run: " : "",
                r.blobsRemoved(), would, bytes(r.bytesFreed()), r.staleHolds(), would, r.took().toMillis() / 1000.0);
        out.flush();
    }

    private String grace() {
        return grace.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static String bytes(long n) {
        return n < 1024 * 1024 ? n + " bytes" : String.format(Locale.ROOT, "%d bytes, %.1f MiB", n, n / 1048576.0);
    }
}
