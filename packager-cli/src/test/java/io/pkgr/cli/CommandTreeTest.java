package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command line that names its command gets a tree with only that command below {@code pkgr}, and
 * answers exactly as the whole tree does: every command (nested ones included, found from the whole
 * tree so that a new command is covered) prints the same usage and rejects bad arguments alike.
 */
class CommandTreeTest {

    @Test
    void aCommandLineThatNamesItsCommandBuildsOnlyThatCommand() {
        CommandLine cl = CommandTree.of(Settings.fromSystem(), "cache", "list");

        assertEquals(List.of("cache"), List.copyOf(cl.getSubcommands().keySet()));
        assertTrue(cl.getSubcommands().get("cache").getSubcommands().containsKey("list"));
    }

    @Test
    void everyCommandOfPkgrIsFoundByItsName() {
        for (CommandLine command : distinct(CommandTree.of(Settings.fromSystem()))) {
            String name = command.getCommandName();
            if (name.equals("help")) {
                continue;
            }

            CommandLine lean = CommandTree.of(Settings.fromSystem(), name);

            assertEquals(List.of(name), List.copyOf(lean.getSubcommands().keySet()));
            assertEquals(command.getCommandSpec().userObject().getClass(),
                    lean.getSubcommands().get(name).getCommandSpec().userObject().getClass());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--help", "-h", "-V", "help", "help install", "instal", "Install", "--no-such-option install",
            "@args install"})
    void aCommandLineThatNamesNoCommandBuildsEveryCommand(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");

        CommandLine cl = CommandTree.of(Settings.fromSystem(), args);

        assertEquals(CommandTree.of(Settings.fromSystem()).getSubcommands().keySet(), cl.getSubcommands().keySet());
        assertEquals(PkgrCommand.SUBCOMMANDS.size(), distinct(cl).size());
    }

    @TestFactory
    Stream<DynamicTest> everyCommandPrintsTheSameUsageAsInTheWholeTree() {
        return HelpTest.everyCommand().stream().flatMap(path -> Stream.of("--help", "-h").map(flag -> {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            return DynamicTest.dynamicTest("pkgr " + String.join(" ", args), () -> assertSameAnswer(args));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandRejectsBadArgumentsAsTheWholeTreeDoes() {
        return HelpTest.everyCommand().stream().map(path -> DynamicTest.dynamicTest("pkgr " + String.join(" ", path), () -> {
            List<String[]> lines = badArguments(path);

            // a line that parses would run its command: here it ends as the exit code PARSED instead
            List<Answer> whole = lines.stream().map(line -> Answer.of(refusing(CommandTree.of(Settings.fromSystem())), line)).toList();
            List<Answer> lean = lines.stream().map(line -> Answer.of(refusing(CommandTree.of(Settings.fromSystem(), line)), line)).toList();

            assertEquals(whole, lean);
        }));
    }

    @Test
    void aCommandThatOnlyGroupsCommandsPrintsTheSameUsageOnItsOwn() {
        for (List<String> path : HelpTest.everyCommand()) {
            CommandLine command = commandAt(CommandTree.of(Settings.fromSystem()), path);
            if (command.getCommandSpec().userObject() instanceof CommandGroup) {
                assertSameAnswer(path);
            }
        }
    }

    /**
     * Lines this command should refuse: an unknown option, an unknown word, each option misspelt (picocli
     * suggests the right one), each option that takes a value without one, and with a value its type refuses.
     */
    private static List<String[]> badArguments(List<String> path) {
        CommandSpec spec = commandAt(CommandTree.of(Settings.fromSystem()), path).getCommandSpec();
        Set<List<String>> lines = new LinkedHashSet<>();
        lines.add(List.of("--no-such-option"));
        lines.add(List.of("-Z"));
        for (OptionSpec option : spec.options()) {
            String name = option.longestName();
            if (name.startsWith("--") && name.length() > 4) {
                lines.add(List.of(name.substring(0, name.length() - 1)));
            }
            if (option.arity().min() > 0) {
                lines.add(List.of(name));
                lines.add(List.of(name + "=not/a:value!"));
            }
        }
        lines.add(List.of("no-such-word"));
        lines.add(List.of("no-such-word", "--no-such-option"));
        lines.add(List.of("no-such-word", "and", "more", "words", "than", "any", "command", "takes"));
        return lines.stream().map(line -> Stream.concat(path.stream(), line.stream()).toArray(String[]::new)).toList();
    }

    private static void assertSameAnswer(List<String> args) {
        String[] line = args.toArray(String[]::new);

        Answer whole = Answer.of(CommandTree.of(Settings.fromSystem()), line);
        Answer lean = Answer.of(CommandTree.of(Settings.fromSystem(), line), line);

        assertAll(
                () -> assertEquals(whole.exitCode(), lean.exitCode()),
                () -> assertEquals(whole.out(), lean.out()),
                () -> assertEquals(whole.err(), lean.err()),
                () -> assertTrue(!whole.out().isEmpty() || !whole.err().isEmpty(), "nothing printed"));
    }

    private static final int PARSED = 99;

    /** This command line, with an execution that runs no command: a line that parses exits {@link #PARSED}. */
    private static CommandLine refusing(CommandLine cl) {
        return cl.setExecutionStrategy(parseResult -> PARSED);
    }

    private record Answer(int exitCode, String out, String err) {
        static Answer of(CommandLine cl, String[] args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Answer(code, out.toString(), err.toString());
        }
    }

    private static CommandLine commandAt(CommandLine root, List<String> path) {
        CommandLine command = root;
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        return command;
    }

    /** The subcommands of this command, each once (an alias maps to a command already listed). */
    private static List<CommandLine> distinct(CommandLine command) {
        IdentityHashMap<CommandLine, Boolean> seen = new IdentityHashMap<>();
        List<CommandLine> commands = new ArrayList<>();
        for (CommandLine sub : command.getSubcommands().values()) {
            if (seen.put(sub, true) == null) {
                commands.add(sub);
            }
        }
        return commands;
    }
}
