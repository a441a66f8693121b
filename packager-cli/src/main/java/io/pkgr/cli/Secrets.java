package io.pkgr.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password without echo from the terminal, or as one line from stdin for scripts. */
public final class Secrets {

    private Secrets() {
    }

    public static char[] read(String prompt, boolean fromStdin) {
        if (fromStdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(ExitCode.USAGE, "no password on stdin");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "cannot read the password from stdin: " + e.getMessage());
            }
        }
        java.io.Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.USAGE, "no terminal to ask for the password: pass it with --password-stdin");
        }
        char[] password = console.readPassword("%s", prompt);
        if (password == null || password.length == 0) {
            throw new CliException(ExitCode.USAGE, "empty password");
        }
        return password;
    }
}
