package io.pkgr.cli;

import picocli.CommandLine;

/** Entry point of the {@code pkgr} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs pkgr with these arguments and returns the exit code (tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, with the error handler and exit codes wired. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PkgrCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }
}
