package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsUsageExamplesAndExitCodes() {
        CliRunner r = CliRunner.run("--help");

        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: pkgr"), r.out());
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(r.out().contains("7 integrity"), r.out());
    }

    @Test
    void versionNamesPkgrAndJava() {
        CliRunner r = CliRunner.run("--version");

        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("pkgr "), r.out());
        assertTrue(r.out().contains("Java "), r.out());
    }

    @Test
    void unknownCommandIsAUsageErrorWithExitCode2() {
        CliRunner r = CliRunner.run("frobnicate");

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("Unmatched argument"), r.err());
    }

    @Test
    void noCommandPrintsUsageOnStderrWithExitCode2() {
        CliRunner r = CliRunner.run();

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("Usage: pkgr"), r.err());
    }
}
