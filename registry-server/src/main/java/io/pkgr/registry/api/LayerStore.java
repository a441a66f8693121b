package io.pkgr.registry.api;

import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleLayers;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.FileEntry;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A version's bytes as layers in the {@link BlobStore}: each {@code deps/} payload file is the blob
 * named by its sha256, the project's files one uncompressed tar blob ({@link BundleLayers}). Splits
 * a verified upload into layers, and re-assembles the {@code .pkgr} file from them with the bundle
 * module's own writer, checking every blob against its digest as it streams.
 */
final class LayerStore {

    /** Assemblies of whole downloads running at once: one per core (see {@link AssembledDownload}). */
    final Semaphore assembling = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private static final System.Logger LOG = System.getLogger(LayerStore.class.getName());

    private final BlobStore store;

    LayerStore(BlobStore store) {
        this.store = store;
    }

    /** A stored blob that does not have the digest it is stored under. */
    static final class CorruptBlobException extends IOException {
        final Sha256 digest;

        CorruptBlobException(Sha256 digest, String detail) {
            super("stored blob " + digest + " " + detail);
            this.digest = digest;
        }
    }

    /**
     * Stores the layers of a verified bundle (blobs already held are not written again) and returns
     * the files layer, or null when the bundle has no files outside {@code deps/}.
     */
    VersionRecord.Blob split(StagedBlob staged, Manifest manifest, long maxBytes, BlobHolds holds) throws IOException {
        boolean hasFiles = BundleLayers.hasFilesLayer(manifest);
        AtomicReference<FileEntry> layer = new AtomicReference<>();
        BundleLayers.BlobSink sink = (path, entry, content) -> storeBlob(entry.sha256(), entry.size(), content, holds);
        if (!hasFiles) {
            BundleLayers.split(staged.open(), manifest, sink, OutputStream.nullOutputStream());
            return null;
        }
        try (StagedBlob files = stagePiped(maxBytes, out -> layer.set(BundleLayers.split(staged.open(), manifest, sink, out)))) {
            Sha256 sha = new Sha256(files.digests().sha256());
            if (!sha.equals(layer.get().sha256())) {
                throw new IOException("files layer changed on its way into storage");
            }
            holds.hold(sha); // an identical files layer may be stored already, unreferenced
            files.commitIfAbsent(StoragePaths.blob(sha));
            return new VersionRecord.Blob(sha, files.digests().size());
        }
    }

    /**
     * Stores {@code content} as the blob {@code sha256} unless it is there; checks the digest either
     * way it writes. A blob found stored is held first and found again, so that garbage collection
     * cannot remove it between this check and the record that will reference it.
     */
    void storeBlob(Sha256 sha256, long size, InputStream content, BlobHolds holds) throws IOException {
        if (store.stat(StoragePaths.blob(sha256)).isPresent()) {
            holds.hold(sha256);
            if (store.stat(StoragePaths.blob(sha256)).isPresent()) {
                return;
            }
        }
        try (StagedBlob staged = store.stageSha256(content, size)) {
            if (!staged.digests().sha256().equals(sha256.hex()) || staged.digests().size() != size) {
                throw new IOException("payload " + sha256 + " changed while it was stored");
            }
            staged.commitIfAbsent(StoragePaths.blob(sha256));
        }
    }

    /**
     * Writes the {@code .pkgr} file of {@code manifest} from its stored layers to {@code out} and
     * returns what was written; a blob that is absent or does not match its digest throws
     * {@link CorruptBlobException} (absent: {@link BlobNotFoundException}).
     */
    BundleInfo assemble(Manifest manifest, VersionRecord.Blob files, OutputStream out) throws IOException {
        InputStream filesLayer = files == null ? null : open(files.sha256(), files.size());
        try {
            return BundleWriter.assemble(manifest, BundleLayers.source(manifest, filesLayer,
                    (path, entry) -> open(entry.sha256(), entry.size())), out);
        } finally {
            if (filesLayer != null) {
                filesLayer.close();
            }
        }
    }

    /**
     * Assembles the bundle and reads the result with the bundle module's safe reader, as an upload
     * is read: what a layered publish stands for is checked exactly like a whole-file publish.
     */
    BundleInfo assembleAndVerify(Manifest manifest, VersionRecord.Blob files) throws IOException {
        Pipe pipe = new Pipe();
        InputStream in = pipe.in;
        OutputStream out = pipe.out;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (out) {
                assemble(manifest, files, out);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "pkgr-assemble");
        writer.setDaemon(true);
        writer.start();
        BundleInfo info = null;
        RuntimeException readFailure = null;
        try (in) {
            info = BundleReader.verify(in, null);
        } catch (RuntimeException e) {
            readFailure = e;
        }
        join(writer);
        rethrow(failure.get());
        if (readFailure != null) {
            throw readFailure;
        }
        return info;
    }

    /** The sha256 of the bundle assembled from the layers, nothing written anywhere. */
    Sha256 assembledSha256(Manifest manifest, VersionRecord.Blob files) throws IOException {
        return assemble(manifest, files, OutputStream.nullOutputStream()).sha256();
    }

    /** Opens a stored blob that checks, as it ends, that it had {@code size} bytes with {@code sha256}. */
    InputStream open(Sha256 sha256, long size) throws IOException {
        InputStream raw = store.get(StoragePaths.blob(sha256), null).open();
        MessageDigest md = Sha256.newDigest();
        return new FilterInputStream(raw) {
            long count;
            boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    md.update(b, off, n);
                    count += n;
                    if (count > size) {
                        throw new CorruptBlobException(sha256, "is longer than " + size + " bytes");
                    }
                } else if (n < 0 && !checked) {
                    checked = true;
                    Sha256 actual = Sha256.of(md.digest());
                    if (count != size || !actual.equals(sha256)) {
                        throw new CorruptBlobException(sha256, "has " + count + " bytes with " + actual);
                    }
                }
                return n;
            }
        };
    }

    /** Removes a blob found corrupt, so that the next upload of its bytes stores them again. */
    void discardCorrupt(Sha256 digest) {
        try {
            store.delete(StoragePaths.blob(digest));
            LOG.log(Level.ERROR, "removed the stored blob {0}: its bytes do not match its digest", digest);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "the stored blob {0} is corrupt and could not be removed: {1}", digest, e.getMessage());
        }
    }

    /** Something that writes a stream. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Stages what {@code writer} writes, streaming (the store reads on this thread, the writer runs on its own). */
    StagedBlob stagePiped(long maxBytes, Writer writer) throws IOException {
        Pipe pipe = new Pipe();
        InputStream in = pipe.in;
        OutputStream out = pipe.out;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try (out) {
                writer.write(out);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "pkgr-layer");
        thread.setDaemon(true);
        thread.start();
        StagedBlob staged = null;
        IOException stageFailure = null;
        try (in) {
            staged = store.stageSha256(in, maxBytes);
        } catch (IOException e) {
            stageFailure = e;
        }
        join(thread);
        try {
            rethrow(failure.get());
            if (stageFailure != null) {
                throw stageFailure;
            }
        } catch (IOException | RuntimeException e) {
            if (staged != null) {
                staged.close();
            }
            throw e;
        }
        return staged;
    }

    private static void join(Thread thread) throws IOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof UncheckedIOException e) {
            throw e.getCause();
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IOException(t);
    }
}
