package io.pkgr.registry;

import io.pkgr.registry.ops.LogSetup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container entry point: {@code java -cp … io.pkgr.registry.RegistryMain [flags]}. Each flag has
 * an environment variable ({@code --max-upload-size} ↔ {@code PKGR_MAX_UPLOAD_SIZE}); flags win.
 * SIGTERM stops accepting, lets in-flight requests finish within the grace period, then exits.
 */
public final class RegistryMain {

    static final String USAGE = """
            usage: RegistryMain [options]            (each option also reads PKGR_<NAME>, e.g. PKGR_PORT)
              --data DIR               data directory (default ./data)
              --host HOST              address to bind (default 0.0.0.0)
              --port N                 port (default 8080; 0 = any free port)
              --htpasswd FILE          users (default DATA/htpasswd, created with an admin on first start)
              --access FILE            access rules YAML (default DATA/access.yaml)
              --anonymous-read         let callers without credentials read every bundle
              --max-upload-size SIZE   largest upload, e.g. 500M, 2G (default 2G)
              --max-concurrent-uploads N  uploads at once before 503 (default 16)
              --tls-cert FILE          PEM certificate chain (with --tls-key)
              --tls-key FILE           PEM private key
              --tls-self-signed        HTTPS with a generated development certificate (DATA/tls)
              --log-format text|json   log lines (default text)
              --idle-timeout SECONDS   idle/read/write timeout against slow clients (default 60)
              --min-upload-rate SIZE   bytes per second a request body must keep up after the grace period,
                                       e.g. 4K (default 4K; 0 = no minimum)
              --min-upload-rate-grace SECONDS  time a body gets before the minimum rate applies (default 10)
              --shutdown-grace SECONDS time for in-flight requests on SIGTERM (default 30)
              --public-metrics         serve /metrics without credentials
              --min-free-space SIZE    /readyz fails below this much free storage (default 100M; 0 = never)
            """;
    /** Every option name; also the environment variables read ({@code PKGR_} + upper-cased name). */
    public static final java.util.Set<String> OPTIONS = java.util.Set.of("data", "host", "port", "htpasswd", "access",
            "anonymous-read", "max-upload-size", "max-concurrent-uploads", "tls-cert", "tls-key", "tls-self-signed",
            "log-format", "idle-timeout", "shutdown-grace", "public-metrics", "min-upload-rate",
            "min-upload-rate-grace", "min-free-space");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    private RegistryMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerConfig config;
        try {
            config = parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("pkgr registry: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(USAGE);
            return;
        }
        LogSetup.install(config.logFormat() == ServerConfig.LogFormat.JSON);
        RegistryServer server = new RegistryServer(config);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("pkgr registry: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "pkgr-shutdown"));
        exitZeroAfterDrainOnSigterm(server);
        stopped.await();
    }

    /**
     * SIGTERM is how Docker, Kubernetes and systemd ask for a stop; the JVM's own handling exits 143,
     * which they report as a failure. Handling it here drains first, while logging still works,
     * then exits 0 (the shutdown hook's {@code stop()} then returns at once). SIGINT keeps the default.
     */
    @SuppressWarnings("removal")
    private static void exitZeroAfterDrainOnSigterm(RegistryServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                server.stop();
                System.exit(0);
            });
        } catch (IllegalArgumentException | LinkageError e) {
            // no such signal here (or no jdk.unsupported): the shutdown hook still drains
        }
    }

    /** The config from {@code args} over {@code env} over defaults; null when help was asked for. */
    public static ServerConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> flags = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("PKGR_")) {
                String name = e.getKey().substring(5).toLowerCase(Locale.ROOT).replace('_', '-');
                // other PKGR_* variables belong to the CLI (repositories, cache dir, python…)
                if (OPTIONS.contains(name)) {
                    flags.put(name, e.getValue());
                }
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (isSwitch(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            flags.put(name, value);
        }
        ServerConfig config = ServerConfig.defaults();
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            config = apply(config, flag.getKey(), flag.getValue());
        }
        return config;
    }

    private static boolean isSwitch(String name) {
        return name.equals("anonymous-read") || name.equals("tls-self-signed") || name.equals("public-metrics");
    }

    private static ServerConfig apply(ServerConfig c, String name, String value) {
        return switch (name) {
            case "data" -> c.withDataDir(Path.of(value));
            case "host" -> c.withHost(value);
            case "port" -> c.withPort(integer(name, value));
            case "htpasswd" -> c.withHtpasswd(Path.of(value));
            case "access" -> c.withAccessFile(Path.of(value));
            case "anonymous-read" -> c.withAnonymousRead(bool(name, value));
            case "max-upload-size" -> c.withMaxUploadBytes(size(value));
            case "max-concurrent-uploads" -> c.withMaxConcurrentUploads(integer(name, value));
            case "tls-cert" -> new ServerConfig(c.dataDir(), c.host(), c.port(), c.htpasswd(), c.accessFile(),
                    c.anonymousRead(), c.maxUploadBytes(), c.maxConcurrentUploads(), Path.of(value),
                    c.tlsKey() == null ? Path.of(value) : c.tlsKey(), false, c.logFormat(), c.idleTimeout(),
                    c.shutdownGrace(), c.publicMetrics(), c.storage(), c.minUploadRate(), c.uploadRateGrace(), c.minFreeBytes());
            case "tls-key" -> new ServerConfig(c.dataDir(), c.host(), c.port(), c.htpasswd(), c.accessFile(),
                    c.anonymousRead(), c.maxUploadBytes(), c.maxConcurrentUploads(),
                    c.tlsCert() == null ? Path.of(value) : c.tlsCert(), Path.of(value), false, c.logFormat(),
                    c.idleTimeout(), c.shutdownGrace(), c.publicMetrics(), c.storage(), c.minUploadRate(),
                    c.uploadRateGrace(), c.minFreeBytes());
            case "tls-self-signed" -> bool(name, value) ? c.withTlsSelfSigned(true) : c;
            case "log-format" -> c.withLogFormat(switch (value.toLowerCase(Locale.ROOT)) {
                case "text" -> ServerConfig.LogFormat.TEXT;
                case "json" -> ServerConfig.LogFormat.JSON;
                default -> throw new IllegalArgumentException("--log-format is text or json, not '" + value + "'");
            });
            case "idle-timeout" -> c.withIdleTimeout(Duration.ofSeconds(integer(name, value)));
            case "shutdown-grace" -> c.withShutdownGrace(Duration.ofSeconds(integer(name, value)));
            case "public-metrics" -> c.withPublicMetrics(bool(name, value));
            case "min-upload-rate" -> c.withMinUploadRate(size(value), c.uploadRateGrace());
            case "min-upload-rate-grace" -> c.withMinUploadRate(c.minUploadRate(), Duration.ofSeconds(integer(name, value)));
            case "min-free-space" -> c.withMinFreeBytes(size(value));
            default -> throw new IllegalArgumentException("unknown option --" + name);
        };
    }

    /** Parses sizes like {@code 2G}, {@code 500MiB}, {@code 1048576}. */
    static long size(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + value + "' (e.g. 500M, 2G)");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return Math.multiplyExact(n, 1L << shift);
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, not '" + value + "'");
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw new IllegalArgumentException("--" + name + " is true or false, not '" + value + "'");
        };
    }
}
