package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an entrypoint receives and what pkgr says around it: values, environment, yanks, help. */
class RunContractTest extends RegistryTest {

    private static final String DATED = """
            name: dated
            version: 1.0.0
            description: Daily scoring
            runtime: exec
            include: ["bin/**"]
            entrypoints:
              score:
                command: ["bin/task.sh"]
                description: Score one day
                params:
                  as-of: {type: datetime, required: true, description: Airflow's ts}
                  dry-run: {type: bool, default: false}
                  mode: {type: enum, choices: [full, incremental], default: full}
              other:
                command: ["bin/task.sh"]
            """;

    private void publishDated(String script) throws IOException {
        registry.buildAndPublish(registry.project("dated", DATED, Map.of("bin/task.sh", "#!/bin/sh\n" + script)));
    }

    @Test
    void anAirflowTimestampReachesTheEntrypointExactlyAsGiven() throws IOException {
        Path report = tmp.resolve("args.txt");
        publishDated("echo \"$*\" > \"$REPORT\"\n");

        Registry.Result r = registry.pkgr("run", "--env", "REPORT=" + report, "dated==1.0.0", "score",
                "--as-of=2024-05-01T00:00:00+00:00");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("--as-of=2024-05-01T00:00:00+00:00 --dry-run=false --mode=full", Files.readString(report).trim());
    }

    @Test
    void registryPasswordsDoNotReachTheEntrypointButEnvStillDoes() throws IOException {
        Path report = tmp.resolve("env.txt");
        publishDated("env > \"$REPORT\"\n");
        registry.env.put("PKGR_TOKEN", "tok-123");

        Registry.Result r = registry.pkgr("run", "--env", "REPORT=" + report, "--env", "STEP_SECRET=mine",
                "dated==1.0.0", "other");

        assertEquals(0, r.exitCode(), r.err());
        String env = Files.readString(report);
        assertFalse(env.contains(registry.password), env);
        assertFalse(env.contains("PKGR_HTTP_BASIC_LOCAL_PASSWORD"), env);
        assertFalse(env.contains("tok-123"), env);
        assertTrue(env.contains("STEP_SECRET=mine\n"), env);
        assertTrue(env.contains("PKGR_HTTP_BASIC_LOCAL_USERNAME=admin\n"), "a user name is no secret: " + env);
    }

    /** A .pth line runs in every start of the venv's python: install steps included, not just the entrypoint. */
    private static final String PTH_REPORTER = "import os; p = os.environ.get('PTH_REPORT'); p and open(p, 'a').write("
            + "''.join(k + '=' + v + '\\n' for k, v in os.environ.items()) + '--\\n')\n";

    @Test
    void aVendoredWheelsPthFileSeesNoRegistryPasswordDuringTheColdInstall() throws Exception {
        Path report = tmp.resolve("pth-env.txt");
        Path wheels = tmp.resolve("wheels");
        Wheels.write(wheels, "leaky", "1.0.0", List.of(), Map.of("leaky.pth", PTH_REPORTER.getBytes(StandardCharsets.UTF_8)));
        registry.buildAndPublish(registry.project("leaky-run", """
                name: leaky-run
                version: 1.0.0
                runtime: python
                requirements: ["leaky==1.0.0"]
                include: ["src/**"]
                entrypoints:
                  main: {command: ["python", "-c", "pass"]}
                """, Map.of("src/step.py", "X = 1\n")), "--find-links", wheels.toString(), "--python", Registry.SYSTEM_PYTHON);
        registry.env.put("PTH_REPORT", report.toString());

        // a real process: what pkgr's children inherit is pkgr's own environment
        Registry.Result r = registry.pkgrProcessRun("run", "leaky-run==1.0.0", "main");

        assertEquals(0, r.exitCode(), r.err());
        String env = Files.readString(report);
        assertTrue(env.split("--\n").length >= 2, "compileall and the entrypoint both started python: " + env);
        assertFalse(env.contains("PKGR_HTTP_BASIC_LOCAL_PASSWORD"), env);
        assertFalse(env.contains(registry.password), env);
        assertTrue(env.contains("PKGR_HTTP_BASIC_LOCAL_USERNAME=admin\n"), env);
    }

    @Test
    void passCredentialsHandsTheRegistryPasswordToAStepThatPublishes() throws IOException {
        Path report = tmp.resolve("env.txt");
        publishDated("env > \"$REPORT\"\n");

        Registry.Result r = registry.pkgr("run", "--pass-credentials", "--env", "REPORT=" + report, "dated==1.0.0", "other");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(report).contains("PKGR_HTTP_BASIC_LOCAL_PASSWORD=" + registry.password + "\n"));
    }

    @Test
    void runningAYankedVersionWarnsAndRunsAnyway() throws IOException {
        Path report = tmp.resolve("ran.txt");
        publishDated("echo ran > \"$REPORT\"\n");
        registry.client().yank(BundleName.parse("dated"), Version.parse("1.0.0"), "wrong model");

        Registry.Result r = registry.pkgr("run", "--env", "REPORT=" + report, "dated==1.0.0", "other");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("ran", Files.readString(report).trim());
        assertTrue(r.err().contains("pkgr: warning: dated 1.0.0 is yanked (wrong model); running it because it is pinned"),
                r.err());
    }

    @Test
    void entrypointHelpShowsItsParametersWithoutDownloadingTheBundle() throws IOException {
        publishDated("exit 0\n");

        Registry.Result r = registry.pkgr("run", "dated==1.0.0", "score", "--help");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("dated 1.0.0 score: Score one day\ncommand: bin/task.sh\n"), r.out());
        assertTrue(r.out().contains("  --as-of=DATETIME  required; Airflow's ts\n"), r.out());
        assertTrue(r.out().contains("  --dry-run=BOOL    default false\n"), r.out());
        assertTrue(r.out().contains("  --mode=ENUM       default full; one of full, incremental\n"), r.out());
        assertTrue(r.out().contains("bools as --x=true/--x=false"), r.out());
        assertEquals(List.of(), registry.cachedBundles(), "nothing downloaded");
        assertEquals(0, registry.installs());
    }

    @Test
    void helpInPlaceOfTheEntrypointListsTheEntrypoints() throws IOException {
        publishDated("exit 0\n");

        Registry.Result r = registry.pkgr("run", "dated==1.0.0", "--help");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("""
                dated 1.0.0: Daily scoring
                entrypoints:
                  other
                  score  Score one day
                Parameters of one: pkgr run dated==1.0.0 ENTRYPOINT --help
                """, r.out());
        assertEquals(List.of(), registry.cachedBundles());
    }

    @Test
    void aFailedRunNamesItsRunDirectoryEvenWhenQuiet() throws IOException {
        publishDated("exit 4\n");

        Registry.Result r = registry.pkgr("run", "-q", "dated==1.0.0", "other");

        assertEquals(4, r.exitCode());
        assertTrue(r.err().contains("exited with 4; its run directory is " + registry.cache().resolve("runs")), r.err());
    }
}
