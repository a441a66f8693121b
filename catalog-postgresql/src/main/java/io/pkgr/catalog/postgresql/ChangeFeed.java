package io.pkgr.catalog.postgresql;

import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.registry.catalog.CatalogRecords.ChangeListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps this replica's in-memory catalog in step with the database: a dedicated connection (not
 * from the pool) listens on {@code pkgr_catalog}; each notification, each reconnection, and every
 * {@code fullCheck} interval it reads the change counter and applies the names changed since the
 * last change it applied (their whole current state, so applying twice does no harm). A missed
 * notification is therefore repaired at the next check, and a lost connection at the next reconnect.
 */
final class ChangeFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());
    private static final int POLL_MILLIS = 200;
    private static final long RECONNECT_MILLIS = 1000;

    private final PostgresCatalogRecords records;
    private final PgUrl url;
    private final Duration fullCheck;
    private final AtomicLong applied = new AtomicLong();
    private volatile ChangeListener listener;
    private volatile boolean closed;
    private volatile Connection connection;
    private Thread thread;

    ChangeFeed(PostgresCatalogRecords records, PgUrl url, Duration fullCheck) {
        this.records = records;
        this.url = url;
        this.fullCheck = fullCheck;
    }

    /** The snapshot just loaded holds every change up to {@code seq}. */
    void loaded(long seq) {
        applied.set(seq);
    }

    synchronized void start(ChangeListener changes) {
        if (thread != null) {
            throw new IllegalStateException("already listening");
        }
        listener = changes;
        thread = new Thread(this::run, "pkgr-catalog-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        boolean warned = false;
        while (!closed) {
            try (Connection c = connect()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + PostgresCatalogRecords.CHANNEL);
                }
                if (warned) {
                    LOG.log(Level.INFO, "catalog change feed connected again");
                    warned = false;
                }
                catchUp(); // whatever changed while not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextCheck = System.nanoTime() + fullCheck.toNanos();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    boolean due = System.nanoTime() >= nextCheck;
                    if ((notifications != null && notifications.length > 0) || due) {
                        catchUp();
                    }
                    if (due) {
                        nextCheck = System.nanoTime() + fullCheck.toNanos();
                    }
                }
            } catch (SQLException | IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!warned) {
                    LOG.log(Level.WARNING, "catalog change feed lost the database ({0}); serving from memory, retrying every"
                            + " {1} ms", e.getMessage(), RECONNECT_MILLIS);
                    warned = true;
                }
                sleep(RECONNECT_MILLIS);
            } finally {
                connection = null;
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("connectTimeout", "2");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "pkgr-feed");
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    /** Applies every change made since the last one applied (also this replica's own: harmless). */
    synchronized void catchUp() throws IOException {
        ChangeListener changes = listener;
        if (changes == null) {
            return;
        }
        PostgresCatalogRecords.Changes since = records.changesSince(applied.get());
        for (String[] change : since.names()) {
            if (change[0].equals("bundle")) {
                List<VersionRecord> versions = records.versionsOf(change[1]);
                changes.bundleChanged(change[1], versions);
            } else {
                List<PypiFile> files = records.filesOf(change[1]);
                changes.projectChanged(change[1], files);
            }
        }
        applied.set(Math.max(applied.get(), since.newest()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
