package io.pkgr.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster from the system's packages ({@code initdb}, {@code pg_ctl}) in a
 * temporary directory, on a free loopback port, with password authentication (scram-sha-256) for
 * one user. PostgreSQL refuses to run as root, so under root every command runs as the
 * {@code postgres} user ({@code runuser -u postgres --}). {@link #stop()} and {@link #start()} make
 * outages; {@link #close()} stops the server and deletes the directory, and a shutdown hook does
 * the same if a test never got to it.
 *
 * <pre>
 * try (PostgresCluster pg = PostgresCluster.launch()) {
 *     String url = pg.createDatabase("catalog");   // postgresql://pkgr@127.0.0.1:PORT/catalog
 *     String password = pg.password();
 * }
 * </pre>
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String USER = "pkgr";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path base;
    private final Path data;
    private final int port;
    private final String password = UUID.randomUUID().toString().replace("-", "");
    private final Thread cleanup = new Thread(this::destroy, "postgres-cluster-cleanup");
    private boolean running;

    private PostgresCluster(Path bin, Path base) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.port = FreePorts.next();
    }

    /** Creates and starts a cluster; fails (with initdb's output) when PostgreSQL is not installed. */
    public static PostgresCluster launch() throws IOException {
        Path bin = findBin();
        Path base = Files.createTempDirectory("pkgr-pg");
        PostgresCluster cluster = new PostgresCluster(bin, base);
        Runtime.getRuntime().addShutdownHook(cluster.cleanup);
        try {
            if (ROOT) {
                UserPrincipal postgres = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(base, postgres);
            }
            Path pwfile = base.resolve("pwfile");
            Files.writeString(pwfile, cluster.password + "\n");
            if (ROOT) {
                Files.setOwner(pwfile, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            cluster.run(List.of(bin.resolve("initdb").toString(), "-D", cluster.data.toString(), "-U", USER,
                    "--pwfile=" + pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), 120);
            Files.delete(pwfile);
            cluster.startServer();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static Path findBin() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path pgCtl = Path.of(dir).resolve("pg_ctl");
            if (!dir.isEmpty() && Files.isExecutable(pgCtl)) {
                return pgCtl.toRealPath().getParent();
            }
        }
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> list = Files.list(versions)) {
                Path newest = list.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparing(Path::toString)).orElse(null);
                if (newest != null) {
                    return newest;
                }
            }
        }
        throw new IOException("PostgreSQL is not installed: no pg_ctl on the PATH or in /usr/lib/postgresql/*/bin"
                + " (Debian: apt-get install postgresql)");
    }

    /** {@code postgresql://pkgr@127.0.0.1:PORT/DB} for a new, empty database (the password is {@link #password()}). */
    public String createDatabase(String name) throws IOException {
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, name), 60);
        return url(name);
    }

    /** {@code postgresql://pkgr@127.0.0.1:PORT/DB}. */
    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DB}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Runs {@code psql -c sql} on {@code database}, returning its unaligned, tuples-only output. */
    public String psql(String database, String sql) throws IOException {
        return run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql), 60).strip();
    }

    /** Stops the server (fast shutdown: connections are cut), keeping its data: an outage. */
    public synchronized void stop() throws IOException {
        if (running) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), 60);
            running = false;
        }
    }

    /** Starts the server again on the same port and data. */
    public synchronized void start() throws IOException {
        if (!running) {
            startServer();
        }
    }

    private void startServer() throws IOException {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + base + " -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", base.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "60", "start"), 90);
        running = true;
    }

    /** The server's log so far (for a failing test's message). */
    public String log() {
        try {
            return Files.readString(base.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String run(List<String> command, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).directory(base.toFile());
        Map<String, String> env = builder.environment();
        env.put("PGPASSWORD", password);
        env.put("LC_ALL", "C");
        Process process = builder.start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + text);
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the server and deletes its directory. */
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
        try {
            if (running) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
                running = false;
            }
        } catch (IOException e) {
            System.err.println("could not stop PostgreSQL in " + base + ": " + e.getMessage());
        }
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            if (Files.exists(base)) {
                throw new UncheckedIOException("could not delete " + base, e);
            }
        }
    }
}
