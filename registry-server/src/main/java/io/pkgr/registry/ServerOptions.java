package io.pkgr.registry;

import io.pkgr.registry.http.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The server's options, declared once: {@code pkgr serve} mixes them in and {@link RegistryMain}
 * parses them with its own command line, so the two cannot drift apart. Every option also reads
 * the environment variable {@code PKGR_} + its upper-cased name ({@code --max-upload-size} ↔
 * {@code PKGR_MAX_UPLOAD_SIZE}); an option on the command line wins. A field is null when its
 * option was not given, which is how {@link #toConfig} knows to look at the environment.
 */
public final class ServerOptions {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./data)")
    Path data;
    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: 0.0.0.0)")
    String host;
    @Option(names = "--port", paramLabel = "N", description = "Port (default: 8080; 0 = any free port, printed)")
    Integer port;
    @Option(names = "--htpasswd", paramLabel = "FILE", description = "Users, any Apache htpasswd format (default: DATA/htpasswd)")
    Path htpasswd;
    @Option(names = "--access", paramLabel = "FILE", description = "Access rules YAML (default: DATA/access.yaml); see docs/auth.md")
    Path access;
    @Option(names = "--anonymous-read", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", converter = Switch.class,
            description = "Let callers without credentials read every bundle")
    Boolean anonymousRead;
    @Option(names = "--max-upload-size", paramLabel = "SIZE", converter = Size.class,
            description = "Largest upload, e.g. 500M, 2G (default: 2G)")
    Long maxUploadSize;
    @Option(names = "--max-concurrent-uploads", paramLabel = "N", description = "Uploads at once before 503 (default: 16)")
    Integer maxConcurrentUploads;
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain (with --tls-key)")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key")
    Path tlsKey;
    @Option(names = "--tls-self-signed", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", converter = Switch.class,
            description = "HTTPS with a generated development certificate (kept in DATA/tls)")
    Boolean tlsSelfSigned;
    @Option(names = "--log-format", paramLabel = "text|json", converter = LogFormatConverter.class,
            description = "Log line format (default: text)")
    ServerConfig.LogFormat logFormat;
    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Idle/read/write timeout against slow clients (default: 60)")
    Integer idleTimeout;
    @Option(names = "--min-upload-rate", paramLabel = "SIZE", converter = Size.class,
            description = "Bytes per second a request body must keep up after its grace period, e.g. 4K (default: 4K; 0 = none)")
    Long minUploadRate;
    @Option(names = "--min-upload-rate-grace", paramLabel = "SECONDS",
            description = "Time a request body gets before the minimum rate applies (default: 10)")
    Integer minUploadRateGrace;
    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "Time in-flight requests get on SIGTERM (default: 30)")
    Integer shutdownGrace;
    @Option(names = "--public-metrics", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", converter = Switch.class,
            description = "Serve /metrics without credentials")
    Boolean publicMetrics;
    @Option(names = "--trusted-proxies", paramLabel = "CIDR[,CIDR...]", converter = Proxies.class,
            description = "Load balancers whose X-Forwarded-For names the client, e.g. 10.0.0.0/8 (default: none;"
                    + " the header is then ignored). The failed-login limiter and the access log use that client")
    TrustedProxies trustedProxies;
    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "The audit log: one JSON line per change (default: DATA/audit/audit.log); see docs/server.md")
    Path auditLog;
    @Option(names = "--audit-log-max-size", paramLabel = "SIZE", converter = Size.class,
            description = "Rotate the audit log when it would grow past this (default: 64M)")
    Long auditLogMaxSize;
    @Option(names = "--audit-log-keep", paramLabel = "N", description = "Rotated audit log files kept (default: 20)")
    Integer auditLogKeep;
    @Option(names = "--min-free-space", paramLabel = "SIZE", converter = Size.class,
            description = "/readyz fails below this much free storage (default: 100M; 0 = never)")
    Long minFreeSpace;
    @Option(names = "--maven-snapshot-builds", paramLabel = "N",
            description = "Timestamped builds kept per Maven -SNAPSHOT version, the newest (default: 0 = all)")
    Integer mavenSnapshotBuilds;
    @Option(names = "--storage", paramLabel = "URI",
            description = "Where blobs and records live: s3://BUCKET[/PREFIX] for S3-compatible object storage"
                    + " (default: files in the data directory)")
    String storage;
    @Mixin
    BackendOptions backend = new BackendOptions();
    @Option(names = "--database-check-interval", paramLabel = "SECONDS",
            description = "How often each replica compares its catalog with the database, in case a change"
                    + " notification was missed (default: 30)")
    Integer databaseCheckInterval;
    @Option(names = "--database-start-wait", paramLabel = "SECONDS",
            description = "How long start-up waits for a catalog database that cannot be reached yet, trying every"
                    + " second (a database starting beside the registry); a refused password fails at once (default: 60)")
    Integer databaseStartWait;
    @Option(names = "--s3-redirect", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", converter = Switch.class,
            description = "Answer blob downloads with 307 to a pre-signed S3 URL, after the access check, so the bytes"
                    + " bypass the registry")
    Boolean s3Redirect;
    @Option(names = "--s3-redirect-expiry", paramLabel = "SECONDS",
            description = "How long a pre-signed download URL stays valid (default: 300)")
    Integer s3RedirectExpiry;

    /**
     * The config from the parsed options over {@code env} over {@link ServerConfig#defaults()};
     * throws {@link IllegalArgumentException} naming the variable or option at fault.
     */
    public ServerConfig toConfig(Map<String, String> env) {
        Environment e = new Environment(env);
        ServerConfig defaults = ServerConfig.defaults();
        Path cert = or(tlsCert, e.value("tls-cert", Path::of));
        Path key = or(tlsKey, e.value("tls-key", Path::of));
        return ServerConfig.builder()
                .dataDir(or(or(data, e.value("data", Path::of)), defaults.dataDir()))
                .host(or(or(host, e.value("host", Function.identity())), defaults.host()))
                .port(or(or(port, e.value("port", Environment::integer)), defaults.port()))
                .htpasswd(or(htpasswd, e.value("htpasswd", Path::of)))
                .accessFile(or(access, e.value("access", Path::of)))
                .anonymousRead(or(or(anonymousRead, e.value("anonymous-read", Switch::parse)), false))
                .maxUploadBytes(or(or(maxUploadSize, e.value("max-upload-size", Size::parse)), defaults.maxUploadBytes()))
                .maxConcurrentUploads(or(or(maxConcurrentUploads, e.value("max-concurrent-uploads", Environment::integer)),
                        defaults.maxConcurrentUploads()))
                // one PEM file may hold both the chain and the key
                .tls(cert != null ? cert : key, key != null ? key : cert)
                .tlsSelfSigned(or(or(tlsSelfSigned, e.value("tls-self-signed", Switch::parse)), false))
                .logFormat(or(or(logFormat, e.value("log-format", LogFormatConverter::parse)), defaults.logFormat()))
                .idleTimeout(seconds(or(idleTimeout, e.value("idle-timeout", Environment::integer)), defaults.idleTimeout()))
                .shutdownGrace(seconds(or(shutdownGrace, e.value("shutdown-grace", Environment::integer)),
                        defaults.shutdownGrace()))
                .publicMetrics(or(or(publicMetrics, e.value("public-metrics", Switch::parse)), false))
                .trustedProxies(or(trustedProxies, e.value("trusted-proxies", TrustedProxies::parse)))
                .audit(new ServerConfig.AuditSettings(or(auditLog, e.value("audit-log", Path::of)),
                        or(or(auditLogMaxSize, e.value("audit-log-max-size", Size::parse)),
                                ServerConfig.AuditSettings.DEFAULT.maxBytes()),
                        or(or(auditLogKeep, e.value("audit-log-keep", Environment::integer)),
                                ServerConfig.AuditSettings.DEFAULT.keep())))
                .minUploadRate(or(or(minUploadRate, e.value("min-upload-rate", Size::parse)), defaults.minUploadRate()))
                .uploadRateGrace(seconds(or(minUploadRateGrace, e.value("min-upload-rate-grace", Environment::integer)),
                        defaults.uploadRateGrace()))
                .minFreeBytes(or(or(minFreeSpace, e.value("min-free-space", Size::parse)), defaults.minFreeBytes()))
                .mavenSnapshotBuilds(or(or(mavenSnapshotBuilds, e.value("maven-snapshot-builds", Environment::integer)),
                        defaults.mavenSnapshotBuilds()))
                .database(backend.database(env, checkInterval(e), startWait(e)))
                .storage(or(or(storage, e.value("storage", Function.identity())), defaults.storage()))
                .s3Endpoint(backend.s3Endpoint(env))
                .s3Region(backend.s3Region(env))
                .s3PathStyle(backend.s3PathStyle(env))
                .s3RedirectExpiry(or(or(s3Redirect, e.value("s3-redirect", Switch::parse)), false)
                        ? seconds(or(s3RedirectExpiry, e.value("s3-redirect-expiry", Environment::integer)),
                                ServerConfig.DEFAULT_REDIRECT_EXPIRY)
                        : null)
                .build();
    }

    private Duration checkInterval(Environment e) {
        Duration check = seconds(or(databaseCheckInterval, e.value("database-check-interval", Environment::integer)),
                Duration.ofSeconds(30));
        if (check.isNegative() || check.isZero()) {
            throw new IllegalArgumentException("--database-check-interval must be positive");
        }
        return check;
    }

    private Duration startWait(Environment e) {
        Duration wait = seconds(or(databaseStartWait, e.value("database-start-wait", Environment::integer)),
                Duration.ofSeconds(60));
        if (wait.isNegative()) {
            throw new IllegalArgumentException("--database-start-wait must be 0 or more");
        }
        return wait;
    }

    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static Duration seconds(Integer value, Duration fallback) {
        return value != null ? Duration.ofSeconds(value) : fallback;
    }

    /** Every environment variable these options read, e.g. {@code PKGR_MAX_UPLOAD_SIZE}. */
    public static java.util.Set<String> environmentVariables() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        // the database password alone is no option: a command line is visible to every user
        names.add("PKGR_DATABASE_PASSWORD");
        for (picocli.CommandLine.Model.OptionSpec option
                : picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(new ServerOptions()).options()) {
            names.add(variable(option.longestName().substring(2)));
        }
        return names;
    }

    private static String variable(String option) {
        return "PKGR_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The {@code PKGR_*} variables of this process (or a test); other {@code PKGR_*} belong to the CLI. */
    record Environment(Map<String, String> env) {

        <T> T value(String option, Function<String, T> parse) {
            String name = variable(option);
            String value = env.get(name);
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException | TypeConversionException e) {
                throw new IllegalArgumentException(name + " (--" + option + "): " + e.getMessage(), e);
            }
        }

        static Integer integer(String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + value + "' is not a number");
            }
        }
    }

    /** A converter whose parse errors picocli reports as "Invalid value for option '--x': MESSAGE". */
    abstract static class Parsed<T> implements ITypeConverter<T> {
        abstract T read(String value);

        @Override
        public T convert(String value) {
            try {
                return read(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Sizes like {@code 2G}, {@code 500MiB}, {@code 1048576}. */
    static final class Size extends Parsed<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

        @Override
        Long read(String value) {
            return parse(value);
        }

        static long parse(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid size '" + value + "' (e.g. 500M, 2G)");
            }
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("size '" + value + "' is too large");
            }
        }
    }

    /** A switch given alone is on; with a value, {@code true/false}, {@code 1/0}, {@code yes/no}, {@code on/off}. */
    static final class Switch extends Parsed<Boolean> {
        @Override
        Boolean read(String value) {
            return parse(value);
        }

        static Boolean parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off", "" -> false;
                default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
            };
        }
    }

    /** An object store endpoint: {@code http(s)://HOST[:PORT]}. */
    static final class Endpoint extends Parsed<java.net.URI> {
        @Override
        java.net.URI read(String value) {
            return parse(value);
        }

        static java.net.URI parse(String value) {
            try {
                java.net.URI uri = new java.net.URI(value.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("'" + value + "' is not an http(s)://HOST[:PORT] URL");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("'" + value + "' is not a URL: " + e.getReason());
            }
        }
    }

    /** Trusted proxies: {@code 10.0.0.0/8,127.0.0.1,::1}. */
    static final class Proxies extends Parsed<TrustedProxies> {
        @Override
        TrustedProxies read(String value) {
            return TrustedProxies.parse(value);
        }
    }

    static final class LogFormatConverter extends Parsed<ServerConfig.LogFormat> {
        @Override
        ServerConfig.LogFormat read(String value) {
            return parse(value);
        }

        static ServerConfig.LogFormat parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "text" -> ServerConfig.LogFormat.TEXT;
                case "json" -> ServerConfig.LogFormat.JSON;
                default -> throw new IllegalArgumentException("'" + value + "' is not text or json");
            };
        }
    }
}
