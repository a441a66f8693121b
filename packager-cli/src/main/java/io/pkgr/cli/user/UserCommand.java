package io.pkgr.cli.user;

import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.cli.CliException;
import io.pkgr.cli.CommandGroup;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr user}: manage the registry's htpasswd file (bcrypt), for the people who run it. */
@Command(name = "user",
        header = "Add, remove or list registry users in an htpasswd file.",
        description = {
                "Writes bcrypt ($2y$) entries that Apache htpasswd, nginx and pkgr all read. Other lines",
                "are kept as they are; the file is replaced atomically and a running registry picks",
                "up the change within a second.",
        },
        footer = {"", "Examples:",
                "  pkgr user add alice --htpasswd data/htpasswd",
                "  echo \"$PASS\" | pkgr user add ci --htpasswd data/htpasswd --password-stdin",
                "  pkgr user list --htpasswd data/htpasswd",
                "  pkgr user remove alice --htpasswd data/htpasswd"},
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
public final class UserCommand extends CommandGroup {

    @Mixin
    HelpOption help;

    /** Options every user subcommand takes. */
    static class FileOption {
        @Option(names = "--htpasswd", paramLabel = "FILE", required = true, description = "The htpasswd file")
        Path htpasswd;
    }

    /** What every user subcommand has: where it prints, -h and --htpasswd. */
    abstract static class UserFileCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        HelpOption help;
        @Mixin
        FileOption file;
    }

    @Command(name = "add", header = "Add a user, or change their password.")
    static final class Add extends UserFileCommand {
        @Parameters(paramLabel = "USER")
        String user;
        @Option(names = "--password-stdin", description = "Read the password from stdin")
        boolean passwordStdin;
        @Option(names = "--cost", paramLabel = "N", defaultValue = "12", description = "bcrypt cost, 4-17 (default: 12)")
        int cost;

        @Override
        public Integer call() throws IOException {
            try {
                HtpasswdWriter.requireValidUserName(user);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
            char[] password = Secrets.read("Password for " + user + ": ", passwordStdin);
            try {
                HtpasswdWriter writer;
                try {
                    writer = new HtpasswdWriter(file.htpasswd, cost);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCode.USAGE, e.getMessage());
                }
                boolean existed = writer.put(user, password);
                PrintWriter out = spec.commandLine().getOut();
                out.println((existed ? "updated " : "added ") + user + " in " + file.htpasswd);
                out.flush();
            } finally {
                Arrays.fill(password, '\0');
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "remove", header = "Remove a user.")
    static final class Remove extends UserFileCommand {
        @Parameters(paramLabel = "USER")
        String user;

        @Override
        public Integer call() throws IOException {
            if (!Files.exists(file.htpasswd) || !new HtpasswdWriter(file.htpasswd).remove(user)) {
                throw new CliException(ExitCode.NOT_FOUND, "no user '" + user + "' in " + file.htpasswd);
            }
            spec.commandLine().getOut().println("removed " + user + " from " + file.htpasswd);
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "list", header = "List the users.")
    static final class ListUsers extends UserFileCommand {

        @Override
        public Integer call() throws IOException {
            if (!Files.exists(file.htpasswd)) {
                throw new CliException(ExitCode.NOT_FOUND, file.htpasswd + ": no such file");
            }
            new HtpasswdWriter(file.htpasswd).users().forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
