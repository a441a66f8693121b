package io.pkgr.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The top-level {@code pkgr} command: it only holds its subcommands. They are listed here rather than in
 * {@code @Command(subcommands = ...)}, which would make picocli build every command's model on every call:
 * {@link CommandTree} adds all of them, or only the one the command line names.
 */
@Command(name = "pkgr",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Build, publish and run versioned pipeline bundles; serve the registry.",
        description = {
                "",
                "pkgr packages pipeline code with its dependencies into a reproducible bundle,",
                "publishes it to your team's registry and runs an exact version at task start",
                "in an isolated, cached environment.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr serve                                  run the registry on ./data",
                "  pkgr run churn-model==1.4.0 train --start-date=2024-05-01",
                "",
                "Exit codes: 0 ok, 2 usage or validation, 3 not found, 4 authentication,",
                "5 conflict, 6 network or registry, 7 integrity; run passes the entrypoint's code through.",
                "Documentation: docs/cli.md",
        })
public final class PkgrCommand extends CommandGroup {

    /** Every subcommand of {@code pkgr}, in the order {@code pkgr --help} lists them; names and aliases are in their {@code @Command}. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            io.pkgr.cli.init.InitCommand.class,
            io.pkgr.cli.pack.BuildCommand.class,
            io.pkgr.cli.publish.PublishCommand.class,
            io.pkgr.cli.config.ConfigCommand.class,
            io.pkgr.cli.config.LoginCommand.class,
            io.pkgr.cli.catalog.SearchCommand.class,
            io.pkgr.cli.catalog.ShowCommand.class,
            io.pkgr.cli.catalog.YankCommand.class,
            io.pkgr.cli.user.UserCommand.class,
            io.pkgr.cli.token.TokenCommand.class,
            io.pkgr.cli.lock.LockCommand.class,
            io.pkgr.cli.install.InstallCommand.class,
            io.pkgr.cli.run.RunCommand.class,
            io.pkgr.cli.sign.KeyCommand.class,
            io.pkgr.cli.sign.VerifyCommand.class,
            io.pkgr.cli.cache.CacheCommand.class,
            io.pkgr.cli.serve.ServeCommand.class,
            io.pkgr.cli.admin.AdminCommand.class,
            HelpCommand.class);
}
