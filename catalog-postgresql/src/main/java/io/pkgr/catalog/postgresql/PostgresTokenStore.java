package io.pkgr.catalog.postgresql;

import io.pkgr.auth.ApiToken;
import io.pkgr.auth.TokenScope;
import io.pkgr.auth.TokenStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * API tokens in the table {@code api_tokens}, held in memory (a credential check must not wait for
 * the database) and re-read every few seconds, so a token made or revoked on one replica is known
 * to all within {@value #REFRESH_SECONDS} seconds; the replica that made the change knows at once. A
 * failed re-read keeps the last known tokens.
 */
final class PostgresTokenStore implements TokenStore, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresTokenStore.class.getName());
    static final long REFRESH_SECONDS = 5;

    private final PostgresCatalogRecords database;
    private final ScheduledExecutorService refresher;
    private volatile Map<String, ApiToken> tokens = Map.of();
    private final java.util.Set<String> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet(); // warned of once

    PostgresTokenStore(PostgresCatalogRecords database) throws IOException {
        this.database = database;
        reload();
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pkgr-tokens-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::reloadQuietly, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public Optional<ApiToken> find(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    /**
     * A token made on another replica since the last re-read is read at once. Unknown ids cost a
     * query each, but only a few: every miss counts as a failed login of the client's address.
     */
    @Override
    public Optional<ApiToken> findFresh(String id) throws IOException {
        Optional<ApiToken> known = find(id);
        if (known.isPresent()) {
            return known;
        }
        Optional<ApiToken> read = database.call("read_token", true, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(token(r)) : Optional.<ApiToken>empty();
                }
            }
        });
        read.ifPresent(token -> {
            Map<String, ApiToken> next = new HashMap<>(tokens);
            next.put(token.id(), token);
            tokens = Map.copyOf(next);
        });
        return read;
    }

    @Override
    public List<ApiToken> list() throws IOException {
        reload();
        return tokens.values().stream()
                .sorted(Comparator.comparing(ApiToken::user).thenComparing(ApiToken::name)).toList();
    }

    @Override
    public boolean insert(ApiToken token) throws IOException {
        boolean inserted = database.call("create_token", false, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO api_tokens (id, owner, name, scopes, secret_sha256,"
                    + " created, expires) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, token.id());
                s.setString(2, token.user());
                s.setString(3, token.name());
                s.setString(4, String.join(" ", token.scopes().stream().map(TokenScope::toString).toList()));
                s.setString(5, token.secretSha256());
                s.setTimestamp(6, Timestamp.from(token.created()));
                s.setTimestamp(7, token.expires() == null ? null : Timestamp.from(token.expires()));
                return s.executeUpdate() == 1;
            }
        });
        reload();
        return inserted;
    }

    @Override
    public Optional<ApiToken> delete(String id) throws IOException {
        Optional<ApiToken> removed = database.call("revoke_token", false, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM api_tokens WHERE id = ? RETURNING " + COLUMNS)) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(token(r)) : Optional.<ApiToken>empty();
                }
            }
        });
        reload();
        return removed;
    }

    @Override
    public void recordUse(Map<String, Instant> lastUsed) throws IOException {
        database.call("record_token_use", false, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE api_tokens SET last_used = ? WHERE id = ? AND (last_used IS NULL OR last_used < ?)")) {
                for (Map.Entry<String, Instant> use : lastUsed.entrySet()) {
                    s.setTimestamp(1, Timestamp.from(use.getValue()));
                    s.setString(2, use.getKey());
                    s.setTimestamp(3, Timestamp.from(use.getValue()));
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    private static final String COLUMNS = "id, owner, name, scopes, secret_sha256, created, expires, last_used";

    private void reload() throws IOException {
        tokens = database.call("read_tokens", true, c -> {
            Map<String, ApiToken> read = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        ApiToken token = token(r);
                        read.put(token.id(), token);
                    } catch (IllegalArgumentException e) {
                        // a scope this version cannot read (a newer replica wrote it): that token is
                        // refused here, and the others, revocations included, still come through
                        if (unreadable.add(r.getString("id"))) {
                            LOG.log(Level.WARNING, "API token {0} has a scope this version cannot read, so it is refused"
                                    + " here: {1}", r.getString("id"), e.getMessage());
                        }
                    }
                }
            }
            return Map.copyOf(read);
        });
    }

    private static ApiToken token(ResultSet r) throws SQLException {
        List<TokenScope> scopes = new ArrayList<>();
        for (String scope : r.getString("scopes").split(" ")) {
            scopes.add(TokenScope.parse(scope));
        }
        return new ApiToken(r.getString("id"), r.getString("owner"), r.getString("name"), scopes,
                r.getTimestamp("created").toInstant(), instant(r.getTimestamp("expires")),
                instant(r.getTimestamp("last_used")), r.getString("secret_sha256"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot re-read the API tokens now, keeping the last: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
