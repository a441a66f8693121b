package io.pkgr.catalog.postgresql;

import io.pkgr.registry.catalog.SharedUsers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The registry's own users in the table {@code registry_users}, held in memory (a credential check
 * must not wait for the database) and re-read every few seconds, so a user stored by one replica
 * is known to all; a failed re-read keeps the last known users.
 */
final class PostgresSharedUsers implements SharedUsers, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresSharedUsers.class.getName());
    private static final long REFRESH_SECONDS = 5;

    private final PostgresCatalogRecords database;
    private final ScheduledExecutorService refresher;
    private volatile Map<String, String> users = Map.of();

    PostgresSharedUsers(PostgresCatalogRecords database) throws IOException {
        this.database = database;
        reload();
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pkgr-users-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::reloadQuietly, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public String passwordHash(String user) {
        return users.get(user);
    }

    @Override
    public boolean createIfAbsent(String user, String passwordHash) throws IOException {
        boolean created = database.call("create_user", false, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO registry_users (name, password_hash) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                s.setString(1, user);
                s.setString(2, passwordHash);
                return s.executeUpdate() == 1;
            }
        });
        reload();
        return created;
    }

    private void reload() throws IOException {
        users = database.call("read_users", true, c -> {
            Map<String, String> read = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, password_hash FROM registry_users");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    read.put(r.getString(1), r.getString(2));
                }
            }
            return Map.copyOf(read);
        });
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot re-read the registry users now, keeping the last: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
