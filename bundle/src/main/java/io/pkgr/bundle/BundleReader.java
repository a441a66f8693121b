package io.pkgr.bundle;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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

    /** Reads (and with {@code into}, extracts) the bundle; hashes the archive unless {@code knownSha256} is given. */
    private BundleInfo read(Path bundle, Path into, Sha256 knownSha256) {
        long archiveSize;
        try {
            archiveSize = Files.size(bundle);
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot read " + bundle + ": " + e.getMessage(), e);
        }
        MessageDigest archiveDigest = knownSha256 == null ? Sha256.newDigest() : null;
        Map<String, FileEntry> actual = new HashMap<>();
        Set<String> parents = new HashSet<>();
        byte[] manifestBytes = null;
        int entries = 0;
        long expanded = 0;
        try (InputStream raw = Files.newInputStream(bundle);
             CountingInputStream compressed = new CountingInputStream(
                     archiveDigest == null ? raw : new DigestInputStream(raw, archiveDigest));
             BufferedInputStream buffered = new BufferedInputStream(compressed, BUFFER);
             GzipCompressorInputStream gz = new GzipCompressorInputStream(buffered, false);
             // one 512-byte block: the reader then stops at the end marker and leaves the padding to be checked
             TarArchiveInputStream tar = new TarArchiveInputStream(gz, 512, 512, "UTF-8")) {
            byte[] buf = new byte[BUFFER];
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new BundleException(BundleException.Code.TOO_MANY_ENTRIES,
                            "bundle has more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                if (entry.isDirectory()) {
                    // pkgr never writes them, and an empty one would be content pkgr.json does not list
                    throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY, "entry '" + Text.printable(name)
                            + "' is a directory; bundles hold regular files only (directories follow from their paths)");
                }
                BundlePaths.checkSafe(name);
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw link(entry);
                }
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY,
                            "entry '" + Text.printable(name) + "' is a device or FIFO; bundles hold regular files only");
                }
                if (!entry.isFile()) {
                    throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY,
                            "entry '" + Text.printable(name) + "' is not a regular file");
                }
                if (actual.containsKey(name) || parents.contains(name)
                        || (name.equals(Manifest.JSON_FILE) && manifestBytes != null)) {
                    throw duplicate(name);
                }
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    if (actual.containsKey(name.substring(0, slash))) {
                        throw duplicate(name);
                    }
                    parents.add(name.substring(0, slash));
                }
                long declared = entry.getSize();
                if (declared > limits.maxExpandedBytes() - expanded) {
                    throw tooLarge();
                }
                if (name.equals(Manifest.JSON_FILE)) {
                    if (declared > limits.maxManifestBytes()) {
                        throw new BundleException(BundleException.Code.TOO_LARGE,
                                "pkgr.json is larger than " + limits.maxManifestBytes() + " bytes");
                    }
                    ByteArrayOutputStream json = new ByteArrayOutputStream((int) declared);
                    expanded += copy(tar, json, null, buf, compressed, expanded);
                    manifestBytes = json.toByteArray();
                    continue;
                }
                BundlePaths.checkPayloadPath(name);
                MessageDigest md = Sha256.newDigest();
                long size;
                if (into != null) {
                    Path file = inside(into, name);
                    Files.createDirectories(file.getParent());
                    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                        size = copy(tar, out, md, buf, compressed, expanded);
                    }
                } else {
                    size = copy(tar, null, md, buf, compressed, expanded);
                }
                expanded += size;
                boolean executable = (entry.getMode() & 0111) != 0;
                if (into != null && executable) {
                    setExecutable(inside(into, name));
                }
                actual.put(name, new FileEntry(Sha256.of(md.digest()), size, executable));
            }
            checkNothingFollows(gz, buffered, buf);
        } catch (BundleException e) {
            throw e;
        } catch (EOFException e) {
            throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE, "bundle is truncated (unexpected end of data)", e);
        } catch (IOException | IllegalArgumentException e) {
            if (into != null && e instanceof IOException && isWriteFailure(e)) {
                throw new BundleException(BundleException.Code.IO, "cannot extract: " + e.getMessage(), e);
            }
            throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE,
                    "bundle is not a valid gzip-compressed tar archive: " + describe(e), e);
        }
        if (manifestBytes == null) {
            throw new BundleException(BundleException.Code.MISSING_MANIFEST, "bundle has no pkgr.json");
        }
        Manifest manifest = Manifest.parseJson(manifestBytes);
        for (var listed : manifest.files().entrySet()) {
            FileEntry found = actual.get(listed.getKey());
            if (found == null) {
                throw new BundleException(BundleException.Code.MISSING_FILE,
                        "pkgr.json lists " + listed.getKey() + " but the bundle does not contain it");
            }
            if (!found.sha256().equals(listed.getValue().sha256()) || found.size() != listed.getValue().size()) {
                throw new BundleException(BundleException.Code.DIGEST_MISMATCH, listed.getKey() + ": content has "
                        + found.sha256() + " (" + found.size() + " bytes), pkgr.json says "
                        + listed.getValue().sha256() + " (" + listed.getValue().size() + " bytes)");
            }
        }
        for (String name : actual.keySet()) {
            if (!manifest.files().containsKey(name)) {
                throw new BundleException(BundleException.Code.UNLISTED_FILE,
                        "bundle contains " + name + " which pkgr.json does not list");
            }
        }
        Sha256 sha256 = archiveDigest == null ? knownSha256 : Sha256.of(archiveDigest.digest());
        return new BundleInfo(manifest, sha256, archiveSize, entries, expanded);
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

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
        return tar.getNextEntry();
    }

    private long copy(InputStream in, OutputStream out, MessageDigest md, byte[] buf, CountingInputStream compressed,
                      long expandedBefore) throws IOException {
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
            long expanded = expandedBefore + total;
            if (expanded > limits.maxExpandedBytes()) {
                throw tooLarge();
            }
            if (expanded > limits.ratioGraceBytes() && expanded / Math.max(1, compressed.count) > limits.maxRatio()) {
                throw new BundleException(BundleException.Code.SUSPICIOUS_COMPRESSION, "bundle expands more than "
                        + limits.maxRatio() + " times its compressed size (an archive bomb?)");
            }
            if (md != null) {
                md.update(buf, 0, n);
            }
            if (out != null) {
                out.write(buf, 0, n);
            }
        }
        return total;
    }

    private BundleException tooLarge() {
        return new BundleException(BundleException.Code.TOO_LARGE,
                "bundle expands to more than " + limits.maxExpandedBytes() + " bytes");
    }

    private static BundleException duplicate(String name) {
        return new BundleException(BundleException.Code.DUPLICATE_ENTRY,
                "entry '" + Text.printable(name) + "' appears more than once or conflicts with another entry");
    }

    private static BundleException link(TarArchiveEntry entry) {
        String kind = entry.isSymbolicLink() ? "symlink" : "hard link";
        String target = entry.getLinkName();
        Path base = Path.of("/bundle").resolve(entry.getName()).getParent();
        Path resolved = entry.isSymbolicLink() ? base.resolve(target).normalize() : Path.of("/bundle").resolve(target).normalize();
        boolean leaves = target.startsWith("/") || target.contains("\\") || !resolved.startsWith("/bundle");
        return new BundleException(BundleException.Code.UNSAFE_LINK, leaves
                ? kind + " '" + Text.printable(entry.getName()) + "' points outside the bundle ('"
                + Text.printable(target) + "')"
                : kind + " '" + Text.printable(entry.getName()) + "' → '" + Text.printable(target)
                + "': bundles hold regular files only, no links");
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

    private static boolean isWriteFailure(Exception e) {
        return e instanceof java.nio.file.FileSystemException;
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read instead of skipping so that every byte passes through the digest
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            int r = read(scratch, 0, scratch.length);
            return Math.max(r, 0);
        }
    }
}
