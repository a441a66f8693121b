package io.pkgr.cli.admin;

import io.pkgr.cli.CommandGroup;
import io.pkgr.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pkgr admin}: operations on a registry's storage and catalog, for the people who run it. */
@Command(name = "admin",
        header = "Move, check and clean a registry's storage and catalog (migrate, fsck, gc); read its audit log (audit).",
        description = {
                "Works on the registry's storage directly, not through its HTTP API: run it where the data",
                "directory, the bucket and the database are reachable.",
        },
        footer = {"", "Examples:",
                "  pkgr admin migrate --from data --to s3://pkgr/prod --s3-region eu-west-1 \\",
                "                     --database postgresql://pkgr@db:5432/pkgr",
                "  pkgr admin fsck --data data",
                "  pkgr admin gc --data data --retention retention.yaml --dry-run",
                "  pkgr admin audit --data data --since 24h --name 'churn-*'",
                "Docs: docs/cli.md, docs/scale-out.md, docs/housekeeping.md"},
        subcommands = {MigrateCommand.class, FsckCommand.class, GcCommand.class, AuditCommand.class})
public final class AdminCommand extends CommandGroup {

    @Mixin
    HelpOption help;
}
