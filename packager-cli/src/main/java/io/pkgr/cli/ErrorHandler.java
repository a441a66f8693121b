package io.pkgr.cli;

import io.pkgr.bundle.BundleException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The one place where an exception becomes a line on stderr and an exit code. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int code = exitCodeOf(ex);
        err.println("pkgr: " + messageOf(ex));
        if (System.getenv("PKGR_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof CliException c) {
            return c.exitCode();
        }
        if (ex instanceof BundleException b) {
            return switch (b.code()) {
                case DIGEST_MISMATCH, MISSING_FILE, UNLISTED_FILE, CORRUPT_ARCHIVE -> ExitCode.INTEGRITY;
                case IO, SOURCE_CHANGED -> ExitCode.FAILURE;
                default -> ExitCode.USAGE;
            };
        }
        return ExitCode.FAILURE;
    }

    static String messageOf(Throwable ex) {
        String m = ex.getMessage();
        if (ex instanceof CliException || ex instanceof BundleException) {
            return m;
        }
        return ex.getClass().getSimpleName() + (m == null ? "" : ": " + m) + " (set PKGR_DEBUG=1 for details)";
    }
}
