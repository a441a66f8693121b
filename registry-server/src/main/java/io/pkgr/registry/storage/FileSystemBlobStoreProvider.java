package io.pkgr.registry.storage;

import java.io.IOException;
import java.nio.file.Path;

/** The embedded default backend: files under the data directory. */
public final class FileSystemBlobStoreProvider implements BlobStoreProvider {

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public BlobStore open(Path dataDir) throws IOException {
        return FileSystemBlobStore.open(dataDir);
    }
}
