package io.pkgr.registry;

import io.pkgr.registry.ops.LogSetup;
import java.io.IOException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The container entry point: {@code java -cp … io.pkgr.registry.RegistryMain [options]}. The
 * options are {@link ServerOptions}, the same that {@code pkgr serve} takes, each with its
 * environment variable ({@code --max-upload-size} ↔ {@code PKGR_MAX_UPLOAD_SIZE}); options win.
 * SIGTERM stops accepting, lets in-flight requests finish within the grace period, then exits.
 */
public final class RegistryMain {

    /** The command line this entry point parses: the server's options and {@code --help}. */
    @Command(name = "RegistryMain", sortOptions = false, usageHelpWidth = 100,
            description = {"Runs the registry. Every option also reads PKGR_<NAME> (e.g. --max-upload-size ↔",
                    "PKGR_MAX_UPLOAD_SIZE); an option on the command line wins."})
    static final class Arguments {
        @Mixin
        ServerOptions options = new ServerOptions();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
        boolean help;
    }

    private RegistryMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerConfig config;
        try {
            config = parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("pkgr registry: " + e.getMessage());
            System.err.print(usage());
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(usage());
            return;
        }
        LogSetup.install(config.logFormat() == ServerConfig.LogFormat.JSON);
        RegistryServer server = new RegistryServer(config);
        server.stopWithProcess();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("pkgr registry: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        server.awaitStop();
    }

    /**
     * The config from {@code args} over {@code env} over defaults; null when help was asked for.
     * Throws {@link IllegalArgumentException} with a message naming the option or variable at fault.
     */
    public static ServerConfig parse(String[] args, Map<String, String> env) {
        Arguments arguments = new Arguments();
        CommandLine commandLine = new CommandLine(arguments);
        try {
            commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (commandLine.isUsageHelpRequested()) {
            return null;
        }
        return arguments.options.toConfig(env);
    }

    /** The help text: every option with its description and default. */
    static String usage() {
        return new CommandLine(new Arguments()).getUsageMessage();
    }
}
