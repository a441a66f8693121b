package io.pkgr.cli.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code pkgr serve} process on a free loopback port, with the first-start admin password. */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+)");
    private static final Pattern PASSWORD_FILE = Pattern.compile("created user admin in .*; its password is in (\\S+)");

    final Process process;
    final URI url;
    final String adminPassword;
    /** Every line the server has printed so far (stdout and stderr). */
    final List<String> log;

    private ServerProcess(Process process, URI url, String adminPassword, List<String> log) {
        this.process = process;
        this.url = url;
        this.adminPassword = adminPassword;
        this.log = log;
    }

    static ServerProcess start(Path data, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main", "serve", "--data", data.toString(), "--host", "127.0.0.1", "--port", "0"));
        cmd.addAll(List.of(extra));
        return start(new ProcessBuilder(cmd));
    }

    /** Starts this server command (which must print its {@code listening on} line) and waits until it listens. */
    static ServerProcess start(ProcessBuilder command) throws IOException, InterruptedException {
        Process p = command.redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String[]> ready = new CompletableFuture<>();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while it grows
        Thread pump = new Thread(() -> {
            String password = null;
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                    Matcher pw = PASSWORD_FILE.matcher(line);
                    if (pw.find()) {
                        password = java.nio.file.Files.readString(Path.of(pw.group(1))).strip();
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ready.complete(new String[] {m.group(1), password});
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            ready.completeExceptionally(new IllegalStateException("server exited: " + String.join("\n", lines)));
        }, "server-log");
        pump.setDaemon(true);
        pump.start();
        try {
            String[] r = ready.get(60, TimeUnit.SECONDS);
            return new ServerProcess(p, URI.create(r[0] + "/"), r[1], lines);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("server did not start: " + String.join("\n", lines), e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
