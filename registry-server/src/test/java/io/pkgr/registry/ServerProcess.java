package io.pkgr.registry;

import io.pkgr.testing.ServerOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** The server main in a child JVM with the test class path, for crash and signal tests. */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final int port;
    /** Every line the server has printed so far (stdout and stderr), growing while it runs. */
    final List<String> output;

    private ServerProcess(ServerOutput server, int port) {
        this.process = server.process();
        this.port = port;
        this.output = server.lines();
    }

    static ServerProcess start(Path data, String... extraArgs) throws IOException, InterruptedException {
        TestRegistry.writeUsers(data);
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RegistryMain.class.getName(),
                "--data", data.toString(), "--host", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(extraArgs));
        ServerOutput server = ServerOutput.start(new ProcessBuilder(command));
        int port = Integer.parseInt(server.await(LISTENING, Duration.ofSeconds(30)).group(1));
        return new ServerProcess(server, port);
    }

    String uri(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
