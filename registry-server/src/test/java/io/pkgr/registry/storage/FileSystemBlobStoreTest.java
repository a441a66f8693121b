package io.pkgr.registry.storage;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore openStore() throws IOException {
        return BlobStoreProvider.forScheme("file").open(root);
    }
}
