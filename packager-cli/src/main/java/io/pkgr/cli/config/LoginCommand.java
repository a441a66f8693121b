package io.pkgr.cli.config;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.RepositoryOption;
import io.pkgr.cli.Secrets;
import io.pkgr.cli.Settings;
import io.pkgr.cli.registry.RegistryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr login}: check (and optionally store) credentials against the registry. */
@Command(name = "login",
        sortOptions = false,
        header = "Check credentials for a repository (and store them with -u).",
        description = {
                "Asks the registry who you are (GET /api/v1/whoami) with the configured credentials,",
                "or with -u USER and a password read without echo (or from stdin), which are stored",
                "only when the registry accepts them.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr login -r private",
                "  pkgr login -r private -u alice",
                "  echo \"$TOKEN\" | pkgr login -r private -u ci --password-stdin",
        })
public final class LoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    RepositoryOption repository;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Log in as USER and store the credentials")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from stdin")
    boolean passwordStdin;

    private final Settings settings;

    public LoginCommand() {
        this(Settings.fromSystem());
    }

    public LoginCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        Repository repo = repository.resolve(settings);
        if (username != null) {
            String password = new String(Secrets.read("Password for " + username + " on " + repo.name() + ": ", passwordStdin));
            repo = new Repository(repo.name(), repo.url(), username, password);
        } else if (!repo.hasCredentials()) {
            throw new CliException(ExitCode.AUTH, "no credentials for '" + repo.name() + "': run 'pkgr login -r "
                    + repo.name() + " -u USER' or 'pkgr config http-basic." + repo.name() + " USER'");
        }
        String user = new RegistryClient(repo).whoami();
        if (username != null) {
            new ConfigStore(settings).setCredentials(repo.name(), repo.username(), repo.password());
        }
        spec.commandLine().getOut().println("logged in to " + repo.name() + " (" + repo.url() + ") as " + user);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
