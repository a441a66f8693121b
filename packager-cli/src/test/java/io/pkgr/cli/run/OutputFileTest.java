package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --output-file that cannot be written: the run's result is still printed, the error names the file and why. */
class OutputFileTest extends RegistryTest {

    @Test
    void anUnwritableOutputFileIsNamedWithTheReasonAndExitsWith1() throws IOException {
        registry.publishExec("scorer", "1.0.0", "printf '{\"auc\": 0.91}' > \"$PKGR_OUTPUT\"\n");
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a directory\n");
        Path xcom = blocker.resolve("return.json");

        Registry.Result r = registry.pkgr("run", "--output-file", xcom.toString(), "scorer==1.0.0", "task", "--day=2024-05-01");

        assertEquals(ExitCode.FAILURE, r.exitCode(), r.err());
        assertEquals("{\"auc\":0.91}", r.lastLine());
        assertTrue(r.err().contains("pkgr: cannot write the output file " + xcom + ": " + blocker
                + ": already exists and is not a directory\n"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("a file, not a directory\n", Files.readString(blocker));
    }
}
