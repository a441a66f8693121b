package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleWriterTest {

    @TempDir
    Path tmp;

    private static final String YAML = """
            name: etl-step
            version: 0.3.0
            runtime: exec
            include: ["src/**", "conf/*.yaml", "run.sh"]
            exclude: ["**/*.tmp"]
            entrypoints:
              run: {command: [sh, files/run.sh]}
            """;

    private Path project(Path root, boolean reverseOrder, String mode, long mtime) throws IOException {
        List<String[]> files = new ArrayList<>(List.of(
                new String[] {"src/etl/main.py", "print('hi')\n"},
                new String[] {"src/etl/__init__.py", ""},
                new String[] {"src/etl/deep/a/b/c.txt", "deep\n"},
                new String[] {"conf/prod.yaml", "db: prod\n"},
                new String[] {"conf/skip.tmp", "scratch"},
                new String[] {"run.sh", "#!/bin/sh\necho run\n"},
                new String[] {"notes.md", "not included"},
                new String[] {"src/etl/__pycache__/main.cpython-311.pyc", "bytecode"}));
        if (reverseOrder) {
            java.util.Collections.reverse(files);
        }
        for (String[] f : files) {
            Path p = root.resolve(f[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f[1]);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
            Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
        }
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(root.resolve("pkgr.yaml"), YAML);
        return root;
    }

    private BundleInfo build(Path root, Path out) {
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));
        SortedMap<String, Path> payload = BundleSources.select(root, manifest);
        return BundleWriter.write(manifest, payload, out);
    }

    @Test
    void sameTreeBuiltTwiceWithOtherMtimesOrderAndPermissionsIsByteIdentical() throws IOException {
        Path a = project(tmp.resolve("a"), false, "rw-r--r--", 1_000_000_000_000L);
        Path b = project(tmp.resolve("b"), true, "rw-rw----", Instant.now().toEpochMilli());

        BundleInfo first = build(a, tmp.resolve("a.pkgr"));
        BundleInfo second = build(b, tmp.resolve("b.pkgr"));

        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.pkgr")), Files.readAllBytes(tmp.resolve("b.pkgr")));
        assertEquals(first.sha256(), second.sha256());
        assertEquals(Sha256.ofFile(tmp.resolve("a.pkgr")), first.sha256());
        assertEquals(Files.size(tmp.resolve("a.pkgr")), first.size());
    }

    @Test
    void entriesAreSortedOwnedByRootWithFixedTimesAndModesAndManifestLast() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-------", 0);

        build(root, tmp.resolve("p.pkgr"));

        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(Files.newInputStream(tmp.resolve("p.pkgr"))))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertEquals(0, e.getLongUserId());
                assertEquals(0, e.getLongGroupId());
                assertEquals("", e.getUserName());
                assertEquals("", e.getGroupName());
                assertEquals(BundleWriter.FIXED_MTIME.toMillis(), e.getModTime().getTime());
                assertEquals(e.getName().equals("files/run.sh") ? 0100755 : 0100644, e.getMode(), e.getName());
                assertTrue(e.getExtraPaxHeaders().isEmpty(), "no PAX headers for " + e.getName());
            }
        }
        assertEquals(List.of("files/conf/prod.yaml", "files/run.sh", "files/src/etl/__init__.py",
                "files/src/etl/deep/a/b/c.txt", "files/src/etl/main.py", "pkgr.json"), names);
    }

    @Test
    void gzipHeaderCarriesNoTimeNoNameAndUnknownOs() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);

        build(root, tmp.resolve("p.pkgr"));

        byte[] header = new byte[10];
        try (InputStream in = Files.newInputStream(tmp.resolve("p.pkgr"))) {
            assertEquals(10, in.read(header));
        }
        assertEquals(0x1f, header[0] & 0xff);
        assertEquals(0x8b, header[1] & 0xff);
        assertEquals(0, header[3], "no FNAME/FCOMMENT/FEXTRA flags");
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(header, 4, 8), "mtime 0");
        assertEquals(255, header[9] & 0xff);
    }

    @Test
    void writtenBundleReadsBackWithDigestsOfEveryFile() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        BundleInfo written = build(root, tmp.resolve("p.pkgr"));

        BundleInfo read = BundleReader.verify(tmp.resolve("p.pkgr"));

        assertEquals(written.sha256(), read.sha256());
        assertEquals(written.manifest(), read.manifest());
        assertEquals(Sha256.ofBytes("print('hi')\n".getBytes(StandardCharsets.UTF_8)),
                read.manifest().files().get("files/src/etl/main.py").sha256());
        assertTrue(read.manifest().files().get("files/run.sh").executable());
    }

    @Test
    void includePatternMatchingNothingFailsBeforeAnythingIsWritten() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        Files.writeString(root.resolve("pkgr.yaml"), YAML.replace("\"run.sh\"", "\"scripts/*.sh\""));
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));

        BundleException e = assertThrows(BundleException.class, () -> BundleSources.select(root, manifest));

        assertEquals("pkgr.yaml: include[2]: 'scripts/*.sh' matches no files", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("p.pkgr")));
    }

    @Test
    void includeMatchingOnlyExcludedFilesSaysSo() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        Files.writeString(root.resolve("pkgr.yaml"), YAML.replace("\"run.sh\"", "\"conf/*.tmp\""));
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));

        BundleException e = assertThrows(BundleException.class, () -> BundleSources.select(root, manifest));

        assertTrue(e.getMessage().startsWith("pkgr.yaml: include[2]: 'conf/*.tmp' matches no files (only excluded ones"),
                e.getMessage());
    }

    @Test
    void symlinkLeavingTheProjectIsRefused() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        Files.writeString(tmp.resolve("secret"), "s3cr3t");
        Files.createSymbolicLink(root.resolve("src/etl/leak.txt"), tmp.resolve("secret"));
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));

        BundleException e = assertThrows(BundleException.class, () -> BundleSources.select(root, manifest));

        assertEquals(BundleException.Code.UNSAFE_LINK, e.code());
        assertTrue(e.getMessage().startsWith("src/etl/leak.txt is a symlink that leaves the project"), e.getMessage());
    }

    @Test
    void symlinkInsideTheProjectIsStoredAsTheFileItPointsTo() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        Files.createSymbolicLink(root.resolve("src/etl/alias.py"), root.resolve("src/etl/main.py"));

        BundleInfo info = build(root, tmp.resolve("p.pkgr"));

        assertEquals(info.manifest().files().get("files/src/etl/main.py").sha256(),
                info.manifest().files().get("files/src/etl/alias.py").sha256());
    }

    @Test
    void failedWriteLeavesNoTargetAndNoTempFile() throws IOException {
        Path root = project(tmp.resolve("p"), false, "rw-r--r--", 0);
        Manifest manifest = Manifest.readYaml(root.resolve("pkgr.yaml"));
        SortedMap<String, Path> payload = new java.util.TreeMap<>(BundleSources.select(root, manifest));
        payload.put("files/vanished.txt", root.resolve("does-not-exist"));
        Path out = tmp.resolve("out");
        Files.createDirectories(out);

        assertThrows(BundleException.class, () -> BundleWriter.write(manifest, payload, out.resolve("x.pkgr")));

        try (var listing = Files.list(out)) {
            assertEquals(List.of(), listing.toList());
        }
    }
}
