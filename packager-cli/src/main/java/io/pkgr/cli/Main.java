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
        int code = run(args);
        releaseHttpSelectors();
        System.exit(code);
    }

    /**
     * Ends the selector threads of the JDK's HTTP clients once the command is over. Each client
     * keeps one waiting in native code ({@code epoll_wait}) until the client is garbage collected,
     * and HotSpot's exit waits up to 300 ms for threads in native code to stop: every command that
     * had talked to a registry ended 0.3 s after its work. Interrupted, the thread leaves its loop
     * at once. (Java 21 has {@code HttpClient.close}; on 17 the thread is the only handle.) Only
     * at the process's end, never in {@link #run}: tests run many commands in one JVM.
     */
    static void releaseHttpSelectors() {
        Thread[] threads = new Thread[Thread.activeCount() + 16];
        int n = Thread.enumerate(threads);
        for (int i = 0; i < n; i++) {
            String name = threads[i].getName();
            if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager")) {
                threads[i].interrupt();
            }
        }
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
