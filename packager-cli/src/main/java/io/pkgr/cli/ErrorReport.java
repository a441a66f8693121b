package io.pkgr.cli;

import io.pkgr.bundle.BundleException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place where an exception becomes a line on stderr and an exit code, for picocli's
 * {@link ErrorHandler} and for a run started without picocli ({@link Main#run}) alike.
 */
final class ErrorReport {

    private ErrorReport() {
    }

    /** Says what went wrong on {@code err} and returns the exit code. */
    static int report(Exception ex, PrintWriter err) {
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

    /** One sentence for the user; a Java class name appears only for what must be a bug. */
    static String messageOf(Throwable ex) {
        if (ex instanceof CliException || ex instanceof BundleException) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (ex instanceof IOException io) {
            return describe(io);
        }
        String m = ex.getMessage();
        return "unexpected error (" + ex.getClass().getSimpleName() + (m == null ? "" : ": " + m)
                + "); set PKGR_DEBUG=1 for the trace";
    }

    /** What went wrong with which file, the way Unix tools say it: {@code PATH: permission denied}. */
    static String describe(IOException e) {
        if (!(e instanceof FileSystemException f)) {
            return "I/O error: " + e.getMessage();
        }
        String paths = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        return paths + ": " + reason(f);
    }

    private static String reason(FileSystemException f) {
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (f instanceof FileAlreadyExistsException) {
            // creating directories through a file ends here: say why it is in the way
            Path existing = f.getFile() == null ? null : Path.of(f.getFile());
            boolean notADirectory = existing != null && Files.exists(existing) && !Files.isDirectory(existing);
            return notADirectory ? "already exists and is not a directory" : "already exists";
        }
        String reason = f.getReason();
        if (reason == null || reason.isEmpty()) {
            return "file system error";
        }
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
