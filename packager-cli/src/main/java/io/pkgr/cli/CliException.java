package io.pkgr.cli;

import java.io.IOException;
import java.nio.file.Path;

/** A failure the user can act on: one line on stderr and an exit code from {@link ExitCode}. */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A file pkgr was asked to write could not be: names it, and which path failed and why (exit 1). */
    public static CliException cannotWrite(String what, Path file, IOException cause) {
        String why = ErrorReport.describe(cause);
        // "cannot write X: permission denied" rather than naming X twice
        why = why.startsWith(file + ": ") ? why.substring(file.toString().length() + 2) : why;
        return new CliException(ExitCode.FAILURE, "cannot write " + what + " " + file + ": " + why, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
