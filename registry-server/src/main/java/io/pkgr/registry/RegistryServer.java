package io.pkgr.registry;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The pkgr registry: one Undertow server on one port, built from a {@link ServerConfig}. */
public final class RegistryServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RegistryServer.class.getName());

    private final ServerConfig config;
    private final PrintStream console;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RegistryAssembly assembly;
    private int port = -1;

    /** A server that prints its first-start password and "listening on" line to {@code System.err}. */
    public RegistryServer(ServerConfig config) {
        this(config, System.err);
    }

    /** A server that prints its first-start password and "listening on" line to {@code console}. */
    public RegistryServer(ServerConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
    }

    /** Opens storage, loads the catalog, binds the port; returns when requests are served. */
    public synchronized RegistryServer start() throws IOException {
        if (assembly != null) {
            throw new IllegalStateException("already started");
        }
        long begin = System.nanoTime();
        RegistryAssembly built = new RegistryAssembly(config, console);
        try {
            built.undertow.start();
        } catch (RuntimeException e) {
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e);
        }
        assembly = built;
        InetSocketAddress address = (InetSocketAddress) built.undertow.getListenerInfo().get(0).getAddress();
        port = address.getPort();
        console.println("listening on " + baseUri());
        LOG.log(Level.INFO, "ready in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms: "
                + built.catalog.nameCount() + " bundles, " + built.pypi.projectCount() + " PyPI projects"
                + " (their records are read when first asked for)");
        return this;
    }

    /**
     * Stops accepting requests, lets in-flight ones finish within the configured grace period,
     * then closes the port and storage. Safe to call more than once.
     */
    public synchronized void stop() {
        if (assembly == null) {
            return;
        }
        RegistryAssembly stopping = assembly;
        assembly = null;
        stopping.shuttingDown.set(true);
        stopping.root.shutdown();
        try {
            if (!stopping.root.awaitShutdown(config.shutdownGrace().toMillis())) {
                LOG.log(Level.WARNING, "grace period of {0} over; closing remaining connections", config.shutdownGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping.undertow.stop();
        stopping.maven.close();
        stopping.tokens.close(); // writes the last noted uses before the catalog closes
        try {
            stopping.audit.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the audit log: {0}", e.getMessage());
        }
        try {
            stopping.records.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the catalog of record: {0}", e.getMessage());
        }
        try {
            stopping.store.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing storage: {0}", e.getMessage());
        }
        LOG.log(Level.INFO, "stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Makes this server stop with the process, before {@link #start()} so no signal falls in
     * between. SIGTERM is how Docker, Kubernetes and systemd ask for a stop, and the JVM's own
     * handling of it exits 143, which they report as a failure: here it drains in-flight requests
     * (within the grace period), while logging still works, then exits 0. SIGINT and other exits
     * drain through a shutdown hook. {@link #awaitStop()} then blocks until that happened.
     */
    public void stopWithProcess() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop();
            stopped.countDown();
        }, "pkgr-shutdown"));
        exitZeroAfterDrainOnSigterm();
    }

    /** Blocks until the process stopped this server (see {@link #stopWithProcess()}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @SuppressWarnings("removal")
    private void exitZeroAfterDrainOnSigterm() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                stop();
                System.exit(0);
            });
        } catch (IllegalArgumentException | LinkageError e) {
            // no such signal here (or no jdk.unsupported): the shutdown hook still drains
        }
    }

    /** The bound port (useful with port 0); -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** {@code http(s)://HOST:PORT} as bound. */
    public URI baseUri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + port);
    }

    public ServerConfig config() {
        return config;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
