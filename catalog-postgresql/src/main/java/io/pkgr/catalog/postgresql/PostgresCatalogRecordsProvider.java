package io.pkgr.catalog.postgresql;

import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.CatalogRecordsProvider;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.storage.BlobStore;
import java.io.IOException;

/** {@code postgresql://} catalogs, found by the server through {@link java.util.ServiceLoader}. */
public final class PostgresCatalogRecordsProvider implements CatalogRecordsProvider {

    @Override
    public boolean accepts(String databaseUrl) {
        return PgUrl.accepts(databaseUrl);
    }

    @Override
    public CatalogRecords open(DatabaseSettings settings, BlobStore store, CatalogMetrics metrics) throws IOException {
        return PostgresCatalogRecords.open(PgUrl.parse(settings.url(), settings.password()), settings.fullCheckInterval(),
                settings.startWait(), metrics);
    }
}
