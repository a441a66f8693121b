package io.pkgr.registry.ops;

import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.PutResult;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Any backend, with each call's latency and failures counted in {@link RegistryMetrics}
 * ({@code pkgr_storage_operation_duration_seconds}, {@code pkgr_storage_errors_total}) by operation.
 * An absent object and a too-large upload are answers, not storage failures.
 */
public final class MeteredBlobStore implements BlobStore {

    private final BlobStore store;
    private final RegistryMetrics metrics;

    public MeteredBlobStore(BlobStore store, RegistryMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T timed(String operation, Call<T> call) throws IOException {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.run();
            failed = false;
            return result;
        } catch (BlobNotFoundException | BlobTooLargeException | IllegalArgumentException answer) {
            failed = false;
            throw answer;
        } finally {
            metrics.storage(operation, (System.nanoTime() - start) / 1e9, failed);
        }
    }

    @Override
    public Optional<BlobStat> stat(RepoPath path) throws IOException {
        return timed("stat", () -> store.stat(path));
    }

    @Override
    public Blob get(RepoPath path, ByteRange range) throws IOException {
        return timed("get", () -> store.get(path, range));
    }

    @Override
    public PutResult putIfAbsent(RepoPath path, InputStream content) throws IOException {
        return timed("put", () -> store.putIfAbsent(path, content));
    }

    @Override
    public void replace(RepoPath path, byte[] content) throws IOException {
        timed("replace", () -> {
            store.replace(path, content);
            return null;
        });
    }

    @Override
    public List<RepoPath> list(RepoPath prefix) throws IOException {
        return timed("list", () -> store.list(prefix));
    }

    @Override
    public List<BlobStat> listStats(RepoPath prefix) throws IOException {
        return timed("list", () -> store.listStats(prefix));
    }

    @Override
    public boolean delete(RepoPath path) throws IOException {
        return timed("delete", () -> store.delete(path));
    }

    @Override
    public void deleteAll(List<RepoPath> paths) throws IOException {
        timed("delete", () -> {
            store.deleteAll(paths);
            return null;
        });
    }

    /** Timed as one delete, the look-up {@code keep} makes included. */
    @Override
    public List<RepoPath> deleteAllUnless(List<RepoPath> paths, KeepCheck keep) throws IOException {
        return timed("delete", () -> store.deleteAllUnless(paths, keep));
    }

    @Override
    public int recoverSetAside() throws IOException {
        return store.recoverSetAside();
    }

    @Override
    public StagedBlob stage(InputStream content, long maxBytes) throws IOException {
        return new MeteredStaged(timed("stage", () -> store.stage(content, maxBytes)));
    }

    @Override
    public StagedBlob stageSha256(InputStream content, long maxBytes) throws IOException {
        return new MeteredStaged(timed("stage", () -> store.stageSha256(content, maxBytes)));
    }

    @Override
    public void checkWritable() throws IOException {
        timed("check", () -> {
            store.checkWritable();
            return null;
        });
    }

    @Override
    public long usableBytes() throws IOException {
        return store.usableBytes();
    }

    @Override
    public boolean remote() {
        return store.remote();
    }

    @Override
    public boolean caseSensitive() {
        return store.caseSensitive();
    }

    @Override
    public Optional<URI> presignedGet(RepoPath path, String filename, Duration expiry) throws IOException {
        return timed("presign", () -> store.presignedGet(path, filename, expiry));
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    private final class MeteredStaged implements StagedBlob {
        private final StagedBlob staged;

        MeteredStaged(StagedBlob staged) {
            this.staged = staged;
        }

        @Override
        public Digests digests() {
            return staged.digests();
        }

        @Override
        public InputStream open() throws IOException {
            return timed("staged_open", staged::open);
        }

        @Override
        public SeekableByteChannel openChannel() throws IOException {
            return timed("staged_open", staged::openChannel);
        }

        @Override
        public PutResult commitIfAbsent(RepoPath target) throws IOException {
            return timed("commit", () -> staged.commitIfAbsent(target));
        }

        @Override
        public void close() throws IOException {
            timed("discard", () -> {
                staged.close();
                return null;
            });
        }
    }
}
