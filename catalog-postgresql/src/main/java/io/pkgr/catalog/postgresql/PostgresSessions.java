package io.pkgr.catalog.postgresql;

import io.pkgr.registry.catalog.SessionStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.Set;

/**
 * Web UI sessions in the table {@code web_sessions}, read on each request that carries a session
 * cookie (one primary-key lookup), so a login, a logout or an ended user is the same on every
 * replica at once. Expired sessions are dropped whenever a new one is stored.
 */
final class PostgresSessions implements SessionStore {

    private final PostgresCatalogRecords database;

    PostgresSessions(PostgresCatalogRecords database) {
        this.database = database;
    }

    @Override
    public void put(String tokenSha256, Session session) throws IOException {
        database.call("create_session", false, c -> {
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM web_sessions WHERE expires <= ?");
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO web_sessions (token_sha256, user_name, csrf, expires) VALUES (?, ?, ?, ?)")) {
                purge.setTimestamp(1, Timestamp.from(java.time.Instant.now()));
                purge.executeUpdate();
                insert.setString(1, tokenSha256);
                insert.setString(2, session.user());
                insert.setString(3, session.csrf());
                insert.setTimestamp(4, Timestamp.from(session.expires()));
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Session> find(String tokenSha256) throws IOException {
        return database.call("read_session", true, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT user_name, csrf, expires FROM web_sessions WHERE token_sha256 = ?")) {
                s.setString(1, tokenSha256);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new Session(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant()))
                            : Optional.<Session>empty();
                }
            }
        });
    }

    @Override
    public void remove(String tokenSha256) throws IOException {
        database.call("delete_session", false, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM web_sessions WHERE token_sha256 = ?")) {
                s.setString(1, tokenSha256);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public void removeUsers(Set<String> users) throws IOException {
        database.call("delete_user_sessions", false, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM web_sessions WHERE user_name = ANY (?)")) {
                s.setArray(1, c.createArrayOf("text", users.toArray()));
                return s.executeUpdate();
            }
        });
    }

    @Override
    public byte[] secret(String name, byte[] candidate) throws IOException {
        return database.call("secret", false, c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO registry_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
                    PreparedStatement read = c.prepareStatement("SELECT value FROM registry_secrets WHERE name = ?")) {
                insert.setString(1, name);
                insert.setBytes(2, candidate);
                insert.executeUpdate();
                read.setString(1, name);
                try (ResultSet r = read.executeQuery()) {
                    r.next();
                    return r.getBytes(1);
                }
            }
        });
    }
}
