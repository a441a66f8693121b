package io.pkgr.cli;

import io.pkgr.cli.config.Repository;
import io.pkgr.cli.registry.RegistryClient;
import picocli.CommandLine.Option;

/** The {@code -r NAME} option shared by every command that talks to a registry. */
public final class RepositoryOption {

    @Option(names = {"-r", "--repository"}, paramLabel = "NAME",
            description = "Configured repository to use (default: $PKGR_REPOSITORY, or the only one configured)")
    String name;

    /** The option as a command line without picocli gave it (a warm {@code pkgr run}); null when not given. */
    public static RepositoryOption of(String name) {
        RepositoryOption option = new RepositoryOption();
        option.name = name;
        return option;
    }

    /** The selected repository, resolved against the config files and environment. */
    public Repository resolve(CliContext context) {
        return context.config().select(name);
    }

    /** The client for the selected repository. */
    public RegistryClient client(CliContext context) {
        return context.registry(resolve(context));
    }

    public String name() {
        return name;
    }
}
