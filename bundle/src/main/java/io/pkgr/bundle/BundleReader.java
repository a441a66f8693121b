package io.pkgr.bundle;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a bundle without trusting it. The file must be exactly one gzip member holding one tar
 * archive; every entry must be a regular file with a canonical relative path under {@code files/}
 * or {@code deps/}, plus {@code pkgr.json}; directories, links, devices, FIFOs, duplicates, too
 * many entries, too many expanded bytes, implausible compression ratios and any bytes after the
 * archive are refused, and every payload file must match the digest and size that
 * {@code pkgr.json} records (and nothing unlisted may be present).
 *
 * <p>{@link #extract} writes into a hidden sibling of the target and moves it into place only
 * when everything checked out, so a failed extraction leaves nothing behind.
 */
public final class BundleReader {

    private static final int BUFFER = 256 * 1024;

    private final Limits limits;

    public BundleReader(Limits limits) {
        this.limits = limits;
    }

    /** Checks a bundle file completely with the default limits and returns its manifest and digest. */
    public static BundleInfo verify(Path bundle) {
        return new BundleReader(Limits.DEFAULT).read(bundle, null, null);
    }

    /**
     * Like {@link #verify(Path)} for bytes whose sha256 the caller computed as they arrived (an
     * upload, a download): the archive is not hashed a second time and {@code sha256} is reported.
     */
    public static BundleInfo verify(Path bundle, Sha256 sha256) {
        return new BundleReader(Limits.DEFAULT).read(bundle, null, sha256);
    }

    /**
     * Like {@link #verify(Path, Sha256)} for a bundle read from a stream (a staged upload in any
     * storage backend), which this closes.
     */
    public static BundleInfo verify(InputStream bundle, Sha256 sha256) {
        return new BundleReader(Limits.DEFAULT).read(bundle, null, sha256);
    }

    /** Checks and unpacks a bundle into {@code target}, which must not exist yet. */
    public static BundleInfo extract(Path bundle, Path target) {
        return new BundleReader(Limits.DEFAULT).extractTo(bundle, target, null);
    }

    /** Like {@link #extract(Path, Path)} for bytes already hashed by the caller (see {@link #verify(Path, Sha256)}). */
    public static BundleInfo extract(Path bundle, Path target, Sha256 sha256) {
        return new BundleReader(Limits.DEFAULT).extractTo(bundle, target, sha256);
    }

    /** Checks a bundle file completely with these limits. */
    public BundleInfo check(Path bundle) {
        return read(bundle, null, null);
    }

    /** Checks and unpacks a bundle into {@code target} (which must not exist) with these limits. */
    public BundleInfo extractTo(Path bundle, Path target) {
        return extractTo(bundle, target, null);
    }

    private BundleInfo extractTo(Path bundle, Path target, Sha256 knownSha256) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            throw new BundleException(BundleException.Code.IO, "cannot extract into " + absolute + ": it already exists");
        }
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            BundleInfo info = read(bundle, tmp, knownSha256);
            Files.write(tmp.resolve(Manifest.JSON_FILE), info.manifest().toCanonicalJson(), StandardOpenOption.CREATE_NEW);
            try {
                AtomicFiles.renameIfAbsent(tmp, absolute);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                throw new BundleException(BundleException.Code.IO, "cannot extract into " + absolute + ": it already exists");
            }
            return info;
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot extract into " + absolute + ": " + e, e);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** Reads (and with {@code into}, extracts) the bundle file; hashes it unless {@code knownSha256} is given. */
    private BundleInfo read(Path bundle, Path into, Sha256 knownSha256) {
        InputStream raw;
        try {
            raw = Files.newInputStream(bundle);
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot read " + bundle + ": " + e.getMessage(), e);
        }
        return read(raw, into, knownSha256);
    }

    /**
     * Reads (and with {@code into}, extracts) the bundle from {@code raw}, which it closes: each
     * entry passes the {@link EntryPolicy}, content streams through the {@link ExpansionLimit}, and
     * the {@link ManifestReconciler} holds the files against {@code pkgr.json}.
     */
    private BundleInfo read(InputStream raw, Path into, Sha256 knownSha256) {
        MessageDigest archiveDigest = knownSha256 == null ? Sha256.newDigest() : null;
        EntryPolicy policy = new EntryPolicy(limits);
        Map<String, FileEntry> actual = new HashMap<>();
        byte[] manifestBytes = null;
        long archiveSize;
        long expanded;
        try (raw;
             ExpansionLimit.Counting compressed = new ExpansionLimit.Counting(
                     archiveDigest == null ? raw : new DigestInputStream(raw, archiveDigest));
             BufferedInputStream buffered = new BufferedInputStream(compressed, BUFFER);
             GzipCompressorInputStream gz = new GzipCompressorInputStream(buffered, false);
             // one 512-byte block: the reader then stops at the end marker and leaves the padding to be checked
             TarArchiveInputStream tar = new TarArchiveInputStream(gz, 512, 512, "UTF-8")) {
            ExpansionLimit content = new ExpansionLimit(tar, compressed, limits);
            byte[] buf = new byte[BUFFER];
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                policy.admit(entry, content.expanded());
                if (entry.getName().equals(Manifest.JSON_FILE)) {
                    manifestBytes = content.readAllBytes();
                } else {
                    actual.put(entry.getName(), readPayload(entry, content, into, buf));
                }
            }
            checkNothingFollows(gz, buffered, buf);
            archiveSize = compressed.count();
            expanded = content.expanded();
        } catch (BundleException e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw readFailure(e, into != null);
        }
        if (manifestBytes == null) {
            throw new BundleException(BundleException.Code.MISSING_MANIFEST, "bundle has no pkgr.json");
        }
        Manifest manifest = Manifest.parseJson(manifestBytes);
        ManifestReconciler.reconcile(manifest, actual);
        Sha256 sha256 = archiveDigest == null ? knownSha256 : Sha256.of(archiveDigest.digest());
        return new BundleInfo(manifest, sha256, archiveSize, policy.entries(), expanded);
    }

    /** Hashes one payload file's content (writing it under {@code into} when extracting) and records it. */
    private static FileEntry readPayload(TarArchiveEntry entry, InputStream content, Path into, byte[] buf)
            throws IOException {
        MessageDigest md = Sha256.newDigest();
        boolean executable = (entry.getMode() & 0111) != 0;
        long size;
        if (into == null) {
            size = copy(content, null, md, buf);
        } else {
            Path file = inside(into, entry.getName());
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                size = copy(content, out, md, buf);
            }
            if (executable) {
                setExecutable(file);
            }
        }
        return new FileEntry(Sha256.of(md.digest()), size, executable);
    }

    private static BundleException readFailure(Exception e, boolean extracting) {
        if (e instanceof EOFException) {
            return new BundleException(BundleException.Code.CORRUPT_ARCHIVE, "bundle is truncated (unexpected end of data)", e);
        }
        if (extracting && e instanceof java.nio.file.FileSystemException) {
            return new BundleException(BundleException.Code.IO, "cannot extract: " + e.getMessage(), e);
        }
        return new BundleException(BundleException.Code.CORRUPT_ARCHIVE,
                "bundle is not a valid gzip-compressed tar archive: " + describe(e), e);
    }

    /**
     * After the tar end marker only the zero padding of the last record may follow inside the gzip
     * member, and nothing at all after it: a second member or appended bytes would be content that
     * no check saw, yet part of the sha256 the registry vouches for.
     */
    private static void checkNothingFollows(InputStream gz, InputStream afterGzip, byte[] buf) throws IOException {
        long padding = 0;
        for (int n; (n = gz.read(buf)) != -1; ) {
            padding += n;
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0 || padding > 1 << 20) {
                    throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE,
                            "unexpected data after the end of the tar archive");
                }
            }
        }
        // the gzip reader left the stream just after its member's trailer
        if (afterGzip.read() != -1) {
            throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE, "unexpected bytes after the end of the "
                    + "gzip stream (a second gzip member or appended data); a bundle is exactly one gzip member");
        }
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest md, byte[] buf) throws IOException {
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
            md.update(buf, 0, n);
            if (out != null) {
                out.write(buf, 0, n);
            }
        }
        return total;
    }

    /** Resolves an already validated entry name under the extraction root, as a second line of defence. */
    private static Path inside(Path root, String name) {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new BundleException(BundleException.Code.UNSAFE_PATH, "entry '" + Text.printable(name) + "' leaves the target");
        }
        return p;
    }

    private static void setExecutable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to mark
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
