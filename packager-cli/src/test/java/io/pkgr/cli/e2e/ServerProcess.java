package io.pkgr.cli.e2e;

import io.pkgr.testing.ServerOutput;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** Every line the server has printed so far (stdout and stderr), growing while it runs. */
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
        ServerOutput server = ServerOutput.start(command);
        URI url = URI.create(server.await(LISTENING, Duration.ofSeconds(60)).group(1) + "/");
        String password = null;
        for (String line : server.lines()) { // printed before the listening line, when this start created the admin
            Matcher pw = PASSWORD_FILE.matcher(line);
            if (pw.find()) {
                password = Files.readString(Path.of(pw.group(1))).strip();
            }
        }
        return new ServerProcess(server.process(), url, password, server.lines());
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
