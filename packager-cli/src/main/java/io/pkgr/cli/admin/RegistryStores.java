package io.pkgr.cli.admin;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.registry.BackendOptions;
import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.CatalogRecordsProvider;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StorageLocation;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Opening the stores and catalogs {@code pkgr admin} works on, with its errors as exit codes. */
final class RegistryStores {

    private RegistryStores() {
    }

    /** The store at {@code location} (a directory, file:///DIR or s3://BUCKET/PREFIX), which must exist. */
    static BlobStore open(BackendOptions backend, String location, Map<String, String> env) {
        StorageLocation where;
        try {
            where = backend.location(location, env);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        try {
            return BlobStoreProvider.openStore(where);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.REGISTRY, "cannot open the storage " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * The existing store at {@code location} for a tool that works beside a running registry (fsck,
     * gc): a filesystem store is opened without its start-up sweep, which would remove the temp
     * files of the registry's uploads in progress.
     */
    static BlobStore openLive(BackendOptions backend, String location, Map<String, String> env) {
        if (location.regionMatches(true, 0, "file://", 0, 7)) {
            java.nio.file.Path dir;
            try {
                dir = java.nio.file.Path.of(java.net.URI.create(location));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--storage '" + location + "': give file:///ABSOLUTE/DIR");
            }
            try {
                return io.pkgr.registry.storage.FileSystemBlobStoreProvider.openExisting(dir);
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "--storage " + location + ": no such directory");
            }
        }
        return open(backend, location, env);
    }

    /** The store of {@code --data DIR} (default ./data, which must exist) or {@code --storage URI}, not both. */
    static BlobStore openDataOrStorage(io.pkgr.cli.Settings settings, BackendOptions backend, java.nio.file.Path data,
            String storage) {
        if (data != null && storage != null) {
            throw new CliException(ExitCode.USAGE, "give --data or --storage, not both");
        }
        if (storage != null) {
            return openLive(backend, resolve(settings, storage), settings.env());
        }
        java.nio.file.Path dir = data != null ? data : settings.workingDir().resolve("data");
        try {
            return io.pkgr.registry.storage.FileSystemBlobStoreProvider.openExisting(settings.workingDir().resolve(dir));
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "--data " + dir + ": no such directory");
        }
    }

    /** A location as given, with a bare directory resolved against the working directory. */
    static String resolve(io.pkgr.cli.Settings settings, String location) {
        return location.contains("://") ? location : settings.workingDir().resolve(location).toString();
    }

    /** The database's settings, or null without {@code --database}. */
    static DatabaseSettings database(BackendOptions backend, Map<String, String> env) {
        try {
            return backend.database(env, Duration.ofSeconds(30), Duration.ZERO); // a command fails at once
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    /** The catalog of record in the database (migrated to the current schema), or the record files in {@code store}. */
    static CatalogRecords records(DatabaseSettings database, BlobStore store) {
        if (database == null) {
            return new StoreCatalogRecords(store);
        }
        try {
            return CatalogRecordsProvider.forUrl(database.url()).open(database, store, CatalogMetrics.NONE);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.REGISTRY, "cannot open the database " + database.redactedUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Every record: the record files themselves (read only) without a database, else the database's. */
    static CatalogRecords.Snapshot snapshot(CatalogRecords records) throws IOException {
        return records instanceof StoreCatalogRecords files ? files.readRecordFiles() : records.load();
    }
}
