package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The warm path of {@code pkgr run} (a real pkgr process, {@link WarmStart}) against the same
 * command parsed by picocli in this JVM: what a warm run loads, and that both answer alike.
 */
class WarmStartTest extends RegistryTest {

    @Test
    void aWarmRunScansNoJarForServicesAndSpinsNoRecordMethods() throws Exception {
        registry.publishExec("scan", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgrProcessRun("run", "scan==1.0.0", "task", "--day=2024-05-01").exitCode());

        ProcessBuilder pb = registry.pkgrProcess("run", "-r", "local", "scan==1.0.0", "task", "--day=2024-05-01");
        pb.command().add(1, "-verbose:class");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String loaded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));

        // then: a ServiceLoader over the class path (runtimes, time-zone rules) opens every jar of the
        // release; a record's generated equals spins method-handle classes
        assertEquals(0, p.exitValue());
        List<String> unwanted = loaded.lines()
                .filter(l -> l.contains("java.util.ServiceLoader$LazyClassPathLookupIterator")
                        || l.contains("java.time.zone.ZoneRulesProvider") || l.contains("java.lang.runtime.ObjectMethods"))
                .toList();
        assertEquals(List.of(), unwanted);
    }

    @Test
    void theRunDirectoryStampIsTheLocalTimeInEveryTimeZone() {
        TimeZone before = TimeZone.getDefault();
        try {
            for (String zone : List.of("UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Europe/Paris")) {
                // given
                TimeZone.setDefault(TimeZone.getTimeZone(zone));

                // when
                LocalDateTime stamp = RunCommand.localNow();

                // then
                long apart = Math.abs(Duration.between(LocalDateTime.now(), stamp).toMillis());
                assertTrue(apart < 5_000, zone + ": " + stamp + " is " + apart + " ms from LocalDateTime.now()");
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    @Test
    void aWarmRunLoadsNeitherPicocliNorJacksonDataBinding() throws Exception {
        // with a JSON result to compact: a streaming copy, no data binding
        registry.publishExec("lean", "1.0.0", "echo '{ \"a\" : [1, 2.50, {\"b\": null}] } trailing' > \"$PKGR_OUTPUT\"\n");
        assertEquals(0, registry.pkgrProcessRun("run", "lean==1.0.0", "task", "--day=2024-05-01").exitCode());

        ProcessBuilder pb = registry.pkgrProcess("run", "-r", "local", "--timeout", "1h", "-e", "A=B", "lean==1.0.0", "task",
                "--day=2024-05-01");
        pb.command().add(1, "-verbose:class");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String loaded = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));

        assertEquals(0, p.exitValue());
        assertTrue(loaded.contains("io.pkgr.cli.run.WarmStart"), "the warm path ran");
        assertTrue(loaded.lines().anyMatch(l -> l.equals("{\"a\":[1,2.5,{\"b\":null}]}")), loaded);
        List<String> unwanted = loaded.lines()
                .filter(l -> l.contains("picocli.CommandLine$Model") || l.contains("jackson.databind.ObjectMapper")
                        || l.contains("io.pkgr.cli.PkgrCommand") || l.contains("io.pkgr.cli.registry.")
                        || l.contains("org.apache.http") || l.contains("org.eclipse.aether"))
                .toList();
        assertEquals(List.of(), unwanted);
    }

    @Test
    void theWarmPathAnswersAsPicocliDoes() throws Exception {
        registry.publishExec("same", "1.0.0", """
                echo "args: $*"
                echo "{ \\"a\\" : [1, 2.50, \\"$A\\"] }" > "$PKGR_OUTPUT"
                """);
        assertEquals(0, registry.pkgrProcessRun("run", "same==1.0.0", "task", "--day=2024-05-01").exitCode());
        Path out1 = tmp.resolve("out1.json");
        Path out2 = tmp.resolve("out2.json");

        List<List<String>> cases = List.of(
                List.of("run", "same==1.0.0", "task", "--day=2024-05-01", "--epochs", "007"),
                List.of("run", "-q", "-e", "A=x=y", "--env=A=z", "--timeout=1h", "--kill-after", "5s", "same==1.0.0", "task",
                        "--day=2024-05-01"),
                List.of("run", "same==1.0.0", "task", "--day=05/01/2024"),
                List.of("run", "same==1.0.0", "task", "--dya=2024-05-01"),
                List.of("run", "same==1.0.0", "task"),
                List.of("run", "same==1.0.0", "nope", "--day=2024-05-01"),
                List.of("run", "same==1.0.0", "task", "--help"),
                List.of("run", "same==1.0.0", "--help"),
                List.of("run", "same^1.0", "task", "--day=2024-05-01"),
                List.of("run", "-r", "elsewhere", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "--timeout", "soon", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "--timeout", "1h", "--timeout", "2h", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "-e", "NOEQUALS", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "--bogus", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "same==1.0.0", "task", "--day=2024-05-01", "stray"),
                List.of("run", "--require-signature", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "--trusted-keys", "missing.pub", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "--trusted-keys=/dev/null", "same==1.0.0", "task", "--day=2024-05-01"),
                List.of("run", "same==1.0.0"));
        for (List<String> args : cases) {
            Registry.Result viaPicocli = registry.pkgr(args.toArray(String[]::new));
            Registry.Result warm = registry.pkgrProcessRun(args.toArray(String[]::new));
            assertEquals(viaPicocli.exitCode(), warm.exitCode(), args + ": " + warm.err());
            assertEquals(viaPicocli.err(), warm.err(), args.toString());
            // the entrypoint's own lines go to the test's stdout in-process; pkgr's own lines must match
            List<String> own = viaPicocli.out().lines().toList();
            assertTrue(warm.out().lines().toList().containsAll(own), args + ": " + warm.out() + " vs " + own);
        }

        Registry.Result viaPicocli = registry.pkgr("run", "--output-file", out1.toString(), "-e", "A=x", "same==1.0.0", "task",
                "--day=2024-05-01");
        Registry.Result warm = registry.pkgrProcessRun("run", "--output-file", out2.toString(), "-e", "A=x", "same==1.0.0",
                "task", "--day=2024-05-01");
        assertEquals(0, warm.exitCode(), warm.err());
        assertEquals(viaPicocli.lastLine(), warm.lastLine());
        assertEquals("{\"a\":[1,2.5,\"x\"]}", warm.lastLine());
        assertEquals(Files.readString(out1), Files.readString(out2));
        assertFalse(warm.out().contains("args: ") && !warm.out().contains("--day=2024-05-01 --epochs=10"), warm.out());
    }

    @Test
    void versionWithoutTheCommandTreePrintsWhatPicocliPrints() throws Exception {
        Registry.Result viaPicocli = registry.pkgr("--version");
        Registry.Result direct = registry.pkgrProcessRun("--version");
        assertEquals(0, direct.exitCode());
        assertEquals(viaPicocli.out(), direct.out());
        List<String> loaded = new ArrayList<>();
        ProcessBuilder pb = registry.pkgrProcess("--version");
        pb.command().add(1, "-verbose:class");
        Process p = pb.start();
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("picocli.CommandLine$Model")).forEach(loaded::add);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(List.of(), loaded);
    }
}
