package io.pkgr.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * picocli's model of the commands, wired to the settings, the error handler and the exit codes.
 * Kept out of {@link Main} so that a warm {@code pkgr run}, which does without it, loads no picocli class.
 *
 * <p>picocli reads a command's model (options, mixins, usage text) by reflection and creates the command
 * when it is added, which for every command of pkgr costs a few hundred milliseconds at start-up. A call
 * that names its command ({@code pkgr install ...}) gets a tree with only that command below {@code pkgr}:
 * picocli parses, helps and reports errors within the named command, so what users see is the same.
 * Anything else ({@code pkgr}, {@code --help}, {@code help}, a misspelt command) gets every command.
 */
final class CommandTree {

    private CommandTree() {
    }

    /** Every command. */
    static CommandLine of(Settings settings) {
        return of(settings, PkgrCommand.SUBCOMMANDS);
    }

    /** The command line for these arguments: only the command the first one names, or every command. */
    static CommandLine of(Settings settings, String... args) {
        Class<?> named = args.length == 0 ? null : named(args[0]);
        return of(settings, named == null ? PkgrCommand.SUBCOMMANDS : List.of(named));
    }

    /**
     * The subcommand of {@code pkgr} whose name or alias is this word, or null. {@code help} is not one:
     * it answers about its sibling commands, so it needs them all.
     */
    private static Class<?> named(String word) {
        for (Class<?> command : PkgrCommand.SUBCOMMANDS) {
            if (command == HelpCommand.class) {
                continue;
            }
            Command annotation = command.getAnnotation(Command.class);
            if (annotation.name().equals(word) || Arrays.asList(annotation.aliases()).contains(word)) {
                return command;
            }
        }
        return null;
    }

    private static CommandLine of(Settings settings, List<Class<?>> subcommands) {
        CommandLine.IFactory factory = factory(settings);
        CommandLine cl = new CommandLine(new PkgrCommand(), factory);
        for (Class<?> command : subcommands) {
            // what @Command(subcommands = ...) does: the public constructor applies the command's model
            // transformer (run's stop-at-positional); no command here has a @ParentCommand field to inject
            cl.addSubcommand(command.getAnnotation(Command.class).name(), new CommandLine(command, factory));
        }
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** A command takes the context, or (pkgr serve) only the settings, or nothing. */
    private static CommandLine.IFactory factory(Settings settings) {
        CliContext context = new CliContext(settings);
        return new CommandLine.IFactory() {
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
    }
}
