package io.pkgr.registry;

import io.pkgr.registry.ServerOptions.Environment;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.storage.StorageLocation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * How to reach a registry's object store and catalog database: the {@code --s3-*} settings and
 * {@code --database}. Declared once: {@link ServerOptions} mixes it in for the server (beside
 * {@code --storage}), and {@code pkgr admin} mixes it in for the registry it checks or migrates into. Each option also
 * reads {@code PKGR_} + its upper-cased name; the command line wins.
 */
public final class BackendOptions {

    @Option(names = "--database", paramLabel = "URL",
            description = "Keep the catalog in PostgreSQL, shared by every replica: postgresql://USER@HOST:PORT/DB"
                    + " (default: records as files in the data directory). Give the password with"
                    + " --database-password-file or PKGR_DATABASE_PASSWORD rather than in the URL; see docs/scale-out.md")
    String database;
    @Option(names = "--database-password-file", paramLabel = "FILE",
            description = "File holding the database password (a mounted secret); its trailing newline is dropped")
    Path databasePasswordFile;
    @Option(names = "--s3-endpoint", paramLabel = "URL", converter = ServerOptions.Endpoint.class,
            description = "S3 endpoint for MinIO, Ceph, R2, GCS... e.g. http://minio:9000 (default: AWS, by region)")
    URI s3Endpoint;
    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "S3 region (default: AWS_REGION, the profile's, or us-east-1 with --s3-endpoint)")
    String s3Region;
    @Option(names = "--s3-path-style", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            converter = ServerOptions.Switch.class,
            description = "Address the bucket as ENDPOINT/BUCKET/KEY, as MinIO and Ceph want (default: BUCKET.ENDPOINT)")
    Boolean s3PathStyle;

    URI s3Endpoint(Map<String, String> env) {
        return ServerOptions.or(s3Endpoint, new Environment(env).value("s3-endpoint", ServerOptions.Endpoint::parse));
    }

    String s3Region(Map<String, String> env) {
        return ServerOptions.or(s3Region, new Environment(env).value("s3-region", Function.identity()));
    }

    boolean s3PathStyle(Map<String, String> env) {
        return ServerOptions.or(ServerOptions.or(s3PathStyle, new Environment(env).value("s3-path-style",
                ServerOptions.Switch::parse)), false);
    }

    /**
     * The storage at {@code location} (a directory, {@code file:///DIR} or {@code s3://BUCKET/PREFIX}) with
     * these {@code --s3-*} settings; a bare directory is the filesystem store there.
     */
    public StorageLocation location(String location, Map<String, String> env) {
        if (!location.contains("://")) {
            Path dir = Path.of(location);
            return StorageLocation.of(dir);
        }
        Path dataDir = location.startsWith("file://") ? Path.of(URI.create(location)) : Path.of(".");
        return new StorageLocation(location, dataDir, s3Endpoint(env), s3Region(env), s3PathStyle(env));
    }

    /**
     * The database settings, or null without {@code --database}; the password never comes from the
     * command line. Opening it waits up to {@code startWait} for a database that cannot be reached yet.
     */
    public DatabaseSettings database(Map<String, String> env, Duration checkInterval, Duration startWait) {
        Environment e = new Environment(env);
        String url = ServerOptions.or(database, e.value("database", Function.identity()));
        if (url == null || url.isBlank()) {
            return null;
        }
        Path passwordFile = ServerOptions.or(databasePasswordFile, e.value("database-password-file", Path::of));
        String password = env.get("PKGR_DATABASE_PASSWORD");
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException ex) {
                throw new IllegalArgumentException("cannot read the database password file " + passwordFile + ": "
                        + ex.getMessage(), ex);
            }
        }
        return new DatabaseSettings(url.trim(), password, checkInterval, startWait);
    }
}
