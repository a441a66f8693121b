package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test crafts one hostile or broken archive and checks the error and that nothing leaked. */
class BundleReaderTest {

    @TempDir
    Path tmp;
    Path sandbox;
    Path target;

    @BeforeEach
    void setUp() throws IOException {
        // The target sits two levels deep so that "../" escapes would land inside tmp where we can see them.
        sandbox = Files.createDirectories(tmp.resolve("a/b"));
        target = sandbox.resolve("bundle");
    }

    private BundleException rejected(Archives archive, BundleException.Code code, String messagePart) throws IOException {
        Path file = archive.writeTo(tmp.resolve("in.pkgr"));
        return rejected(file, code, messagePart);
    }

    private BundleException rejected(Path file, BundleException.Code code, String messagePart) throws IOException {
        List<Path> before = listing();

        BundleException e = assertThrows(BundleException.class, () -> BundleReader.extract(file, target));

        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertEquals(before, listing(), "nothing created or left behind");
        assertThrows(BundleException.class, () -> BundleReader.verify(file), "verify agrees with extract");
        return e;
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> walk = Files.walk(tmp)) {
            return walk.map(tmp::relativize).sorted().toList();
        }
    }

    @Test
    void extractsAValidBundleWithItsManifest() throws IOException {
        Path file = Archives.create().file("files/a.txt", "A").file("deps/x.whl", "W").manifest()
                .writeTo(tmp.resolve("ok.pkgr"));

        BundleInfo info = BundleReader.extract(file, target);

        assertEquals("A", Files.readString(target.resolve("files/a.txt")));
        assertEquals("W", Files.readString(target.resolve("deps/x.whl")));
        assertTrue(Files.exists(target.resolve("pkgr.json")));
        assertEquals(3, info.entries());
        assertEquals(Sha256.ofFile(file), info.sha256());
    }

    @Test
    void aDigestTheCallerAlreadyComputedIsReportedAndTheArchiveStillChecked() throws IOException {
        Path ok = Archives.create().file("files/a.txt", "A").manifest().writeTo(tmp.resolve("ok.pkgr"));
        Sha256 known = Sha256.ofFile(ok);

        assertEquals(known, BundleReader.verify(ok, known).sha256());
        Path bad = Archives.create().file("files/../x", "A").manifest().writeTo(tmp.resolve("bad.pkgr"));
        assertThrows(BundleException.class, () -> BundleReader.verify(bad, Sha256.ofFile(bad)));
    }

    @Test
    void aBundleReadFromAStreamIsCheckedAsFromItsFile() throws IOException {
        Path ok = Archives.create().file("files/a.txt", "A").file("deps/x.whl", "W").manifest().writeTo(tmp.resolve("ok.pkgr"));
        Path unlisted = Archives.create().file("files/a.txt", "A").manifest().file("files/extra", "E")
                .writeTo(tmp.resolve("unlisted.pkgr"));

        BundleInfo fromStream = BundleReader.verify(Files.newInputStream(ok), Sha256.ofFile(ok));

        assertEquals(BundleReader.verify(ok), fromStream);
        assertEquals(Files.size(ok), fromStream.size());
        BundleException e = assertThrows(BundleException.class,
                () -> BundleReader.verify(Files.newInputStream(unlisted), Sha256.ofFile(unlisted)));
        assertEquals(BundleException.Code.UNLISTED_FILE, e.code());
    }

    @Test
    void dotDotPathIsRefused() throws IOException {
        rejected(Archives.create().file("files/../../../evil.txt", "x").manifest(), BundleException.Code.UNSAFE_PATH,
                "escapes the bundle with '..'");
        assertFalse(Files.exists(tmp.resolve("evil.txt")));
    }

    @Test
    void absolutePathIsRefused() throws IOException {
        rejected(Archives.create().file("/tmp/evil.txt", "x").manifest(), BundleException.Code.UNSAFE_PATH, "absolute path");
    }

    @Test
    void backslashPathIsRefused() throws IOException {
        rejected(Archives.create().file("files\\..\\evil.txt", "x").manifest(), BundleException.Code.UNSAFE_PATH, "backslash");
    }

    @Test
    void entryOutsideFilesAndDepsIsRefused() throws IOException {
        rejected(Archives.create().file("bin/evil", "x").manifest(), BundleException.Code.UNSAFE_PATH, "outside files/ and deps/");
    }

    @Test
    void symlinkLeavingTheTargetIsRefused() throws IOException {
        rejected(Archives.create().symlink("files/link", "../../../../etc/passwd").manifest(), BundleException.Code.UNSAFE_LINK,
                "symlink 'files/link' points outside the bundle");
    }

    @Test
    void absoluteSymlinkIsRefused() throws IOException {
        rejected(Archives.create().symlink("files/link", "/etc").file("files/link/passwd", "x").manifest(),
                BundleException.Code.UNSAFE_LINK, "points outside the bundle ('/etc')");
    }

    @Test
    void hardlinkLeavingTheTargetIsRefused() throws IOException {
        rejected(Archives.create().hardlink("files/h", "../../outside").manifest(), BundleException.Code.UNSAFE_LINK,
                "hard link 'files/h' points outside the bundle");
    }

    @Test
    void linkInsideTheBundleIsRefusedToo() throws IOException {
        rejected(Archives.create().file("files/a", "A").symlink("files/b", "a").manifest(), BundleException.Code.UNSAFE_LINK,
                "bundles hold regular files only, no links");
    }

    @Test
    void characterDeviceIsRefused() throws IOException {
        rejected(Archives.create().entry("files/null", TarConstants.LF_CHR, null).manifest(),
                BundleException.Code.UNSUPPORTED_ENTRY, "device or FIFO");
    }

    @Test
    void fifoIsRefused() throws IOException {
        rejected(Archives.create().entry("files/pipe", TarConstants.LF_FIFO, null).manifest(),
                BundleException.Code.UNSUPPORTED_ENTRY, "device or FIFO");
    }

    @Test
    void duplicateEntryIsRefused() throws IOException {
        rejected(Archives.create().file("files/a", "1").file("files/a", "2").manifest(), BundleException.Code.DUPLICATE_ENTRY,
                "'files/a' appears more than once");
    }

    @Test
    void fileUnderAnotherFileIsRefused() throws IOException {
        rejected(Archives.create().file("files/a", "1").file("files/a/b", "2").manifest(), BundleException.Code.DUPLICATE_ENTRY,
                "conflicts");
    }

    @Test
    void fileAtThePathOfAnEarlierFilesDirectoryIsRefused() throws IOException {
        rejected(Archives.create().file("files/a/b", "2").file("files/a", "1").manifest(),
                BundleException.Code.DUPLICATE_ENTRY, "conflicts");
    }

    @Test
    void directoryEntryIsRefused() throws IOException {
        rejected(Archives.create().entry("files/d/", TarConstants.LF_DIR, null).file("files/d/a", "A").manifest(),
                BundleException.Code.UNSUPPORTED_ENTRY, "'files/d/' is a directory; bundles hold regular files only");
    }

    @Test
    void aSecondGzipMemberAfterTheBundleIsRefused() throws IOException {
        // given: a valid bundle, then a gzip member holding a tar-slip entry (gzip -d would unpack both)
        byte[] valid = Archives.create().file("files/a", "A").manifest().tgz();
        byte[] escape = Archives.create().file("../concat-escaped", "x").tgz();
        Path file = Files.write(tmp.resolve("concatenated.pkgr"), concat(valid, escape));

        // when / then
        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "after the end of the gzip stream");
        assertFalse(Files.exists(sandbox.resolve("concat-escaped")));
    }

    @Test
    void junkAfterTheGzipStreamIsRefused() throws IOException {
        byte[] valid = Archives.create().file("files/a", "A").manifest().tgz();
        Path file = Files.write(tmp.resolve("junk.pkgr"), concat(valid, "junk".getBytes(StandardCharsets.UTF_8)));

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "after the end of the gzip stream");
    }

    @Test
    void dataAfterTheTarEndMarkerInsideTheGzipStreamIsRefused() throws IOException {
        byte[] tar = Archives.create().file("files/a", "A").manifest().tar();
        byte[] hidden = concat(tar, "hidden after the end marker".getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(tmp.resolve("hidden.pkgr"), gzip(hidden));

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "after the end of the tar archive");
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Archives archive = Archives.create();
        for (int i = 0; i < 20; i++) {
            archive.file("files/f" + i, "x");
        }
        Path file = archive.manifest().writeTo(tmp.resolve("many.pkgr"));

        BundleException e = assertThrows(BundleException.class,
                () -> new BundleReader(Limits.DEFAULT.withMaxEntries(10)).extractTo(file, target));

        assertEquals(BundleException.Code.TOO_MANY_ENTRIES, e.code());
        assertFalse(Files.exists(target));
    }

    @Test
    void expandedSizeBeyondTheLimitIsRefused() throws IOException {
        Path file = Archives.create().zeros("files/big", 4 << 20).manifest().writeTo(tmp.resolve("big.pkgr"));

        BundleException e = assertThrows(BundleException.class,
                () -> new BundleReader(Limits.DEFAULT.withMaxExpandedBytes(1 << 20)).extractTo(file, target));

        assertEquals(BundleException.Code.TOO_LARGE, e.code());
        assertFalse(Files.exists(target));
    }

    @Test
    void gzipBombIsStoppedByTheCompressionRatio() throws IOException {
        // 256 MiB of zeros compresses about 1000:1; the default limits stop it after 64 MiB.
        Path file = Archives.create().zeros("files/bomb", 256L << 20).manifest().writeTo(tmp.resolve("bomb.pkgr"));
        assertTrue(Files.size(file) < 1 << 20, "test setup: the bomb is small");

        BundleException e = rejected(file, BundleException.Code.SUSPICIOUS_COMPRESSION, "archive bomb");

        assertTrue(e.getMessage().contains("200 times"));
    }

    @Test
    void truncatedArchiveIsRefused() throws IOException {
        byte[] whole = Archives.create().file("files/a", "x".repeat(100_000)).manifest().tgz();
        Path file = Files.write(tmp.resolve("cut.pkgr"), Arrays.copyOf(whole, whole.length / 2));

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "truncated");
    }

    @Test
    void corruptGzipIsRefused() throws IOException {
        byte[] whole = Archives.create().file("files/a", "some content ".repeat(1000)).manifest().tgz();
        for (int i = 40; i < 60; i++) {
            whole[i] ^= 0x5a;
        }
        Path file = Files.write(tmp.resolve("corrupt.pkgr"), whole);

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "not a valid gzip-compressed tar archive");
    }

    @Test
    void plainTarWithoutGzipIsRefused() throws IOException {
        Path file = Files.write(tmp.resolve("plain.pkgr"), Archives.create().file("files/a", "x").manifest().tar());

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "not a valid gzip-compressed tar archive");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path file = Files.write(tmp.resolve("empty.pkgr"), new byte[0]);

        rejected(file, BundleException.Code.CORRUPT_ARCHIVE, "");
    }

    @Test
    void missingManifestIsRefused() throws IOException {
        rejected(Archives.create().file("files/a", "x"), BundleException.Code.MISSING_MANIFEST, "no pkgr.json");
    }

    @Test
    void invalidManifestIsRefusedWithItsLine() throws IOException {
        rejected(Archives.create().file("pkgr.json", "{\"format\":1,\n\"name\":\"../x\"}"), BundleException.Code.INVALID_MANIFEST,
                "pkgr.json:2: name: invalid bundle name '../x'");
    }

    @Test
    void manifestThatIsNotJsonIsRefused() throws IOException {
        rejected(Archives.create().file("pkgr.json", "name: yaml-here"), BundleException.Code.INVALID_MANIFEST, "pkgr.json:1:");
    }

    @Test
    void payloadWhoseDigestDiffersFromTheManifestIsRefused() throws IOException {
        byte[] json = Archives.create().file("files/a", "original").manifest().tar();
        // Same manifest, other content for files/a.
        Archives tampered = Archives.create().file("files/a", "tampered");
        String manifest = manifestOf(json);
        rejected(tampered.file("pkgr.json", manifest), BundleException.Code.DIGEST_MISMATCH, "files/a: content has sha256:");
    }

    @Test
    void fileNotListedInTheManifestIsRefused() throws IOException {
        Archives archive = Archives.create().file("files/a", "A").manifest().file("files/extra", "E");

        rejected(archive, BundleException.Code.UNLISTED_FILE, "files/extra which pkgr.json does not list");
    }

    @Test
    void fileListedButAbsentIsRefused() throws IOException {
        String manifest = manifestOf(Archives.create().file("files/a", "A").file("files/b", "B").manifest().tar());

        rejected(Archives.create().file("files/a", "A").file("pkgr.json", manifest), BundleException.Code.MISSING_FILE,
                "lists files/b but the bundle does not contain it");
    }

    @Test
    void existingTargetIsNeverOverwritten() throws IOException {
        Path file = Archives.create().file("files/a", "A").manifest().writeTo(tmp.resolve("ok.pkgr"));
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "mine");

        assertThrows(BundleException.class, () -> BundleReader.extract(file, target));

        assertEquals("mine", Files.readString(target.resolve("keep")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String manifestOf(byte[] tar) throws IOException {
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new java.io.ByteArrayInputStream(tar))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals("pkgr.json")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no manifest");
    }
}
