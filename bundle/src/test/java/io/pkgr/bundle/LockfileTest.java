package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockfileTest {

    @TempDir
    Path tmp;

    private static Lockfile sample() {
        TreeMap<String, Lockfile.Entry> entries = new TreeMap<>();
        entries.put("train", new Lockfile.Entry(BundleName.parse("churn-model"), Version.parse("1.4.0"),
                Sha256.parse("ab".repeat(32)), "private", "train"));
        entries.put("score", new Lockfile.Entry(BundleName.parse("churn-model"), Version.parse("1.4.0"),
                Sha256.parse("ab".repeat(32)), "private", null));
        return new Lockfile(entries);
    }

    @Test
    void writesStableSortedJsonAndReadsItBack() {
        Path file = tmp.resolve("pkgr.lock");

        sample().write(file);

        assertEquals(sample(), Lockfile.read(file));
        String text = new String(sample().toJson(), StandardCharsets.UTF_8);
        assertTrue(text.indexOf("\"score\"") < text.indexOf("\"train\""));
        assertTrue(text.contains("\"lockVersion\" : 1"), text);
    }

    @Test
    void unknownTaskListsTheKnownOnes() {
        BundleException e = assertThrows(BundleException.class, () -> sample().entry("predict"));

        assertEquals("pkgr.lock has no entry 'predict' (it has: score, train)", e.getMessage());
    }

    @Test
    void malformedLockFilesAreRefusedWithTheReason() throws Exception {
        assertTrue(parseError("not json").contains("not valid JSON"));
        assertTrue(parseError("{\"lockVersion\":2,\"entries\":{}}").contains("unsupported lockVersion 2"));
        assertTrue(parseError("{\"lockVersion\":1}").contains("missing entries"));
        assertTrue(parseError("{\"lockVersion\":1,\"entries\":{\"t\":{\"bundle\":\"a\",\"version\":\"1.0\",\"sha256\":\"00\"}}}")
                .contains("entries.t: invalid version '1.0'"));
        assertTrue(parseError("{\"lockVersion\":1,\"entries\":{\"t\":{\"bundle\":\"a\",\"version\":\"1.0.0\",\"sha256\":\"xyz\"}}}")
                .contains("entries.t: invalid sha256"));
    }

    @Test
    void missingFileSaysHowToCreateOne() {
        BundleException e = assertThrows(BundleException.class, () -> Lockfile.read(tmp.resolve("pkgr.lock")));

        assertTrue(e.getMessage().endsWith("not found (run 'pkgr lock')"));
        assertTrue(Files.notExists(tmp.resolve("pkgr.lock")));
    }

    private static String parseError(String json) {
        BundleException e = assertThrows(BundleException.class,
                () -> Lockfile.parse("pkgr.lock", json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(BundleException.Code.INVALID_LOCKFILE, e.code());
        return e.getMessage();
    }
}
