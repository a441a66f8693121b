package io.pkgr.cli;

/** The exit codes pkgr promises to scripts and orchestrators (see docs/cli.md). */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int AUTH = 4;
    public static final int CONFLICT = 5;
    public static final int REGISTRY = 6;
    public static final int INTEGRITY = 7;

    private ExitCode() {
    }
}
