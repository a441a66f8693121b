package io.pkgr.registry.web;

import io.pkgr.registry.catalog.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Sessions in this process's memory, for a registry without a shared catalog database: a restart
 * ends them (users log in again). At most {@value #MAX_SESSIONS}, and {@link #MAX_PER_USER} per
 * user; past that the expired go, then the soonest to expire (the user's own first), so a flood of
 * logins cannot grow memory without bound or push other users' sessions out.
 */
final class MemorySessions implements SessionStore {

    private static final int MAX_SESSIONS = 10_000;

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, byte[]> secrets = new ConcurrentHashMap<>();
    private final Clock clock;

    MemorySessions(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void put(String tokenSha256, Session session) {
        List<Map.Entry<String, Session>> own = sessions.entrySet().stream()
                .filter(e -> e.getValue().user().equals(session.user())).toList();
        if (own.size() >= MAX_PER_USER) {
            own.stream().min(Map.Entry.comparingByValue(Comparator.comparing(Session::expires)))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
        if (sessions.size() >= MAX_SESSIONS) {
            evict();
        }
        sessions.put(tokenSha256, session);
    }

    @Override
    public Optional<Session> find(String tokenSha256) {
        return Optional.ofNullable(sessions.get(tokenSha256));
    }

    @Override
    public void remove(String tokenSha256) {
        sessions.remove(tokenSha256);
    }

    @Override
    public byte[] secret(String name, byte[] candidate) {
        return secrets.computeIfAbsent(name, n -> candidate.clone()).clone();
    }

    private void evict() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparing(Session::expires)))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
    }
}
