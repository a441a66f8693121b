package io.pkgr.bundle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A bundle seen as layers: every vendored dependency ({@code deps/…}, a wheel or a jar) is a blob of
 * its own, named by the sha256 the manifest already records, because those are the units versions
 * share; the project's files ({@code files/…}) are one layer, the uncompressed tar of just those
 * entries with the bundle's own headers. The manifest plus these blobs determine the bundle's tar
 * exactly; {@link BundleWriter#assemble} turns them back into the {@code .pkgr} bytes.
 */
public final class BundleLayers {

    private BundleLayers() {
    }

    /** One layer: a payload file stored as its own blob ({@code path} is its manifest path), or the files layer ({@code path} null). */
    public record Layer(String path, Sha256 sha256, long size) {
        public boolean isFilesLayer() {
            return path == null;
        }
    }

    /** True for payload paths stored as blobs of their own (vendored dependencies). */
    public static boolean ownBlob(String path) {
        return path.startsWith(BundlePaths.DEPS);
    }

    /** True for payload paths that travel in the files layer. */
    public static boolean inFilesLayer(String path) {
        return !ownBlob(path);
    }

    /** The payload files stored as blobs of their own, in manifest order. */
    public static List<Layer> blobLayers(Manifest complete) {
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, FileEntry> e : complete.files().entrySet()) {
            if (ownBlob(e.getKey())) {
                layers.add(new Layer(e.getKey(), e.getValue().sha256(), e.getValue().size()));
            }
        }
        return layers;
    }

    /** True when the manifest has files in the files layer. */
    public static boolean hasFilesLayer(Manifest complete) {
        return complete.files().keySet().stream().anyMatch(BundleLayers::inFilesLayer);
    }

    /** Writes the files layer for {@code complete} from {@code source}; returns its sha256 and size. */
    public static FileEntry writeFilesLayer(Manifest complete, BundleWriter.PayloadSource source, OutputStream out)
            throws IOException {
        return BundleWriter.writeTar(complete, BundleLayers::inFilesLayer, source, out);
    }

    /** What {@link #split} hands over: each own-blob payload file as it streams out of the bundle. */
    @FunctionalInterface
    public interface BlobSink {
        void blob(String path, FileEntry entry, InputStream content) throws IOException;
    }

    /**
     * Splits a bundle that {@link BundleReader} has already verified into its layers: each
     * own-blob payload goes to {@code blobs}, the files layer is written to {@code filesLayer}
     * (closed at the end). Returns the files layer's sha256 and size.
     */
    public static FileEntry split(InputStream bundle, Manifest complete, BlobSink blobs, OutputStream filesLayer)
            throws IOException {
        MessageDigest digest = Sha256.newDigest();
        long[] count = {0};
        OutputStream counted = new java.io.FilterOutputStream(filesLayer) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                digest.update(b, off, len);
                count[0] += len;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
        try (bundle;
             GzipCompressorInputStream gz = new GzipCompressorInputStream(new BufferedInputStream(bundle, 256 * 1024), false);
             TarArchiveInputStream in = new TarArchiveInputStream(gz, 512, 512, "UTF-8");
             TarArchiveOutputStream out = BundleWriter.newTar(new java.io.BufferedOutputStream(counted, 256 * 1024))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                FileEntry listed = complete.files().get(name);
                if (listed == null) {
                    continue; // pkgr.json
                }
                if (ownBlob(name)) {
                    blobs.blob(name, listed, new java.io.FilterInputStream(in) {
                        @Override
                        public void close() {
                            // the tar goes on to the next entry
                        }
                    });
                } else {
                    out.putArchiveEntry(BundleWriter.entry(name, listed.size(), listed.executable()));
                    in.transferTo(out);
                    out.closeArchiveEntry();
                }
            }
            out.finish();
        }
        return new FileEntry(Sha256.of(digest.digest()), count[0], false);
    }

    /**
     * A {@link BundleWriter.PayloadSource} for assembly: files-layer paths are read in order from
     * the files layer's tar (each entry must be the next one the manifest lists, with its size),
     * the others come from {@code blobs}.
     */
    public static BundleWriter.PayloadSource source(Manifest complete, InputStream filesLayer,
            BundleWriter.PayloadSource blobs) {
        TarArchiveInputStream tar = filesLayer == null ? null : new TarArchiveInputStream(
                new BufferedInputStream(filesLayer, 256 * 1024), 512, 512, "UTF-8");
        return (path, entry) -> {
            if (ownBlob(path)) {
                return blobs.open(path, entry);
            }
            if (tar == null) {
                throw new BundleException(BundleException.Code.MISSING_FILE, path + " is listed but there is no files layer");
            }
            TarArchiveEntry next = tar.getNextEntry();
            if (next == null || !next.getName().equals(path) || next.getSize() != entry.size()) {
                throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE, "the files layer does not hold " + path
                        + " where the manifest lists it");
            }
            return new java.io.FilterInputStream(tar) {
                @Override
                public void close() {
                    // the tar goes on to the next entry
                }
            };
        };
    }

    /**
     * Unpacks the files layer into {@code dir} (creating {@code files/…}), checking that it holds
     * exactly the manifest's files-layer entries, in order, each with its size and sha256; the
     * manifest's paths were checked when it was parsed and are checked again here.
     */
    public static void extractFilesLayer(Manifest complete, InputStream filesLayer, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(filesLayer, 256 * 1024), 512, 512,
                "UTF-8")) {
            byte[] buf = new byte[256 * 1024];
            Iterator<Map.Entry<String, FileEntry>> expected = complete.files().entrySet().stream()
                    .filter(e -> inFilesLayer(e.getKey())).iterator();
            while (expected.hasNext()) {
                Map.Entry<String, FileEntry> e = expected.next();
                String path = e.getKey();
                BundlePaths.checkPayloadPath(path);
                TarArchiveEntry next = tar.getNextEntry();
                if (next == null || !next.getName().equals(path) || !next.isFile() || next.getSize() != e.getValue().size()) {
                    throw new BundleException(BundleException.Code.CORRUPT_ARCHIVE, "the files layer does not hold " + path
                            + " where the manifest lists it");
                }
                Path file = root.resolve(path).normalize();
                if (!file.startsWith(root)) {
                    throw new BundleException(BundleException.Code.UNSAFE_PATH, path + " leaves the target");
                }
                Files.createDirectories(file.getParent());
                MessageDigest md = Sha256.newDigest();
                long size = 0;
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                    for (int n; (n = tar.read(buf)) != -1; ) {
                        md.update(buf, 0, n);
                        out.write(buf, 0, n);
                        size += n;
                    }
                }
                if (size != e.getValue().size() || !Sha256.of(md.digest()).equals(e.getValue().sha256())) {
                    throw new BundleException(BundleException.Code.DIGEST_MISMATCH, path + " in the files layer does not "
                            + "match the manifest's sha256");
                }
                if (e.getValue().executable()) {
                    try {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system
                    }
                }
            }
            if (tar.getNextEntry() != null) {
                throw new BundleException(BundleException.Code.UNLISTED_FILE, "the files layer holds more than the manifest lists");
            }
        }
    }
}
