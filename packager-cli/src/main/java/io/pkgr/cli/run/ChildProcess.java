package io.pkgr.cli.run;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs the entrypoint as the leader of its own process group (via {@code setsid}), with the
 * terminal's stdin/stdout/stderr, forwards SIGTERM, SIGINT and SIGHUP to the whole group, and
 * stops the group on timeout (SIGTERM, then SIGKILL after a grace period), like coreutils timeout.
 */
final class ChildProcess {

    /** The exit code coreutils {@code timeout} uses, which Airflow and shell scripts already know. */
    static final int TIMED_OUT = 124;
    private static final String[] FORWARDED = {"TERM", "INT", "HUP"};
    private static final Path[] SETSID = {Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")};

    /** How long pkgr waits for SIGKILLed group members to be gone (zombies of a non-reaping init may stay). */
    private static final Duration KILL_SETTLE = Duration.ofSeconds(5);

    private ChildProcess() {
    }

    /** Runs to completion and returns the child's exit code (128+N when a signal N ended it) or 124 on timeout. */
    static int run(Launch launch, Path cwd, Duration timeout, Duration killAfter, String what, PrintWriter err) {
        List<String> cmd = new ArrayList<>();
        Path setsid = setsid();
        if (setsid != null) {
            cmd.add(setsid.toString());
        }
        cmd.addAll(launch.command());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).inheritIO();
        pb.environment().clear();
        pb.environment().putAll(launch.env());
        // the watchdog first: its shell starts while the entrypoint does, and is reading by the time
        // the entrypoint ends (pkgr's exit waits for it to end too); it learns the group once there is one
        Watchdog watchdog = setsid != null ? Watchdog.start(setsid) : null;
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (watchdog != null) {
                watchdog.release();
            }
            throw new CliException(127, "cannot start " + launch.command().get(0) + ": " + e.getMessage());
        }
        // setsid execs in place (a JVM child is never a group leader), so the group id is the pid.
        long group = setsid != null ? p.pid() : -1;
        List<Signal> installed = new ArrayList<>();
        List<SignalHandler> previous = new ArrayList<>();
        for (String name : FORWARDED) {
            try {
                Signal signal = new Signal(name);
                previous.add(Signal.handle(signal, s -> signal(p, group, s.getName())));
                installed.add(signal);
            } catch (IllegalArgumentException ignored) {
                // not supported here (or -Xrs): the child still gets its group's signals from a terminal
            }
        }
        if (watchdog != null && !watchdog.guard(group)) {
            watchdog = null;
        }
        try {
            if (timeout == null) {
                return p.waitFor();
            }
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
            err.println("pkgr: " + what + " timed out after " + Durations.format(timeout) + "; sent SIGTERM to its process group"
                    + " (SIGKILL after " + Durations.format(killAfter) + ")");
            err.flush();
            signal(p, group, "TERM");
            long deadline = System.nanoTime() + killAfter.toNanos();
            // the leader may go at once while a member of its group ignores SIGTERM (or has not
            // yet died of it): the grace period covers the whole group, then SIGKILL takes the rest
            if (!p.waitFor(killAfter.toMillis(), TimeUnit.MILLISECONDS) || !groupEnds(group, deadline)) {
                signal(p, group, "KILL");
                p.waitFor();
                // SIGKILL is delivered asynchronously: the group is gone when pkgr exits, not a moment later
                groupEnds(group, System.nanoTime() + KILL_SETTLE.toNanos());
            }
            return TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal(p, group, "KILL");
            throw new CliException(ExitCode.FAILURE, "interrupted while waiting for " + what);
        } finally {
            if (watchdog != null) {
                watchdog.release();
            }
            for (int i = 0; i < installed.size(); i++) {
                Signal.handle(installed.get(i), previous.get(i));
            }
        }
    }

    /**
     * Ends the entrypoint's whole process group when pkgr dies without ending it (SIGKILL, an OOM
     * kill, a crash), so that no task keeps running, holding a GPU or writing output, after the
     * orchestrator believes it stopped. Java cannot ask the kernel for a parent-death signal
     * ({@code prctl(PR_SET_PDEATHSIG)}), and that would reach the direct child only, not its
     * children. So a small shell in a session of its own holds the read end of a pipe whose write
     * end only pkgr holds: when pkgr is gone the kernel closes it, {@code read} sees end-of-file, and
     * the shell SIGKILLs the group. When the entrypoint has ended normally pkgr writes {@code done}
     * first, and the shell leaves the group alone (what the entrypoint left behind stays, as before).
     * It ignores SIGINT, SIGTERM and SIGHUP: a terminal's Ctrl-C reaches pkgr's group, not a
     * watchdog that must outlive pkgr. The cost is one {@code sh} started beside the entrypoint:
     * it is started just before it, and its first line is the group to guard (none: it exits).
     */
    static final class Watchdog {

        /** The first line is the group id; dash's kill takes no {@code --}, and {@code -N} after the signal is a group. */
        static final String SCRIPT = "trap '' INT TERM HUP; read -r group || exit 0; case \"$group\" in ''|*[!0-9]*) exit 0;; esac;"
                + " read -r word; [ \"$word\" = done ] || kill -KILL -\"$group\"";

        private final Process shell;

        private Watchdog(Process shell) {
            this.shell = shell;
        }

        /** Starts a watchdog, or returns null when no shell can be started (the run goes on unguarded). */
        static Watchdog start(Path setsid) {
            ProcessBuilder pb = new ProcessBuilder(setsid.toString(), "/bin/sh", "-c", SCRIPT, "pkgr-watchdog")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().keySet().removeIf(Settings::isSecret);
            try {
                return new Watchdog(pb.start());
            } catch (IOException e) {
                return null;
            }
        }

        /** Tells the watchdog the group to guard; false when it is gone (the run goes on unguarded). */
        boolean guard(long group) {
            try {
                var in = shell.getOutputStream();
                in.write((group + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                in.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** The entrypoint has ended (or pkgr has stopped its group), or never started: the watchdog exits without a signal. */
        void release() {
            try (var in = shell.getOutputStream()) {
                in.write("done\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the watchdog is gone already: nothing to release
            }
        }
    }

    /** Whether every process of {@code group} is gone by {@code deadline} (true when there is no group). */
    private static boolean groupEnds(long group, long deadline) throws InterruptedException {
        if (group <= 0) {
            return true;
        }
        while (groupAlive(group)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** {@code kill -0 -- -GROUP} succeeds while any process of the group exists. */
    private static boolean groupAlive(long group) throws InterruptedException {
        try {
            ProcessBuilder pb = new ProcessBuilder("kill", "-0", "--", "-" + group)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().keySet().removeIf(Settings::isSecret);
            Process probe = pb.start();
            return probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a signal to the child's process group (or just the child when there is no group). */
    private static void signal(Process p, long group, String name) {
        String target = group > 0 ? "-" + group : String.valueOf(p.pid());
        try {
            ProcessBuilder pb = new ProcessBuilder("kill", "-" + name, "--", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().keySet().removeIf(Settings::isSecret);
            Process kill = pb.start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            if (name.equals("KILL")) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path setsid() {
        for (Path p : SETSID) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
