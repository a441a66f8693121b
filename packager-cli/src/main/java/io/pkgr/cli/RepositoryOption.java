package io.pkgr.cli;

import io.pkgr.cli.config.ConfigStore;
import io.pkgr.cli.config.Repository;
import picocli.CommandLine.Option;

/** The {@code -r NAME} option shared by every command that talks to a registry. */
public final class RepositoryOption {

    @Option(names = {"-r", "--repository"}, paramLabel = "NAME",
            description = "Configured repository to use (default: $PKGR_REPOSITORY, or the only one configured)")
    String name;

    /** The selected repository, resolved against the config files and environment. */
    public Repository resolve(Settings settings) {
        return new ConfigStore(settings).select(name);
    }

    public String name() {
        return name;
    }
}
