package io.pkgr.registry.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** The embedded default backend: files under the data directory. */
public final class FileSystemBlobStoreProvider implements BlobStoreProvider {

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public BlobStore open(StorageLocation location) throws IOException {
        if (location.location().equalsIgnoreCase("file")) {
            return FileSystemBlobStore.open(location.dataDir());
        }
        URI uri = location.uri();
        if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getAuthority() != null) {
            throw new IllegalArgumentException("--storage '" + location.location() + "': give file:///ABSOLUTE/DIR, or"
                    + " leave --storage out for the data directory");
        }
        return FileSystemBlobStore.open(Path.of(uri));
    }

    /**
     * The filesystem store in the existing directory {@code dir}, opened without creating or sweeping
     * anything (a running server's uploads in progress stay); {@link java.nio.file.NoSuchFileException}
     * when there is no such directory.
     */
    public static BlobStore openExisting(Path dir) throws IOException {
        return FileSystemBlobStore.openExisting(dir);
    }
}
