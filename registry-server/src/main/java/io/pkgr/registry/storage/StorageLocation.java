package io.pkgr.registry.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link BlobStoreProvider} opens: the {@code --storage} location ({@code file} or a URI such
 * as {@code s3://bucket/prefix}), the server's data directory, and the settings of object stores.
 *
 * @param location {@code file} (the data directory), {@code file:///DIR}, or a backend's URI
 * @param dataDir the server's data directory
 * @param endpoint object store endpoint URL (null: the provider's default, e.g. AWS by region)
 * @param region object store region (null: the provider's default chain)
 * @param pathStyle address buckets as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}
 */
public record StorageLocation(String location, Path dataDir, URI endpoint, String region, boolean pathStyle) {

    public StorageLocation {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The filesystem store in {@code dataDir}. */
    public static StorageLocation of(Path dataDir) {
        return new StorageLocation("file", dataDir, null, null, false);
    }

    /** The scheme that picks the provider: {@code file} for a bare {@code file}, else the URI's scheme, lower-cased. */
    public String scheme() {
        int colon = location.indexOf(':');
        return (colon < 0 ? location : location.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** The location as a URI; {@link IllegalArgumentException} naming it when it is not one. */
    public URI uri() {
        try {
            return new URI(location);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--storage '" + location + "' is not a URI: " + e.getReason(), e);
        }
    }
}
