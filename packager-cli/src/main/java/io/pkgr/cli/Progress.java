package io.pkgr.cli;

import java.io.PrintWriter;
import java.util.function.LongConsumer;

/**
 * A transfer progress bar on stderr, drawn only when stderr is a terminal (scripts and
 * orchestrator logs stay clean) and at most ten times a second.
 */
public final class Progress implements LongConsumer, AutoCloseable {

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean enabled;
    private long lastDraw;
    private long current;

    private Progress(PrintWriter err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = enabled;
    }

    /** A bar for {@code total} bytes, or a no-op when stderr is not a terminal or {@code quiet}. */
    public static Progress start(PrintWriter err, String label, long total, boolean quiet) {
        boolean tty = System.console() != null && System.getenv("PKGR_NO_PROGRESS") == null;
        return new Progress(err, label, total, tty && !quiet);
    }

    @Override
    public void accept(long bytes) {
        current = bytes;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && bytes < total) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = total <= 0 ? 0 : (int) Math.min(width, bytes * width / total);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                + human(bytes) + (total > 0 ? " / " + human(total) : ""));
        err.flush();
    }

    @Override
    public void close() {
        if (enabled && lastDraw != 0) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    public long current() {
        return current;
    }

    /** Bytes for people: 999 B, 1.5 KiB, 12.0 MiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
