package io.pkgr.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a command: its usage on stdout and exit 0, whatever else is on the line. */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;
}
