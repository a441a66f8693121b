package io.pkgr.registry.admin;

import io.pkgr.api.PinRecord;
import io.pkgr.api.VersionRecord;
import io.pkgr.api.ApiJson;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Which versions {@link RetentionRules} remove from a set of records, given the registered pins. */
public final class Retention {

    /** A version to remove and the clause that removes it. */
    public record Removal(VersionRecord record, String reason) {
    }

    private Retention() {
    }

    /** The removals, by name then version; nothing for names no rule matches. */
    public static List<Removal> plan(List<VersionRecord> versions, Set<String> pinned, RetentionRules rules, Instant now) {
        Map<String, List<VersionRecord>> byName = new TreeMap<>();
        versions.forEach(v -> byName.computeIfAbsent(v.name().normalized(), n -> new ArrayList<>()).add(v));
        List<Removal> removals = new ArrayList<>();
        byName.forEach((name, list) -> rules.ruleFor(name).ifPresent(rule -> removals.addAll(plan(list, pinned, rule, now))));
        return removals;
    }

    private static List<Removal> plan(List<VersionRecord> versions, Set<String> pinned, RetentionRules.Rule rule, Instant now) {
        List<VersionRecord> newestFirst = new ArrayList<>(versions);
        newestFirst.sort(Comparator.comparing(VersionRecord::version).reversed());
        List<Removal> removals = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            VersionRecord v = newestFirst.get(i);
            Optional<String> reason = reason(v, i, rule, now);
            if (reason.isEmpty()) {
                continue;
            }
            if (rule.keepPinned() && pinned.contains(key(v.name().normalized(), v.version().toString()))) {
                continue;
            }
            removals.add(new Removal(v, reason.get() + " (rule '" + rule.pattern() + "')"));
        }
        removals.sort(Comparator.comparing(r -> r.record().version()));
        return removals;
    }

    /** Why the rule removes {@code v}, the {@code rank}-th highest version of its name; empty when it keeps it. */
    private static Optional<String> reason(VersionRecord v, int rank, RetentionRules.Rule rule, Instant now) {
        Instant published = v.published() != null ? v.published() : Instant.EPOCH;
        if (v.yanked() && rule.removeYankedOlderThan().isPresent()
                && published.isBefore(now.minus(rule.removeYankedOlderThan().get()))) {
            return Optional.of("yanked and older than " + days(rule.removeYankedOlderThan().get()));
        }
        boolean hasKeep = rule.keepLast().isPresent() || rule.keepNewerThan().isPresent();
        if (!hasKeep) {
            return Optional.empty();
        }
        boolean keptByCount = rule.keepLast().map(n -> rank < n).orElse(false);
        boolean keptByAge = rule.keepNewerThan().map(d -> !published.isBefore(now.minus(d))).orElse(false);
        if (keptByCount || keptByAge) {
            return Optional.empty();
        }
        List<String> why = new ArrayList<>();
        rule.keepLast().ifPresent(n -> why.add("not among the last " + n));
        rule.keepNewerThan().ifPresent(d -> why.add("older than " + days(d)));
        return Optional.of(String.join(" and ", why));
    }

    /** Every version a registered lock pins, as {@link #key} strings; an unreadable pin fails (retention must not guess). */
    public static Set<String> pinned(BlobStore store) throws IOException {
        Set<String> pinned = new HashSet<>();
        for (RepoPath path : store.list(StoragePaths.PINS)) {
            PinRecord pin;
            try (InputStream in = store.get(path, null).open()) {
                pin = ApiJson.MAPPER.readValue(in, PinRecord.class);
            } catch (IOException | RuntimeException e) {
                throw new IOException("the registered lock " + path + " is unreadable (" + e.getMessage()
                        + "); retention needs every pin: fix or remove it", e);
            }
            pin.pins().forEach(p -> pinned.add(key(p.name().normalized(), p.version().toString())));
        }
        return pinned;
    }

    static String key(String normalizedName, String version) {
        return normalizedName + "==" + version;
    }

    private static String days(java.time.Duration d) {
        return d.toDays() > 0 && d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() > 0 ? d.toHours() + "h" : d.toSeconds() + "s";
    }
}
