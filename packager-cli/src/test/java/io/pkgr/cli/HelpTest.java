package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** Every command, nested ones included, answers --help and -h with its usage and exit 0. */
class HelpTest {

    /** The argument paths of every command below pkgr, found from picocli's model so new commands are covered. */
    static List<List<String>> everyCommand() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), List.of(), paths, new IdentityHashMap<>());
        return paths;
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths,
                                Map<CommandLine, Boolean> seen) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (seen.put(sub, true) != null) {
                continue; // an alias of a command already listed
            }
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            paths.add(subPath);
            collect(sub, subPath, paths, seen);
        }
    }

    @Test
    void theCommandListIncludesNestedCommands() {
        List<List<String>> commands = everyCommand();

        assertTrue(commands.contains(List.of("user", "add")), commands.toString());
        assertTrue(commands.contains(List.of("cache", "list")), commands.toString());
        assertTrue(commands.contains(List.of("serve")), commands.toString());
    }

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersHelpWithItsUsageAndExitZero() {
        return everyCommand().stream().flatMap(path -> Stream.of("--help", "-h").map(flag ->
                DynamicTest.dynamicTest("pkgr " + String.join(" ", path) + " " + flag, () -> {
                    List<String> args = new ArrayList<>(path);
                    args.add(flag);

                    CliRunner r = CliRunner.run(args.toArray(String[]::new));

                    assertAll(
                            () -> assertEquals(0, r.exitCode(), r.err()),
                            () -> assertTrue(r.out().contains("Usage: "), r.out()),
                            () -> assertTrue(r.out().contains(path.get(path.size() - 1)), r.out()),
                            () -> assertEquals("", r.err()));
                })));
    }
}
