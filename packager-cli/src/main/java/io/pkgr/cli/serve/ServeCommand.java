package io.pkgr.cli.serve;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Settings;
import io.pkgr.registry.RegistryServer;
import io.pkgr.registry.ServerConfig;
import io.pkgr.registry.ServerOptions;
import io.pkgr.registry.ops.LogSetup;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pkgr serve}: the registry, from the same distribution. Its options are the server's own
 * {@link ServerOptions}, which the container entry point parses too, so the two cannot drift apart.
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

    @Mixin
    HelpOption help;

    @Mixin
    ServerOptions options;

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
            config = options.toConfig(settings.env());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        LogSetup.install(config.logFormat() == ServerConfig.LogFormat.JSON);
        RegistryServer server = new RegistryServer(config, System.err);
        server.stopWithProcess();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.FAILURE, "cannot start the registry: " + e.getMessage(), e);
        }
        server.awaitStop();
        return ExitCode.OK;
    }
}
