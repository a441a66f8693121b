package io.pkgr.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A started server process (stdout and stderr merged) whose every line a daemon thread reads as
 * it comes, until the process ends: tests wait for a line and read what it printed so far at
 * any time, while it runs. The tests' server fixtures (a registry in a child JVM, {@code pkgr
 * serve}, replicas on one database) are this plus their own command line.
 *
 * <pre>
 * ServerOutput out = ServerOutput.start(new ProcessBuilder(command));
 * Matcher listening = out.await(Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)"), Duration.ofSeconds(60));
 * int port = Integer.parseInt(listening.group(1));
 * </pre>
 */
public final class ServerOutput {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>(); // read while it grows
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private record Waiter(Pattern pattern, CompletableFuture<Matcher> found) { }

    private ServerOutput(Process process) {
        this.process = process;
    }

    /** Starts {@code command} with its error stream merged into its output, and reads that output from now on. */
    public static ServerOutput start(ProcessBuilder command) throws IOException {
        ServerOutput output = new ServerOutput(command.redirectErrorStream(true).start());
        Thread pump = new Thread(output::pump, "server-output");
        pump.setDaemon(true);
        pump.start();
        return output;
    }

    public Process process() {
        return process;
    }

    /**
     * Every line printed so far, growing while the process prints: a read-only view whose every
     * iteration or stream is a snapshot, safe while the reader thread appends.
     */
    public List<String> lines() {
        return Collections.unmodifiableList(lines);
    }

    /**
     * The first line, printed so far or from now on, in which {@code pattern} is found. The process
     * is killed when the line does not come within {@code timeout} or the process ends first, and
     * the exception then names every line it printed.
     */
    public Matcher await(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        Waiter waiter = new Waiter(pattern, new CompletableFuture<>());
        waiters.add(waiter);
        for (String line : lines) {
            offer(waiter, line);
        }
        if (ended.isDone()) {
            waiter.found.complete(null);
        }
        try {
            Matcher found = waiter.found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (found == null) { // ended: every line is in, so one more look is the last word
                for (String line : lines) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                throw new IOException("the process ended before printing /" + pattern + "/: " + lines);
            }
            return found;
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("no line /" + pattern + "/ within " + timeout + ": " + lines, e);
        } finally {
            waiters.remove(waiter);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                for (Waiter waiter : waiters) {
                    offer(waiter, line);
                }
            }
        } catch (IOException ignored) {
            // the process ended, or its output was closed
        }
        ended.complete(null);
        for (Waiter waiter : waiters) {
            waiter.found.complete(null);
        }
    }

    private static void offer(Waiter waiter, String line) {
        Matcher m = waiter.pattern.matcher(line);
        if (m.find()) {
            waiter.found.complete(m);
        }
    }
}
