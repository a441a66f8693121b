package io.pkgr.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes a bundle reproducibly: the same manifest and file contents give the same bytes, whatever
 * the files' mtimes, owners, permissions (beyond the executable bit) or creation order.
 *
 * <p>Entries are sorted, owned by 0/0 with empty owner names, stamped with one fixed mtime and
 * mode 0644 or 0755; the gzip header carries no name, mtime 0 and OS "unknown". Each file is
 * read once: it is hashed on its way into the archive, and {@code pkgr.json} with the digests is
 * written last.
 */
public final class BundleWriter {

    /** 1980-01-01T00:00:00Z, the earliest time zip-based tools (wheels) accept. */
    public static final FileTime FIXED_MTIME = FileTime.fromMillis(315_532_800_000L);
    private static final int BUFFER = 256 * 1024;

    private BundleWriter() {
    }

    /**
     * Writes {@code payload} (archive path under files/ or deps/ → source file) and the manifest
     * to {@code target}, atomically: the file appears complete or not at all.
     */
    public static BundleInfo write(Manifest manifest, SortedMap<String, Path> payload, Path target) {
        try {
            return AtomicFiles.write(target, "rw-r--r--", tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    return write(manifest, payload, out);
                }
            });
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Streams the bundle to {@code out} (not closed) and returns what was written. */
    public static BundleInfo write(Manifest manifest, SortedMap<String, Path> payload, OutputStream out)
            throws IOException {
        java.util.List<Item> items = new java.util.ArrayList<>();
        for (var e : payload.entrySet()) {
            BundlePaths.checkPayloadPath(e.getKey());
            Path source = e.getValue();
            long size = Files.size(source);
            items.add(new Item(e.getKey(), size, isExecutable(source), () -> Files.newInputStream(source), source));
        }
        return writeGzip(manifest, items, out);
    }

    /**
     * Writes the bundle whose complete manifest is {@code complete} from its payload, which
     * {@code source} hands over one file at a time in the manifest's (sorted) order: the same
     * bytes {@link #write} gave for the same content, because it is the same code. Every payload
     * file is checked against the manifest's size and sha256 as it streams; a mismatch throws
     * {@link BundleException.Code#DIGEST_MISMATCH} naming the file (the output is then useless).
     * This is how a registry re-assembles a bundle from blobs it stores one by one.
     */
    public static BundleInfo assemble(Manifest complete, PayloadSource source, OutputStream out) throws IOException {
        java.util.List<Item> items = new java.util.ArrayList<>();
        for (var e : complete.files().entrySet()) {
            BundlePaths.checkPayloadPath(e.getKey());
            FileEntry f = e.getValue();
            items.add(new Item(e.getKey(), f.size(), f.executable(), () -> source.open(e.getKey(), f), null));
        }
        BundleInfo info = writeGzip(complete, items, out);
        for (var e : complete.files().entrySet()) {
            FileEntry written = info.manifest().files().get(e.getKey());
            if (!written.sha256().equals(e.getValue().sha256())) {
                throw new BundleException(BundleException.Code.DIGEST_MISMATCH, e.getKey() + " has " + written.sha256()
                        + ", the manifest says " + e.getValue().sha256());
            }
        }
        return info;
    }

    /**
     * Writes the uncompressed tar of the manifest's {@code files/} entries only, with the same
     * headers the bundle has (the project's files as one reproducible layer; see
     * {@link BundleLayers}). Returns its sha256 and size.
     */
    static FileEntry writeTar(Manifest complete, java.util.function.Predicate<String> paths, PayloadSource source,
            OutputStream out) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(nonClosing(out), digest));
        try (TarArchiveOutputStream tar = newTar(new BufferedOutputStream(counted, BUFFER))) {
            byte[] buf = new byte[BUFFER];
            for (var e : complete.files().entrySet()) {
                if (!paths.test(e.getKey())) {
                    continue;
                }
                FileEntry f = e.getValue();
                tar.putArchiveEntry(entry(e.getKey(), f.size(), f.executable()));
                MessageDigest md = Sha256.newDigest();
                long copied = 0;
                try (InputStream in = source.open(e.getKey(), f)) {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        md.update(buf, 0, n);
                        tar.write(buf, 0, n);
                        copied += n;
                    }
                }
                if (copied != f.size() || !Sha256.of(md.digest()).equals(f.sha256())) {
                    throw new BundleException(BundleException.Code.DIGEST_MISMATCH, e.getKey()
                            + " does not match the manifest's size and sha256");
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return new FileEntry(Sha256.of(digest.digest()), counted.count, false);
    }

    /** The payload of a bundle being assembled: the content of one manifest entry, opened when its turn comes. */
    @FunctionalInterface
    public interface PayloadSource {
        InputStream open(String path, FileEntry entry) throws IOException;
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private record Item(String name, long size, boolean executable, Opener opener, Path source) {
    }

    static TarArchiveOutputStream newTar(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    private static BundleInfo writeGzip(Manifest manifest, java.util.List<Item> payload, OutputStream out)
            throws IOException {
        MessageDigest archiveDigest = Sha256.newDigest();
        CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(nonClosing(out), archiveDigest));
        GzipParameters gzip = new GzipParameters();
        gzip.setCompressionLevel(Deflater.DEFAULT_COMPRESSION);
        gzip.setModificationTime(0);
        gzip.setOperatingSystem(255);
        gzip.setBufferSize(BUFFER);
        TreeMap<String, FileEntry> files = new TreeMap<>();
        long expanded = 0;
        try (TarArchiveOutputStream tar = newTar(
                new BufferedOutputStream(new GzipCompressorOutputStream(new BufferedOutputStream(counted, BUFFER), gzip), BUFFER))) {
            byte[] buf = new byte[BUFFER];
            for (Item item : payload) {
                String name = item.name();
                long size = item.size();
                boolean executable = item.executable();
                tar.putArchiveEntry(entry(name, size, executable));
                MessageDigest md = Sha256.newDigest();
                long copied = 0;
                try (InputStream in = item.opener().open()) {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        if (copied + n > size) {
                            throw changed(item, size);
                        }
                        md.update(buf, 0, n);
                        tar.write(buf, 0, n);
                        copied += n;
                    }
                }
                if (copied != size) {
                    throw changed(item, size);
                }
                tar.closeArchiveEntry();
                files.put(name, new FileEntry(Sha256.of(md.digest()), size, executable));
                expanded += size;
            }
            Manifest complete = manifest.withFiles(files);
            byte[] json = complete.toCanonicalJson();
            tar.putArchiveEntry(entry(Manifest.JSON_FILE, json.length, false));
            tar.write(json);
            tar.closeArchiveEntry();
            tar.finish();
            tar.close();
            return new BundleInfo(complete, Sha256.of(archiveDigest.digest()), counted.count, files.size() + 1,
                    expanded + json.length);
        }
    }

    private static BundleException changed(Item item, long size) {
        if (item.source() != null) {
            return changed(item.source());
        }
        return new BundleException(BundleException.Code.DIGEST_MISMATCH, item.name() + " is not " + size
                + " bytes long as the manifest says");
    }

    static TarArchiveEntry entry(String name, long size, boolean executable) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(size);
        entry.setMode(executable ? 0100755 : 0100644);
        entry.setModTime(FIXED_MTIME);
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    private static BundleException changed(Path source) {
        return new BundleException(BundleException.Code.SOURCE_CHANGED,
                source + " changed while the bundle was being written; build again");
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static boolean isExecutable(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }
}
