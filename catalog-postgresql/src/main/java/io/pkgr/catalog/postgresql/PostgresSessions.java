package io.pkgr.catalog.postgresql;

import io.pkgr.registry.catalog.SessionStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Optional;

/**
 * Web UI sessions in the table {@code web_sessions}, read on each request that carries a session
 * cookie (one primary-key lookup), so a login, a logout or an ended user is the same on every
 * replica at once. Expired sessions are dropped whenever a new one is stored, and so is the user's
 * soonest to expire beyond {@link #MAX_PER_USER}.
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
                    PreparedStatement trim = c.prepareStatement("DELETE FROM web_sessions WHERE token_sha256 IN ("
                            + "SELECT token_sha256 FROM web_sessions WHERE user_name = ? ORDER BY expires DESC OFFSET ?)");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO web_sessions"
                            + " (token_sha256, user_name, credential, csrf, expires) VALUES (?, ?, ?, ?, ?)")) {
                purge.setTimestamp(1, Timestamp.from(java.time.Instant.now()));
                purge.executeUpdate();
                trim.setString(1, session.user());
                trim.setInt(2, MAX_PER_USER - 1);
                trim.executeUpdate();
                insert.setString(1, tokenSha256);
                insert.setString(2, session.user());
                insert.setString(3, session.credential());
                insert.setString(4, session.csrf());
                insert.setTimestamp(5, Timestamp.from(session.expires()));
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Session> find(String tokenSha256) throws IOException {
        return database.call("read_session", true, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT user_name, credential, csrf, expires FROM web_sessions WHERE token_sha256 = ?")) {
                s.setString(1, tokenSha256);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new Session(r.getString(1), r.getString(2), r.getString(3),
                            r.getTimestamp(4).toInstant())) : Optional.<Session>empty();
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
