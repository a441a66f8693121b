package io.pkgr.registry.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/** Creates a {@link BlobStore} for a storage scheme; registered in {@code META-INF/services}. */
public interface BlobStoreProvider {

    /** The scheme this provider serves, e.g. {@code file}. */
    String scheme();

    /** Opens the store; {@code dataDir} is the server's data directory. */
    BlobStore open(Path dataDir) throws IOException;

    /** Finds the provider for {@code scheme} on the class path. */
    static BlobStoreProvider forScheme(String scheme) {
        for (BlobStoreProvider provider : ServiceLoader.load(BlobStoreProvider.class)) {
            if (provider.scheme().equals(scheme)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("no storage backend for scheme '" + scheme + "'");
    }
}
