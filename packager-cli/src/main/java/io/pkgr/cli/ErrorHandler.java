package io.pkgr.cli;

import java.io.IOException;
import picocli.CommandLine;

/** picocli's side of {@link ErrorReport}: an exception from a command becomes a line on stderr and an exit code. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        return ErrorReport.report(ex, commandLine.getErr());
    }

    static int exitCodeOf(Throwable ex) {
        return ErrorReport.exitCodeOf(ex);
    }

    static String messageOf(Throwable ex) {
        return ErrorReport.messageOf(ex);
    }

    static String describe(IOException e) {
        return ErrorReport.describe(e);
    }
}
