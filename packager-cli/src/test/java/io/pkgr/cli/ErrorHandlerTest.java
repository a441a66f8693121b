package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** No exception reaches the user as a Java class name: file problems name the path and the reason. */
class ErrorHandlerTest {

    @Test
    void aMissingFileNamesThePath() {
        String message = ErrorHandler.messageOf(new NoSuchFileException("/srv/xcom/return.json"));

        assertEquals("/srv/xcom/return.json: no such file or directory", message);
    }

    @Test
    void aRefusedFileNamesThePathAndSaysPermissionDenied() {
        String message = ErrorHandler.messageOf(new AccessDeniedException("/airflow"));

        assertEquals("/airflow: permission denied", message);
    }

    @Test
    void anyOtherFileSystemErrorNamesThePathAndTheSystemsReason() {
        String message = ErrorHandler.messageOf(new FileSystemException("/data/x", null, "Read-only file system"));

        assertEquals("/data/x: read-only file system", message);
    }

    @Test
    void anUncheckedIoErrorIsDescribedByItsCause() {
        String message = ErrorHandler.messageOf(new UncheckedIOException(new NoSuchFileException("/gone")));

        assertEquals("/gone: no such file or directory", message);
    }

    @Test
    void aPlainIoErrorSaysItIsAnIoError() {
        String message = ErrorHandler.messageOf(new IOException("Stream closed"));

        assertEquals("I/O error: Stream closed", message);
    }

    @Test
    void fileProblemsExitWith1() {
        assertEquals(ExitCode.FAILURE, ErrorHandler.exitCodeOf(new AccessDeniedException("/airflow")));
    }

    @Test
    void aBugIsReportedAsUnexpectedWithoutStartingWithAClassName() {
        String message = ErrorHandler.messageOf(new IllegalStateException("boom"));

        assertFalse(message.startsWith("IllegalStateException"), message);
        assertEquals("unexpected error (IllegalStateException: boom); set PKGR_DEBUG=1 for the trace", message);
    }
}
