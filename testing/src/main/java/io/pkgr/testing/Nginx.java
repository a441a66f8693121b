package io.pkgr.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx from the system's packages as a load balancer on a free loopback port, in front of
 * servers on loopback: one process ({@code daemon off}, {@code -p DIR}) whose configuration, pid
 * file, logs and temp directories all live in {@code DIR}. The configuration is the one
 * docs/scale-out.md recommends for pkgr replicas: streaming both ways, no body size limit, and
 * the default {@code proxy_next_upstream error timeout}, so a request whose body nginx has begun
 * to send is never replayed on another replica. {@link #close()} stops it (and its workers), and
 * a shutdown hook does the same if a test never got to it.
 *
 * <pre>
 * try (Nginx lb = Nginx.start(dir, List.of(8081, 8082))) {
 *     URI base = lb.url();                        // http://127.0.0.1:PORT/
 *     List&lt;String&gt; log = lb.accessLog();          // "PUT /api/... 201 127.0.0.1:8081"
 * }
 * </pre>
 */
public final class Nginx implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dir;
    private final int port;
    private final String config;
    private final Thread cleanup = new Thread(this::destroy, "nginx-cleanup");
    private Process process;

    private Nginx(Path dir, int port, String config) {
        this.dir = dir;
        this.port = port;
        this.config = config;
    }

    /** Starts nginx balancing over {@code upstreamPorts} on 127.0.0.1, keeping its files under {@code dir}. */
    public static Nginx start(Path dir, List<Integer> upstreamPorts) throws IOException {
        Path nginx = findNginx();
        Files.createDirectories(dir.resolve("temp"));
        int port = FreePorts.next();
        Nginx lb = new Nginx(dir, port, config(dir, port, upstreamPorts));
        Path conf = Files.writeString(dir.resolve("nginx.conf"), lb.config);
        // -e: nginx opens its error log before it reads the configuration (the packaged default is under /var/log)
        ProcessBuilder builder = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile()));
        Runtime.getRuntime().addShutdownHook(lb.cleanup);
        lb.process = builder.start();
        try {
            lb.awaitListening();
            return lb;
        } catch (IOException | RuntimeException e) {
            lb.close();
            throw e;
        }
    }

    /**
     * The configuration for pkgr replicas behind nginx (docs/scale-out.md shows the same directives).
     * The access log names the replica ({@code $upstream_addr}) each request went to; a request
     * nginx passed on to a second replica lists both, comma-separated.
     */
    static String config(Path dir, int port, List<Integer> upstreamPorts) {
        String servers = upstreamPorts.stream()
                .map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=10s;")
                .collect(Collectors.joining("\n"));
        // a root master switches its workers to nobody, who cannot enter a test's private temp directory
        String user = ROOT ? "user root;\n" : "";
        return user + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log notice;

                events {
                    worker_connections 1024;
                }

                http {
                    log_format upstream '$request_method $request_uri $status $upstream_addr $upstream_status';
                    access_log %1$s/access.log upstream;
                    client_body_temp_path %1$s/temp/client;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;

                    upstream pkgr {
                %2$s
                        keepalive 32;
                    }

                    server {
                        listen 127.0.0.1:%3$d;

                        # uploads of any size stream through to the replica, downloads stream back
                        client_max_body_size 0;
                        proxy_request_buffering off;
                        proxy_buffering off;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_read_timeout 300s;
                        proxy_send_timeout 300s;
                        # the default, spelled out: a replica that refuses the connection or times out is
                        # skipped; POST is never sent twice, and a body already streaming cannot be replayed
                        proxy_next_upstream error timeout;

                        location / {
                            proxy_pass http://pkgr;
                        }
                    }
                }
                """.formatted(dir.toAbsolutePath(), servers, port);
    }

    private static Path findNginx() throws IOException {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nginx"))) {
                return Path.of(d, "nginx");
            }
        }
        throw new IOException("nginx is not installed (Debian: apt-get install nginx)");
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public int port() {
        return port;
    }

    /** The configuration nginx runs with. */
    public String config() {
        return config;
    }

    /** The access log so far: {@code METHOD URI STATUS UPSTREAM_ADDR UPSTREAM_STATUS} per request. */
    public List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The error log so far (for a failing test's message). */
    public String errorLog() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ":\n" + output() + errorLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        throw new IOException("nginx did not listen on port " + port + " within " + START_TIMEOUT + ":\n" + errorLog());
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("nginx.out"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops nginx (SIGTERM, a fast shutdown), and kills what is left of it after five seconds. */
    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }

    private synchronized void destroy() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a master that was killed leaves its workers behind
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process = null;
    }
}
