package io.pkgr.registry.audit;

import io.pkgr.api.ApiJson;
import io.pkgr.auth.NamePattern;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which audit lines to show: a time window, a bundle-name pattern ({@code churn-*}, PEP 503
 * normalised), a user, actions and an outcome; null means any. {@link #read} goes through the log
 * and its rotated files, oldest first.
 */
public record AuditQuery(Instant since, Instant until, String namePattern, String user, Set<String> actions,
                         String outcome) {

    public AuditQuery {
        actions = actions == null ? Set.of() : Set.copyOf(actions);
        if (namePattern != null) {
            NamePattern.of(namePattern); // refuses an empty pattern here, not at the first line
        }
    }

    /** Whether {@code event} is one to show. */
    public boolean matches(AuditEvent event) {
        return (since == null || !event.time().isBefore(since))
                && (until == null || event.time().isBefore(until))
                && (namePattern == null || event.name() != null && nameMatches(NamePattern.of(namePattern), event.name()))
                && (user == null || user.equals(event.user()))
                && (actions.isEmpty() || actions.contains(event.action()))
                && (outcome == null || outcome.equals(event.outcome()));
    }

    /** Maven coordinates (GROUP:ARTIFACT) as spelled, as the access rules match them; bundle and PyPI names folded. */
    private static boolean nameMatches(NamePattern pattern, String name) {
        return name.indexOf(':') >= 0 ? pattern.matchesExactly(name) : pattern.matches(NamePattern.normalize(name));
    }

    /**
     * Hands every matching line of {@code log} and its rotated files to {@code sink}, oldest first,
     * each with its raw text; returns how many lines could not be read (a line cut off by a crash).
     */
    public int read(Path log, Consumer<Match> sink) throws IOException {
        int unreadable = 0;
        List<Path> files = AuditLog.files(log);
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    AuditEvent event;
                    try {
                        event = ApiJson.MAPPER.readValue(line, AuditEvent.class);
                    } catch (IOException | RuntimeException e) {
                        unreadable++;
                        continue;
                    }
                    if (matches(event)) {
                        sink.accept(new Match(event, line));
                    }
                }
            }
        }
        return unreadable;
    }

    /** A line that matched: parsed, and as written. */
    public record Match(AuditEvent event, String line) {
    }
}
