package io.pkgr.registry;

import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.http.TrustedProxies;
import io.pkgr.registry.storage.StorageLocation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link RegistryServer} needs to start. {@link ServerOptions} builds it from the
 * command line and environment; code builds it with {@link #builder()} or {@link #defaults()} and
 * a {@code with…} method. Null paths mean "the default under {@code dataDir}".
 *
 * @param dataDir data directory (storage, default htpasswd and access rules)
 * @param host address to bind
 * @param port port to bind; 0 picks a free one (read it back with {@link RegistryServer#port()})
 * @param htpasswd htpasswd file; null for {@code DATA/htpasswd} (created with an admin on first start)
 * @param accessFile access rules YAML; null for {@code DATA/access.yaml} (created admin-only if absent)
 * @param anonymousRead whether callers without credentials may read every bundle
 * @param maxUploadBytes largest accepted upload
 * @param maxConcurrentUploads uploads streaming at once before 503 {@code UPLOADS_BUSY}
 * @param tlsCert PEM certificate chain, with {@code tlsKey}; null for plain HTTP
 * @param tlsKey PEM private key (unencrypted)
 * @param tlsSelfSigned serve HTTPS with a generated development certificate kept in {@code DATA/tls}
 * @param logFormat access and server log format (applied by {@link RegistryMain})
 * @param idleTimeout how long a connection may stay silent (also the read/write timeout against slow clients)
 * @param shutdownGrace how long {@link RegistryServer#stop()} waits for in-flight requests
 * @param publicMetrics serve {@code /metrics} without credentials (otherwise any authenticated user)
 * @param storage where blobs and records live: {@code file} (the data directory) or a backend's URI such as
 *     {@code s3://bucket/prefix}; the backend is found with ServiceLoader by the scheme
 * @param s3Endpoint object store endpoint (null: AWS, by region)
 * @param s3Region object store region (null: the AWS default region chain)
 * @param s3PathStyle path-style bucket addressing (MinIO, Ceph, s3proxy)
 * @param s3RedirectExpiry when non-null, blob downloads answer 307 to a pre-signed URL valid this long
 * @param minUploadRate bytes per second a request body must average once {@code uploadRateGrace} is over;
 *     slower bodies are cut off (0 turns the check off)
 * @param uploadRateGrace how long a request body may take before {@code minUploadRate} applies
 * @param minFreeBytes {@code /readyz} fails while storage has less free space than this (0: never)
 * @param database the catalog database ({@code --database}); null for the catalog as files in storage
 * @param trustedProxies load balancers whose {@code X-Forwarded-For} names the client
 * @param audit where the audit log goes and how it rotates
 * @param mavenSnapshotBuilds timestamped builds kept per Maven snapshot version, the newest; 0 keeps every one
 */
public record ServerConfig(
        Path dataDir,
        String host,
        int port,
        Path htpasswd,
        Path accessFile,
        boolean anonymousRead,
        long maxUploadBytes,
        int maxConcurrentUploads,
        Path tlsCert,
        Path tlsKey,
        boolean tlsSelfSigned,
        LogFormat logFormat,
        Duration idleTimeout,
        Duration shutdownGrace,
        boolean publicMetrics,
        String storage,
        long minUploadRate,
        Duration uploadRateGrace,
        long minFreeBytes,
        DatabaseSettings database,
        URI s3Endpoint,
        String s3Region,
        boolean s3PathStyle,
        Duration s3RedirectExpiry,
        TrustedProxies trustedProxies,
        AuditSettings audit,
        int mavenSnapshotBuilds) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;
    /** A few KiB/s: far below any real client, far above one byte a second. */
    public static final long DEFAULT_MIN_UPLOAD_RATE = 4 * 1024;
    public static final Duration DEFAULT_UPLOAD_RATE_GRACE = Duration.ofSeconds(10);
    /** Below this much free space the registry stops reporting ready, before uploads start to fail. */
    public static final long DEFAULT_MIN_FREE_BYTES = 100L * 1024 * 1024;

    /** How long a pre-signed download URL stays valid by default. */
    public static final Duration DEFAULT_REDIRECT_EXPIRY = Duration.ofMinutes(5);

    /** Log line format. */
    public enum LogFormat { TEXT, JSON }

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(uploadRateGrace, "uploadRateGrace");
        Objects.requireNonNull(audit, "audit");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, not " + port);
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("max upload size must be positive");
        }
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("min free space cannot be negative");
        }
        if (mavenSnapshotBuilds < 0) {
            throw new IllegalArgumentException("the number of Maven snapshot builds kept cannot be negative (0 keeps all)");
        }
        if (maxConcurrentUploads <= 0) {
            throw new IllegalArgumentException("max concurrent uploads must be positive");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsSelfSigned && tlsCert != null) {
            throw new IllegalArgumentException("use either --tls-self-signed or --tls-cert/--tls-key");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        boolean objectStore = storage.regionMatches(true, 0, "s3:", 0, 3);
        if (!objectStore && (s3Endpoint != null || s3Region != null || s3PathStyle || s3RedirectExpiry != null)) {
            throw new IllegalArgumentException("the --s3-* options need --storage s3://BUCKET[/PREFIX]");
        }
        if (s3RedirectExpiry != null && (s3RedirectExpiry.isNegative() || s3RedirectExpiry.isZero()
                || s3RedirectExpiry.compareTo(Duration.ofDays(7)) > 0)) {
            throw new IllegalArgumentException("the redirect expiry must be between 1 second and 7 days");
        }
        if (minUploadRate < 0 || uploadRateGrace.isNegative()) {
            throw new IllegalArgumentException("the minimum upload rate and its grace period cannot be negative");
        }
    }

    /** {@code ./data}, {@code 0.0.0.0:8080}, 2 GiB uploads, plain HTTP, text logs, ready above 100 MiB free. */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("data"), "0.0.0.0", DEFAULT_PORT, null, null, false, DEFAULT_MAX_UPLOAD_BYTES,
                16, null, null, false, LogFormat.TEXT, Duration.ofSeconds(60), Duration.ofSeconds(30), false, "file",
                DEFAULT_MIN_UPLOAD_RATE, DEFAULT_UPLOAD_RATE_GRACE, DEFAULT_MIN_FREE_BYTES, null, null, null, false, null,
                TrustedProxies.NONE, AuditSettings.DEFAULT, 0);
    }

    /**
     * The audit log: one JSON line per change, in {@code file} (null: {@code DATA/audit/audit.log}),
     * rotated when it would grow past {@code maxBytes}, keeping {@code keep} rotated files.
     */
    public record AuditSettings(Path file, long maxBytes, int keep) {
        public static final AuditSettings DEFAULT = new AuditSettings(null, 64L * 1024 * 1024, 20);

        public AuditSettings {
            if (maxBytes < 4096 || keep < 1) {
                throw new IllegalArgumentException("the audit log needs at least 4096 bytes per file and one rotated file");
            }
        }
    }

    /** The audit log file in effect. */
    public Path auditFile() {
        return audit.file() != null ? audit.file() : dataDir.resolve("audit").resolve("audit.log");
    }

    /** Where API tokens are kept when there is no catalog database. */
    public Path tokensFile() {
        return dataDir.resolve("tokens.json");
    }

    /** The htpasswd file in effect. */
    public Path htpasswdFile() {
        return htpasswd != null ? htpasswd : dataDir.resolve("htpasswd");
    }

    /** The access rules file in effect. */
    public Path accessRulesFile() {
        return accessFile != null ? accessFile : dataDir.resolve("access.yaml");
    }

    /** What the storage backend is opened with. */
    public StorageLocation storageLocation() {
        return new StorageLocation(storage, dataDir, s3Endpoint, s3Region, s3PathStyle);
    }

    public ServerConfig withStorage(String value) {
        return toBuilder().storage(value).build();
    }

    public boolean tls() {
        return tlsSelfSigned || tlsCert != null;
    }

    /** A builder holding this config's values, to change some and build again. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    public ServerConfig withDataDir(Path value) {
        return toBuilder().dataDir(value).build();
    }

    public ServerConfig withHost(String value) {
        return toBuilder().host(value).build();
    }

    public ServerConfig withPort(int value) {
        return toBuilder().port(value).build();
    }

    public ServerConfig withHtpasswd(Path value) {
        return toBuilder().htpasswd(value).build();
    }

    public ServerConfig withAccessFile(Path value) {
        return toBuilder().accessFile(value).build();
    }

    public ServerConfig withAnonymousRead(boolean value) {
        return toBuilder().anonymousRead(value).build();
    }

    public ServerConfig withMaxUploadBytes(long value) {
        return toBuilder().maxUploadBytes(value).build();
    }

    public ServerConfig withMaxConcurrentUploads(int value) {
        return toBuilder().maxConcurrentUploads(value).build();
    }

    /** HTTPS with this certificate chain and key (and no self-signed certificate). */
    public ServerConfig withTls(Path cert, Path key) {
        return toBuilder().tls(cert, key).tlsSelfSigned(false).build();
    }

    /** HTTPS with a generated development certificate (and no given one). */
    public ServerConfig withTlsSelfSigned(boolean value) {
        return toBuilder().tls(null, null).tlsSelfSigned(value).build();
    }

    public ServerConfig withLogFormat(LogFormat value) {
        return toBuilder().logFormat(value).build();
    }

    public ServerConfig withIdleTimeout(Duration value) {
        return toBuilder().idleTimeout(value).build();
    }

    public ServerConfig withShutdownGrace(Duration value) {
        return toBuilder().shutdownGrace(value).build();
    }

    public ServerConfig withPublicMetrics(boolean value) {
        return toBuilder().publicMetrics(value).build();
    }

    /** Bodies slower than {@code bytesPerSecond} on average after {@code grace} are cut off; 0 turns it off. */
    public ServerConfig withMinUploadRate(long bytesPerSecond, Duration grace) {
        return toBuilder().minUploadRate(bytesPerSecond).uploadRateGrace(grace).build();
    }

    public ServerConfig withMavenSnapshotBuilds(int value) {
        return toBuilder().mavenSnapshotBuilds(value).build();
    }

    public ServerConfig withMinFreeBytes(long value) {
        return toBuilder().minFreeBytes(value).build();
    }

    public ServerConfig withDatabase(DatabaseSettings value) {
        return toBuilder().database(value).build();
    }

    /** Collects values; {@link #build()} validates them once, through the record's constructor. */
    public static final class Builder {
        private Path dataDir;
        private String host;
        private int port;
        private Path htpasswd;
        private Path accessFile;
        private boolean anonymousRead;
        private long maxUploadBytes;
        private int maxConcurrentUploads;
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private LogFormat logFormat;
        private Duration idleTimeout;
        private Duration shutdownGrace;
        private boolean publicMetrics;
        private String storage;
        private long minUploadRate;
        private Duration uploadRateGrace;
        private long minFreeBytes;
        private DatabaseSettings database;
        private URI s3Endpoint;
        private String s3Region;
        private boolean s3PathStyle;
        private Duration s3RedirectExpiry;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private AuditSettings audit = AuditSettings.DEFAULT;
        private int mavenSnapshotBuilds;

        private Builder(ServerConfig c) {
            dataDir = c.dataDir;
            host = c.host;
            port = c.port;
            htpasswd = c.htpasswd;
            accessFile = c.accessFile;
            anonymousRead = c.anonymousRead;
            maxUploadBytes = c.maxUploadBytes;
            maxConcurrentUploads = c.maxConcurrentUploads;
            tlsCert = c.tlsCert;
            tlsKey = c.tlsKey;
            tlsSelfSigned = c.tlsSelfSigned;
            logFormat = c.logFormat;
            idleTimeout = c.idleTimeout;
            shutdownGrace = c.shutdownGrace;
            publicMetrics = c.publicMetrics;
            storage = c.storage;
            minUploadRate = c.minUploadRate;
            uploadRateGrace = c.uploadRateGrace;
            minFreeBytes = c.minFreeBytes;
            database = c.database;
            s3Endpoint = c.s3Endpoint;
            s3Region = c.s3Region;
            s3PathStyle = c.s3PathStyle;
            s3RedirectExpiry = c.s3RedirectExpiry;
            trustedProxies = c.trustedProxies;
            audit = c.audit;
            mavenSnapshotBuilds = c.mavenSnapshotBuilds;
        }

        /** Timestamped builds kept per Maven snapshot version (the newest); 0 keeps every one. */
        public Builder mavenSnapshotBuilds(int value) {
            mavenSnapshotBuilds = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder htpasswd(Path value) {
            htpasswd = value;
            return this;
        }

        public Builder accessFile(Path value) {
            accessFile = value;
            return this;
        }

        public Builder anonymousRead(boolean value) {
            anonymousRead = value;
            return this;
        }

        public Builder maxUploadBytes(long value) {
            maxUploadBytes = value;
            return this;
        }

        public Builder maxConcurrentUploads(int value) {
            maxConcurrentUploads = value;
            return this;
        }

        /** Certificate chain and key together; both null for no given certificate. */
        public Builder tls(Path cert, Path key) {
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        public Builder tlsSelfSigned(boolean value) {
            tlsSelfSigned = value;
            return this;
        }

        public Builder logFormat(LogFormat value) {
            logFormat = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder shutdownGrace(Duration value) {
            shutdownGrace = value;
            return this;
        }

        public Builder publicMetrics(boolean value) {
            publicMetrics = value;
            return this;
        }

        public Builder storage(String value) {
            storage = value;
            return this;
        }

        public Builder minUploadRate(long value) {
            minUploadRate = value;
            return this;
        }

        public Builder uploadRateGrace(Duration value) {
            uploadRateGrace = value;
            return this;
        }

        public Builder minFreeBytes(long value) {
            minFreeBytes = value;
            return this;
        }

        public Builder database(DatabaseSettings value) {
            database = value;
            return this;
        }

        public Builder s3Endpoint(URI value) {
            s3Endpoint = value;
            return this;
        }

        public Builder s3Region(String value) {
            s3Region = value;
            return this;
        }

        /** Proxies whose X-Forwarded-For names the client (see {@link TrustedProxies}). */
        public Builder audit(AuditSettings value) {
            audit = value == null ? AuditSettings.DEFAULT : value;
            return this;
        }

        public Builder trustedProxies(TrustedProxies value) {
            trustedProxies = value == null ? TrustedProxies.NONE : value;
            return this;
        }

        public Builder s3PathStyle(boolean value) {
            s3PathStyle = value;
            return this;
        }

        /** Blob downloads redirect to pre-signed URLs valid this long; null serves them through the registry. */
        public Builder s3RedirectExpiry(Duration value) {
            s3RedirectExpiry = value;
            return this;
        }

        /** The config; {@link IllegalArgumentException} when the values do not fit together. */
        public ServerConfig build() {
            return new ServerConfig(dataDir, host, port, htpasswd, accessFile, anonymousRead, maxUploadBytes,
                    maxConcurrentUploads, tlsCert, tlsKey, tlsSelfSigned, logFormat, idleTimeout, shutdownGrace,
                    publicMetrics, storage, minUploadRate, uploadRateGrace, minFreeBytes, database, s3Endpoint, s3Region,
                    s3PathStyle, s3RedirectExpiry, trustedProxies, audit, mavenSnapshotBuilds);
        }
    }
}
