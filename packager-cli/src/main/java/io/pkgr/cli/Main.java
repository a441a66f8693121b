package io.pkgr.cli;

import io.pkgr.cli.run.WarmStart;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;

/** Entry point of the {@code pkgr} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs pkgr with these arguments and returns the exit code (tests call this). A plain
     * {@code pkgr run} skips picocli (see {@link WarmStart}): it is what orchestrators call at every
     * task start, and building the whole command tree would cost more than the run's own work.
     */
    public static int run(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what picocli's standard --version prints, without building the command tree to print two lines
            PrintWriter out = writer(System.out, "sun.stdout.encoding");
            for (String line : versionLines()) {
                out.println(line);
            }
            out.flush();
            return ExitCode.OK;
        }
        Settings settings = Settings.fromSystem();
        WarmStart warm = args.length > 0 && args[0].equals("run") ? WarmStart.parse(new CliContext(settings), args) : null;
        if (warm == null) {
            return commandLine(settings, args).execute(args);
        }
        // the writers picocli would give the command: the platform's encoding, flushed on println
        PrintWriter out = writer(System.out, "sun.stdout.encoding");
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        try {
            return warm.execute(out, err);
        } catch (Exception e) {
            return ErrorReport.report(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** What {@code pkgr --version} prints: pkgr's version from the jar manifest, and the Java runtime it runs on. */
    static String[] versionLines() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"pkgr " + (v == null ? "dev" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    private static PrintWriter writer(PrintStream stream, String encodingProperty) {
        String encoding = System.getProperty(encodingProperty);
        Charset charset = encoding != null ? Charset.forName(encoding) : Charset.defaultCharset();
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
    }

    /** The configured command line with every command, the error handler and exit codes wired. */
    public static CommandLine commandLine() {
        return commandLine(Settings.fromSystem());
    }

    /** The command line assembled from these settings, with every command (tests use this). */
    public static CommandLine commandLine(Settings settings) {
        return CommandTree.of(settings);
    }

    /**
     * The command line {@link #run} gives these arguments: when the first one names a command, only that
     * command is built below {@code pkgr} (see {@link CommandTree}); tests use this to run as users do.
     */
    public static CommandLine commandLine(Settings settings, String[] args) {
        return CommandTree.of(settings, args);
    }
}
