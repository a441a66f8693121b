package io.pkgr.cli.install;

import io.pkgr.cli.CliContext;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The options of every command that installs environments ({@code run}, {@code install}). */
public final class EnvironmentOptions {

    @Option(names = "--python", paramLabel = "PATH",
            description = "python: the interpreter for the venv (default: $PKGR_PYTHON, else the newest python3.x that satisfies the bundle)")
    String python;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar or install messages")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Say which environment is used and which Python interpreter builds it")
    boolean verbose;

    /** The options as a command line without picocli gave them (a warm {@code pkgr run}). */
    public static EnvironmentOptions of(String python, boolean quiet, boolean verbose) {
        EnvironmentOptions options = new EnvironmentOptions();
        options.python = python;
        options.quiet = quiet;
        options.verbose = verbose;
        return options;
    }

    /** The environments of the cache, reporting to {@code err} as these options say. */
    public Environments environments(CliContext context, PrintWriter err) {
        return new Environments(context, err, quiet, verbose, python);
    }
}
