package io.pkgr.cli.admin;

import io.pkgr.cli.Settings;
import io.pkgr.registry.BackendOptions;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.storage.BlobStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which registry a housekeeping command (fsck, gc) works on, possibly while it serves: {@code --data
 * DIR} or {@code --storage URI}, with the {@code --s3-*} settings and {@code --database} of {@link
 * BackendOptions}. Mixed in by each such command, so the options read the same everywhere.
 */
public final class LiveRegistryOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "The data directory of a filesystem registry (default: ./data)")
    Path data;
    @Option(names = "--storage", paramLabel = "URI",
            description = "The registry's storage instead: s3://BUCKET[/PREFIX] or file:///DIR")
    String storage;
    @Mixin
    BackendOptions backend;

    /** The registry's store and catalog of record, opened as a running registry leaves them (no start-up sweep). */
    Opened open(Settings settings) throws IOException {
        DatabaseSettings database = RegistryStores.database(backend, settings.env());
        BlobStore store = RegistryStores.openDataOrStorage(settings, backend, data, storage);
        try {
            return new Opened(store, RegistryStores.records(database, store));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** An opened registry: closing it closes the catalog, then the store. */
    record Opened(BlobStore store, CatalogRecords records) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (BlobStore s = store) {
                records.close();
            }
        }
    }
}
