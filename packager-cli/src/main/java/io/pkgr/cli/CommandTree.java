package io.pkgr.cli;

import picocli.CommandLine;

/**
 * picocli's model of every command, wired to the settings, the error handler and the exit codes.
 * Kept out of {@link Main} so that a warm {@code pkgr run}, which does without it, loads no picocli class.
 */
final class CommandTree {

    private CommandTree() {
    }

    static CommandLine of(Settings settings) {
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
