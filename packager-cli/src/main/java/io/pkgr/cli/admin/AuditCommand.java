package io.pkgr.cli.admin;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.cli.run.Durations;
import io.pkgr.registry.audit.AuditEvent;
import io.pkgr.registry.audit.AuditQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr admin audit}: who published, yanked, deleted or changed what, when, from where. */
@Command(name = "audit",
        sortOptions = false,
        header = "Show the registry's audit log: who changed what, when and from where.",
        description = {
                "Reads the audit log the registry writes (one JSON line per publish, yank, un-yank, delete,",
                "token and user change, access-rule reload and refused write) and its rotated files, oldest",
                "first, on the machine that holds them. Each replica writes its own log.",
                "Exit codes: 0 shown (also when nothing matched); 2 bad options; 3 no audit log there.",
        },
        footer = {"", "Examples:",
                "  pkgr admin audit --data /srv/pkgr --since 24h --name 'churn-*'",
                "  pkgr admin audit --log /var/log/pkgr/audit.log --action yank --action delete --since 2026-11-01",
                "  pkgr admin audit --data data --outcome refused --json | jq .",
                "Docs: docs/server.md (Audit log)"})
public final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;
    @Option(names = "--data", paramLabel = "DIR", description = "The registry's data directory: reads DIR/audit/audit.log (default: ./data)")
    Path data;
    @Option(names = "--log", paramLabel = "FILE", description = "The audit log file instead (the server's --audit-log)")
    Path log;
    @Option(names = "--since", paramLabel = "WHEN", description = "Only from then: a duration back from now (24h, 7d), a date (2026-11-01, UTC) or an instant")
    String since;
    @Option(names = "--until", paramLabel = "WHEN", description = "Only before then (same forms as --since)")
    String until;
    @Option(names = "--name", paramLabel = "PATTERN", description = "Only changes of bundles or PyPI projects matching this (churn-*, folded as names are), of Maven"
            + " artifacts (org.example:*, as spelled), or of this user's tokens")
    String name;
    @Option(names = "--user", paramLabel = "USER", description = "Only changes made by this user")
    String user;
    @Option(names = "--action", paramLabel = "ACTION", description = "Only these actions, repeatable: publish, yank, unyank, delete, pypi-upload, pypi-yank,"
            + " pypi-unyank, pypi-delete, token-create, token-revoke, user-create, users-reload, access-reload, request")
    List<String> actions;
    @Option(names = "--outcome", paramLabel = "ok|refused|failed", description = "Only this outcome")
    String outcome;
    @Option(names = "--json", description = "Print the matching lines as written (JSON lines)")
    boolean json;

    private final Settings settings;

    public AuditCommand() {
        this(Settings.fromSystem());
    }

    public AuditCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws IOException {
        if (data != null && log != null) {
            throw new CliException(ExitCode.USAGE, "give --data or --log, not both");
        }
        if (outcome != null && !Set.of(AuditEvent.OK, AuditEvent.REFUSED, AuditEvent.FAILED).contains(outcome)) {
            throw new CliException(ExitCode.USAGE, "--outcome is ok, refused or failed, not '" + outcome + "'");
        }
        Path file = settings.workingDir().resolve(log != null ? log
                : (data != null ? data : Path.of("data")).resolve("audit").resolve("audit.log"));
        if (!Files.exists(file)) {
            throw new CliException(ExitCode.NOT_FOUND, file + ": no audit log (is this the registry's data directory?"
                    + " A registry started with --audit-log writes elsewhere: give --log)");
        }
        AuditQuery query;
        try {
            query = new AuditQuery(instant("--since", since), instant("--until", until), name, user,
                    actions == null ? Set.of() : Set.copyOf(actions), outcome);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf("%-24s  %-13s  %-7s  %-10s  %-15s  %-20s  %-16s  %-12s  %s%n", "TIME", "ACTION", "OUTCOME", "USER",
                    "ADDRESS", "NAME", "VERSION", "SHA256", "DETAIL");
        }
        int unreadable = query.read(file, match -> out.println(json ? match.line() : row(match.event())));
        out.flush();
        if (unreadable > 0) {
            spec.commandLine().getErr().println("skipped " + unreadable + " unreadable line(s)");
            spec.commandLine().getErr().flush();
        }
        return ExitCode.OK;
    }

    private static String row(AuditEvent e) {
        String who = e.user() == null ? "-" : e.user();
        String detail = (e.tokenName() == null ? "" : "token " + e.tokenName() + " (" + e.tokenId() + ") ")
                + (e.code() == null ? "" : e.status() + " " + e.code() + " ")
                + (e.detail() == null ? "" : e.detail());
        return String.format("%-24s  %-13s  %-7s  %-10s  %-15s  %-20s  %-16s  %-12s  %s",
                e.time().truncatedTo(ChronoUnit.MILLIS), e.action(), e.outcome(), who, or(e.address()), or(e.name()),
                or(e.version()), e.sha256() == null ? "-" : e.sha256().substring(0, 12), detail.strip());
    }

    private static String or(String value) {
        return value == null ? "-" : value;
    }

    private static Instant instant(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            // a date or a duration
        }
        try {
            return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDate) {
            // a duration
        }
        try {
            return Instant.now().minus(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, option + " '" + text + "' is neither a duration (24h, 7d), a date"
                    + " (2026-11-01) nor an instant (2026-11-01T10:00:00Z)");
        }
    }
}
