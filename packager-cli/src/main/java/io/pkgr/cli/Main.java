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

    /** The command line assembled from these settings (tests use this). */
    public static CommandLine commandLine(Settings settings) {
        CliContext context = new CliContext(settings);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            /** A command takes the context, or (pkgr serve) only the settings, or nothing. */
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                for (Object argument : new Object[] {context, settings}) {
                    try {
                        return cls.getConstructor(argument.getClass()).newInstance(argument);
                    } catch (NoSuchMethodException e) {
                        // try the next kind of constructor
                    }
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(new PkgrCommand(), factory);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }
}
