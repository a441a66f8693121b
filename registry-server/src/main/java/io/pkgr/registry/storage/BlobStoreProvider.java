package io.pkgr.registry.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Creates a {@link BlobStore} for a storage scheme; registered in {@code META-INF/services}. */
public interface BlobStoreProvider {

    /** The scheme this provider serves, e.g. {@code file}. */
    String scheme();

    /**
     * Opens the store at {@code location} (whose {@link StorageLocation#scheme()} is this provider's);
     * {@link IllegalArgumentException} when the location or its settings are wrong for this backend.
     */
    BlobStore open(StorageLocation location) throws IOException;

    /** Opens the store {@code location} names, with the provider for its scheme. */
    static BlobStore openStore(StorageLocation location) throws IOException {
        return forScheme(location.scheme()).open(location);
    }

    /** Finds the provider for {@code scheme} on the class path. */
    static BlobStoreProvider forScheme(String scheme) {
        List<String> known = new ArrayList<>();
        for (BlobStoreProvider provider : ServiceLoader.load(BlobStoreProvider.class)) {
            if (provider.scheme().equals(scheme)) {
                return provider;
            }
            known.add(provider.scheme());
        }
        throw new IllegalArgumentException("no storage backend for scheme '" + scheme + "' (this installation has: "
                + String.join(", ", known) + ")");
    }
}
