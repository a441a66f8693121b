package io.pkgr.registry.admin;

import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A store that passes every call on, for tests that step in at one moment (a race) and change nothing else. */
abstract class ForwardingStore implements BlobStore {

    private final BlobStore store;

    ForwardingStore(BlobStore store) {
        this.store = store;
    }

    @Override
    public Optional<BlobStat> stat(RepoPath path) throws IOException {
        return store.stat(path);
    }

    @Override
    public Blob get(RepoPath path, ByteRange range) throws IOException {
        return store.get(path, range);
    }

    @Override
    public void replace(RepoPath path, byte[] content) throws IOException {
        store.replace(path, content);
    }

    @Override
    public List<RepoPath> list(RepoPath prefix) throws IOException {
        return store.list(prefix);
    }

    @Override
    public List<BlobStat> listStats(RepoPath prefix) throws IOException {
        return store.listStats(prefix);
    }

    @Override
    public boolean delete(RepoPath path) throws IOException {
        return store.delete(path);
    }

    @Override
    public void deleteAll(List<RepoPath> paths) throws IOException {
        beforeDelete(paths);
        store.deleteAll(paths);
    }

    /** Called right before a batch delete is passed on; by default nothing. */
    void beforeDelete(List<RepoPath> paths) throws IOException {
    }

    @Override
    public List<RepoPath> deleteAllUnless(List<RepoPath> paths, KeepCheck keep) throws IOException {
        beforeDelete(paths);
        return store.deleteAllUnless(paths, keep);
    }

    @Override
    public int recoverSetAside() throws IOException {
        return store.recoverSetAside();
    }

    @Override
    public StagedBlob stage(InputStream content, long maxBytes) throws IOException {
        return store.stage(content, maxBytes);
    }

    @Override
    public void checkWritable() throws IOException {
        store.checkWritable();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
