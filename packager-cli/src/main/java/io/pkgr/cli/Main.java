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
        return commandLine(Settings.fromSystem());
    }

    /** The command line with these settings handed to every command that takes them (tests use this). */
    public static CommandLine commandLine(Settings settings) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    return cls.getConstructor(Settings.class).newInstance(settings);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        };
        CommandLine cl = new CommandLine(new PkgrCommand(), factory);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }
}
