package io.pkgr.cli.serve;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.registry.RegistryMain;
import io.pkgr.registry.RegistryServer;
import io.pkgr.registry.ServerConfig;
import io.pkgr.registry.ops.LogSetup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pkgr serve}: the registry, from the same distribution. The options are declared here for
 * help and syntax; {@link RegistryMain#parse} turns them (and the PKGR_* variables) into the config,
 * so the container entry point and this command cannot drift apart.
 */
@Command(name = "serve",
        sortOptions = false,
        header = "Run the registry (native API, PyPI face, health and metrics) on one port.",
        description = {
                "Serves bundles from DATA (filesystem storage). On first start without an htpasswd",
                "file it creates DATA/htpasswd with user 'admin', writes its random password to",
                "DATA/admin-password (mode 0600; only the path is printed), and access rules giving",
                "admin everything. With an htpasswd file but no rules, every user in it may read and",
                "publish (as on pypiserver) until DATA/access.yaml says otherwise. Every option also reads an",
                "environment variable: --max-upload-size ↔ PKGR_MAX_UPLOAD_SIZE; options win.",
                "SIGTERM stops accepting connections and lets in-flight requests finish.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr serve                                  ./data on 0.0.0.0:8080",
                "  pkgr serve --data /srv/pkgr --port 443 --tls-cert cert.pem --tls-key key.pem",
                "  PKGR_PORT=0 pkgr serve --host 127.0.0.1     any free port (printed)",
                "Docs: docs/server.md",
        })
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

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
    @Option(names = "--anonymous-read", description = "Let callers without credentials read every bundle")
    boolean anonymousRead;
    @Option(names = "--max-upload-size", paramLabel = "SIZE", description = "Largest upload, e.g. 500M, 2G (default: 2G)")
    String maxUploadSize;
    @Option(names = "--max-concurrent-uploads", paramLabel = "N", description = "Uploads at once before 503 (default: 16)")
    Integer maxConcurrentUploads;
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain (with --tls-key)")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key")
    Path tlsKey;
    @Option(names = "--tls-self-signed", description = "HTTPS with a generated development certificate (kept in DATA/tls)")
    boolean tlsSelfSigned;
    @Option(names = "--log-format", paramLabel = "text|json", description = "Log line format (default: text)")
    String logFormat;
    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Idle/read/write timeout against slow clients (default: 60)")
    Integer idleTimeout;
    @Option(names = "--min-upload-rate", paramLabel = "SIZE",
            description = "Bytes per second a request body must keep up after its grace period, e.g. 4K (default: 4K; 0 = none)")
    String minUploadRate;
    @Option(names = "--min-upload-rate-grace", paramLabel = "SECONDS",
            description = "Time a request body gets before the minimum rate applies (default: 10)")
    Integer minUploadRateGrace;
    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "Time in-flight requests get on SIGTERM (default: 30)")
    Integer shutdownGrace;
    @Option(names = "--public-metrics", description = "Serve /metrics without credentials")
    boolean publicMetrics;
    @Option(names = "--min-free-space", paramLabel = "SIZE", description = "/readyz fails below this much free storage (default: 100M; 0 = never)")
    String minFreeSpace;

    private final Settings settings;

    public ServeCommand() {
        this(Settings.fromSystem());
    }

    public ServeCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        try {
            String[] args = spec.commandLine().getParseResult().originalArgs().stream()
                    .dropWhile(a -> !a.equals("serve")).skip(1).toArray(String[]::new);
            config = RegistryMain.parse(args, settings.env());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        LogSetup.install(config.logFormat() == ServerConfig.LogFormat.JSON);
        RegistryServer server = new RegistryServer(config, System.err);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.FAILURE, "cannot start the registry: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "pkgr-shutdown"));
        stopped.await();
        return ExitCode.OK;
    }
}
