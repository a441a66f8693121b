package io.pkgr.cli.config;

import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.RegistryCommand;
import io.pkgr.cli.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class LoginCommand extends RegistryCommand {

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Log in as USER and store the credentials")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from stdin")
    boolean passwordStdin;

    public LoginCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Repository repo = repository.resolve(context);
        if (username != null) {
            String password = new String(Secrets.read("Password for " + username + " on " + repo.name() + ": ", passwordStdin));
            repo = new Repository(repo.name(), repo.url(), username, password);
        } else if (!repo.hasCredentials()) {
            throw new CliException(ExitCode.AUTH, "no credentials for '" + repo.name() + "': run 'pkgr login -r "
                    + repo.name() + " -u USER' or 'pkgr config http-basic." + repo.name() + " USER'");
        }
        String user = context.registry(repo).whoami();
        if (username != null) {
            context.config().setCredentials(repo.name(), repo.username(), repo.password());
        }
        spec.commandLine().getOut().println("logged in to " + repo.name() + " (" + repo.url() + ") as " + user);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
