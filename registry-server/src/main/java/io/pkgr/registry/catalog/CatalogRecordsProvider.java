package io.pkgr.registry.catalog;

import io.pkgr.registry.storage.BlobStore;
import java.io.IOException;
import java.util.ServiceLoader;

/**
 * Opens a {@link CatalogRecords} for a {@code --database} URL; found with {@link ServiceLoader}, so
 * a database driver lives in its own module and the core never links against it.
 */
public interface CatalogRecordsProvider {

    /** True when this provider opens {@code databaseUrl} (e.g. {@code postgresql://…}). */
    boolean accepts(String databaseUrl);

    /** Connects, applies migrations, and returns the catalog of record (blobs stay in {@code store}). */
    CatalogRecords open(DatabaseSettings settings, BlobStore store, CatalogMetrics metrics) throws IOException;

    /** The provider for {@code databaseUrl}, or an explanation of what is missing. */
    static CatalogRecordsProvider forUrl(String databaseUrl) {
        for (CatalogRecordsProvider provider : ServiceLoader.load(CatalogRecordsProvider.class)) {
            if (provider.accepts(databaseUrl)) {
                return provider;
            }
        }
        String scheme = databaseUrl.contains(":") ? databaseUrl.substring(0, databaseUrl.indexOf(':')) : databaseUrl;
        throw new IllegalArgumentException("no catalog database support for '" + scheme + ":' URLs on the class path"
                + " (postgresql:// needs the catalog-postgresql module, part of the release archive)");
    }
}
