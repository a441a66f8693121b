package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.Sha256;
import io.pkgr.cli.cache.CacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** pkgr run/install with exec bundles against a real registry on port 0 (pkgr in-process). */
class ExecRunTest extends RegistryTest {

    @Test
    void entrypointGetsTheRunContractAndItsExitCodeIsPassedThrough() throws IOException {
        Sha256 sha = registry.publishExec("hello", "1.0.0", """
                { echo "bundle=$PKGR_BUNDLE"; echo "version=$PKGR_VERSION"; echo "sha=$PKGR_SHA256"
                  echo "rundir=$PKGR_RUN_DIR"; echo "output=$PKGR_OUTPUT"; echo "pwd=$(pwd)"; echo "args=$*"
                  echo "extra=$EXTRA"; } > "$OUT"
                exit 3
                """);
        Path report = tmp.resolve("report.txt");

        Registry.Result r = registry.pkgr("run", "--env", "OUT=" + report, "--env", "EXTRA=x=y",
                "hello==1.0.0", "task", "--day=2024-05-01");

        assertEquals(3, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(report);
        assertTrue(lines.contains("bundle=hello"), lines.toString());
        assertTrue(lines.contains("version=1.0.0"), lines.toString());
        assertTrue(lines.contains("sha=" + sha.hex()), lines.toString());
        assertTrue(lines.contains("args=--day=2024-05-01 --epochs=10"), lines.toString());
        assertTrue(lines.contains("extra=x=y"), lines.toString());
        String runDir = lines.stream().filter(l -> l.startsWith("rundir=")).findFirst().orElseThrow().substring(7);
        assertTrue(lines.contains("pwd=" + runDir), lines.toString());
        assertTrue(runDir.startsWith(registry.cache().resolve("runs").toString()), runDir);
        assertTrue(lines.contains("output=" + runDir + "/.pkgr-output.json"), lines.toString());
        assertTrue(r.err().contains("exited with 3"), r.err());
    }

    @Test
    void eachRunGetsAFreshWorkingDirectoryUnderWorkdir() throws IOException {
        registry.publishExec("fresh", "1.0.0", "echo $(ls -A) > listing.txt; echo left-behind > marker\n");
        Path workdir = tmp.resolve("work");

        assertEquals(0, registry.pkgr("run", "--workdir", workdir.toString(), "fresh==1.0.0", "task", "--day=2024-05-01").exitCode());
        assertEquals(0, registry.pkgr("run", "--workdir", workdir.toString(), "fresh==1.0.0", "task", "--day=2024-05-02").exitCode());

        try (Stream<Path> runs = Files.list(workdir)) {
            List<Path> dirs = runs.toList();
            assertEquals(2, dirs.size(), dirs.toString());
            for (Path d : dirs) {
                assertEquals("", Files.readString(d.resolve("listing.txt")).trim(), "a run dir starts empty");
            }
        }
    }

    @Test
    void outputJsonIsTheLastStdoutLineAndIsCopiedToOutputFile() throws IOException {
        registry.publishExec("scorer", "1.0.0", """
                echo "training..."
                printf '{\\n  "auc": 0.91,\\n  "rows": [1, 2]\\n}\\n' > "$PKGR_OUTPUT"
                """);
        Path xcom = tmp.resolve("airflow/xcom/return.json");

        Registry.Result r = registry.pkgr("run", "--output-file", xcom.toString(), "scorer==1.0.0", "task", "--day=2024-05-01");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("{\"auc\":0.91,\"rows\":[1,2]}", r.lastLine());
        assertEquals("{\"auc\":0.91,\"rows\":[1,2]}", Files.readString(xcom).trim());
    }

    @Test
    void outputThatIsNotJsonIsReportedAndNotForwarded() throws IOException {
        registry.publishExec("broken-output", "1.0.0", "echo 'not json {' > \"$PKGR_OUTPUT\"\n");

        Registry.Result r = registry.pkgr("run", "broken-output==1.0.0", "task", "--day=2024-05-01");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("not JSON"), r.err());
    }

    @Test
    void badParametersFailWithExit2NamingTheParameterBeforeAnyDownload() throws IOException {
        registry.publishExec("params", "1.0.0", "exit 0\n");

        Registry.Result unknown = registry.pkgr("run", "params==1.0.0", "task", "--day=2024-05-01", "--epoch=3");
        Registry.Result missing = registry.pkgr("run", "params==1.0.0", "task");
        Registry.Result wrongType = registry.pkgr("run", "params==1.0.0", "task", "--day=yesterday");
        Registry.Result noEntrypoint = registry.pkgr("run", "params==1.0.0", "tarin", "--day=2024-05-01");

        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--epoch") && unknown.err().contains("did you mean --epochs"), unknown.err());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("missing required parameter --day"), missing.err());
        assertEquals(2, wrongType.exitCode());
        assertTrue(wrongType.err().contains("--day"), wrongType.err());
        assertEquals(2, noEntrypoint.exitCode());
        assertTrue(noEntrypoint.err().contains("no entrypoint 'tarin'"), noEntrypoint.err());
        assertEquals(List.of(), registry.cachedBundles(), "nothing was downloaded");
        assertEquals(List.of(), registry.environments(), "nothing was installed");
    }

    @Test
    void aRangeOrLatestIsRefusedWithAPointerToLock() throws IOException {
        registry.publishExec("ranged", "1.0.0", "exit 0\n");

        Registry.Result caret = registry.pkgr("run", "ranged^1", "task", "--day=2024-05-01");
        Registry.Result latest = registry.pkgr("run", "ranged", "task", "--day=2024-05-01");

        assertEquals(2, caret.exitCode());
        assertTrue(caret.err().contains("pkgr lock"), caret.err());
        assertEquals(2, latest.exitCode());
        assertEquals(List.of(), registry.cachedBundles());
    }

    @Test
    void bytesThatDoNotMatchTheRecordedDigestExit7AndInstallNothing() throws IOException {
        registry.publishExec("tampered", "1.0.0", "exit 0\n");
        // the registry stores the bundle as layers: its one layer here is the project's files
        Path blob = onlyStoredBlob();
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(blob, bytes);

        Registry.Result r = registry.pkgr("run", "tampered==1.0.0", "task", "--day=2024-05-01");

        assertEquals(7, r.exitCode(), r.err());
        assertTrue(r.err().contains("nothing was installed"), r.err());
        assertEquals(List.of(), registry.cachedBundles());
        assertEquals(List.of(), registry.environments());
        assertEquals(List.of(), heldBlobs(), "the bad blob is not kept on this host");
    }

    @Test
    void aDigestPinRunsThatBundleAndAnUnknownDigestIsNotFound() throws IOException {
        Sha256 sha = registry.publishExec("pinned", "1.0.0", "echo pinned > \"$PKGR_RUN_DIR/../../pinned.txt\"\n");

        Registry.Result ok = registry.pkgr("run", "pinned@sha256:" + sha.hex(), "task", "--day=2024-05-01");
        Registry.Result unknown = registry.pkgr("run", "pinned@sha256:" + "0".repeat(64), "task", "--day=2024-05-01");

        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(3, unknown.exitCode(), unknown.err());
    }

    @Test
    void aWarmRunNeedsNoRegistry() throws IOException {
        Sha256 sha = registry.publishExec("offline", "1.0.0", "echo ran >> \"$OUT\"\n");
        Path out = tmp.resolve("ran.txt");
        assertEquals(0, registry.pkgr("run", "-e", "OUT=" + out, "offline==1.0.0", "task", "--day=2024-05-01").exitCode());

        registry.close();
        Registry.Result byVersion = registry.pkgr("run", "-e", "OUT=" + out, "offline==1.0.0", "task", "--day=2024-05-01");
        Registry.Result byDigest = registry.pkgr("run", "-e", "OUT=" + out, "offline@sha256:" + sha.hex(), "task",
                "--day=2024-05-01");
        Registry.Result badParam = registry.pkgr("run", "offline==1.0.0", "task", "--day=nope");

        assertEquals(0, byVersion.exitCode(), byVersion.err());
        assertEquals(0, byDigest.exitCode(), byDigest.err());
        assertEquals(2, badParam.exitCode(), "params are checked from the cached record");
        assertEquals(3, Files.readAllLines(out).size());
        assertEquals(1, registry.installs());
    }

    @Test
    void aTamperedEnvironmentIsDetectedAndRebuilt() throws IOException {
        registry.publishExec("rebuild", "1.0.0", "echo original > \"$OUT\"\n");
        Path out = tmp.resolve("out.txt");
        assertEquals(0, registry.pkgr("run", "-e", "OUT=" + out, "rebuild==1.0.0", "task", "--day=2024-05-01").exitCode());
        Path env = registry.environments().get(0);
        Files.writeString(env.resolve("files/bin/task.sh"), "#!/bin/sh\necho evil > \"$OUT\"\n");

        Registry.Result r = registry.pkgr("run", "-e", "OUT=" + out, "rebuild==1.0.0", "task", "--day=2024-05-01");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("damaged"), r.err());
        assertEquals("original", Files.readString(out).trim());
        assertEquals(2, registry.installs());
    }

    @Test
    void anEnvironmentWhoseMarkerHoldsTheEarlierSha256FingerprintIsUsedUpgradedAndStillChecked() throws Exception {
        // given: an environment whose ready marker an earlier pkgr wrote (a bare SHA-256 of the same lines)
        registry.publishExec("earlier", "1.0.0", "echo ran >> \"$OUT\"\n");
        Path out = tmp.resolve("ran.txt");
        assertEquals(0, registry.pkgr("run", "-e", "OUT=" + out, "earlier==1.0.0", "task", "--day=2024-05-01").exitCode());
        Path env = registry.environments().get(0);
        Path marker = env.resolve(CacheLayout.READY_MARKER);
        String written = Files.readString(marker);
        assertTrue(written.matches("(?s).*\"fingerprint\":\"crc32c:[0-9a-f]{8}\".*"), written);
        Files.writeString(marker, written.replaceAll("crc32c:[0-9a-f]{8}", earlierFingerprint(env, "pkgr.json", "files/bin/task.sh")));

        // when
        Registry.Result used = registry.pkgr("run", "-e", "OUT=" + out, "earlier==1.0.0", "task", "--day=2024-05-01");
        String upgraded = Files.readString(marker);
        Files.writeString(marker, written.replaceAll("crc32c:[0-9a-f]{8}", earlierFingerprint(env, "pkgr.json", "files/bin/task.sh")));
        // the same size: only the fingerprint can see it
        Path script = env.resolve("files/bin/task.sh");
        Files.setLastModifiedTime(script, FileTime.fromMillis(Files.getLastModifiedTime(script).toMillis() - 60_000));
        Registry.Result rebuilt = registry.pkgr("run", "-e", "OUT=" + out, "earlier==1.0.0", "task", "--day=2024-05-01");

        // then: used without a rebuild (its marker now in the CRC-32C form), and a changed file is still seen
        assertEquals(0, used.exitCode(), used.err());
        assertFalse(used.err().contains("damaged"), used.err());
        assertEquals(written, upgraded);
        assertEquals(0, rebuilt.exitCode(), rebuilt.err());
        assertTrue(rebuilt.err().contains("damaged"), rebuilt.err());
        assertEquals(List.of("ran", "ran", "ran"), Files.readAllLines(out));
        assertEquals(2, registry.installs());
    }

    /** What pkgr wrote as the fingerprint before CRC-32C: SHA-256 over "PATH\tSIZE\tMTIME-MILLIS\n" of each file. */
    private static String earlierFingerprint(Path env, String... paths) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String path : paths) {
            Path file = env.resolve(path);
            md.update((path + "\t" + Files.size(file) + "\t" + Files.getLastModifiedTime(file).toMillis() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void aDamagedHeldBlobIsDownloadedAgain() throws IOException {
        registry.publishExec("redownload", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("install", "redownload==1.0.0").exitCode());
        Path blob = heldBlobs().get(0);
        byte[] good = Files.readAllBytes(blob);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(blob, bad);
        Files.delete(registry.environments().get(0).resolve(CacheLayout.READY_MARKER));

        Registry.Result r = registry.pkgr("run", "redownload==1.0.0", "task", "--day=2024-05-01");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("fetching it again"), r.err());
        assertArrayEquals(good, Files.readAllBytes(heldBlobs().get(0)));
    }

    @Test
    void installPreparesTheEnvironmentAndPrintsItsPath() throws IOException {
        Sha256 sha = registry.publishExec("prepared", "1.0.0", "exit 0\n");

        Registry.Result r = registry.pkgr("install", "prepared==1.0.0");

        assertEquals(0, r.exitCode(), r.err());
        Path env = Path.of(r.out().trim());
        assertTrue(env.getFileName().toString().startsWith(sha.hex() + "-exec-"), env.toString());
        assertTrue(Files.isRegularFile(env.resolve(CacheLayout.READY_MARKER)));
        assertTrue(Files.isExecutable(env.resolve("files/bin/task.sh")));
    }

    @Test
    void timeoutStopsTheWholeProcessGroupWithExit124() throws IOException {
        Path pids = tmp.resolve("pids");
        registry.publishExec("slow", "1.0.0", "sleep 60 &\necho $! > \"$PIDS\"\nsleep 60\n");

        Registry.Result r = registry.pkgr("run", "--timeout", "2s", "--kill-after", "2s", "-e", "PIDS=" + pids,
                "slow==1.0.0", "task", "--day=2024-05-01");

        assertEquals(124, r.exitCode(), r.err());
        assertTrue(r.err().contains("timed out after 2s"), r.err());
        long background = Long.parseLong(Files.readString(pids).trim());
        assertFalse(Registry.running(background), "the entrypoint's background child was stopped too");
    }

    @Test
    void timeoutKillsAGroupMemberThatIgnoresSigterm() throws IOException {
        Path pids = tmp.resolve("pids");
        registry.publishExec("stubborn", "1.0.0",
                "sh -c 'trap \"\" TERM; while :; do sleep 1; done' &\necho $! > \"$PIDS\"\nsleep 60\n");

        Registry.Result r = registry.pkgr("run", "--timeout", "2s", "--kill-after", "1s", "-e", "PIDS=" + pids,
                "stubborn==1.0.0", "task", "--day=2024-05-01");

        assertEquals(124, r.exitCode(), r.err());
        long background = Long.parseLong(Files.readString(pids).trim());
        assertFalse(Registry.running(background), "a member that ignores SIGTERM is killed after the grace period");
    }

    @Test
    void repositoryChoiceIsExplainedWhenAmbiguous() {
        registry.env.put("PKGR_REPOSITORIES_OTHER_URL", "http://127.0.0.1:9");

        Registry.Result r = registry.pkgr("run", "x==1.0.0", "task");

        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("several repositories") && r.err().contains("-r NAME"), r.err());
    }

    @Test
    void helpAnswersWithExamples() {
        for (String command : List.of("run", "install", "lock", "cache")) {
            Registry.Result r = registry.pkgr(command, "--help");
            assertEquals(0, r.exitCode(), command);
            assertTrue(r.out().contains("Examples:"), command + ": " + r.out());
        }
    }

    private Path onlyStoredBlob() throws IOException {
        try (Stream<Path> walk = Files.walk(tmp.resolve("data/blobs"))) {
            List<Path> blobs = walk.filter(Files::isRegularFile).toList();
            assertEquals(1, blobs.size(), blobs.toString());
            return blobs.get(0);
        }
    }

    private List<Path> heldBlobs() throws IOException {
        Path dir = registry.cache().resolve("blobs");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).toList();
        }
    }

}
