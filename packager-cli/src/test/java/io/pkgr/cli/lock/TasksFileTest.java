package io.pkgr.cli.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.cli.CliException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tasks file's validation and durations: small parsers with clear errors. */
class TasksFileTest {

    @Test
    void aValidTasksFileGivesEachTaskItsSpecEntrypointAndRepository() {
        TasksFile f = TasksFile.parse("pkgr.tasks.yaml", """
                repository: private
                tasks:
                  train: {bundle: churn-model^1.4, entrypoint: train}
                  score:
                    bundle: churn-model==1.4.0
                    entrypoint: score
                    repository: other
                """.getBytes(StandardCharsets.UTF_8));

        assertEquals("churn-model^1.4", f.tasks().get("train").bundle().toString());
        assertEquals("private", f.tasks().get("train").repository());
        assertEquals("other", f.tasks().get("score").repository());
    }

    @Test
    void everyProblemIsReportedWithItsLine() {
        CliException e = assertThrows(CliException.class, () -> TasksFile.parse("pkgr.tasks.yaml", """
                tasks:
                  train:
                    bundel: churn-model^1.4
                    entrypoint: train
                  score:
                    bundle: "churn model"
                    entrypoint: score
                """.getBytes(StandardCharsets.UTF_8)));

        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("pkgr.tasks.yaml:3: tasks.train.bundel: unknown key (did you mean 'bundle'?)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("pkgr.tasks.yaml:2: tasks.train.bundle: missing"), e.getMessage());
        assertTrue(e.getMessage().contains("pkgr.tasks.yaml:6: tasks.score.bundle:"), e.getMessage());
    }
}
