package io.pkgr.registry.maven;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The coordinates ({@code GROUP:ARTIFACT}) of every stored artifact, in memory, for searches: a
 * search reads this set instead of listing every Maven record in the store. Loaded from the store
 * at start, added to by each deploy of this process, and on another replica's deploys caught up
 * by a full re-listing every {@link #REFRESH} and at once when this process serves a file of an
 * artifact it did not know (read-through). A re-listing also drops artifacts whose last file was
 * withdrawn.
 */
final class MavenIndex implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MavenIndex.class.getName());
    static final Duration REFRESH = Duration.ofSeconds(60);

    private final MavenRepository repository;
    private volatile NavigableSet<String> coordinates = new ConcurrentSkipListSet<>();
    /** Added while a re-listing runs: kept when the listing replaces the set, as it may have missed them. */
    private final Set<String> addedDuringListing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService refresher;

    /**
     * Lists the store once now, then again every {@code refresh} ({@code Duration.ZERO}: never). A
     * store that cannot be listed now is listed again at the next refresh.
     */
    MavenIndex(MavenRepository repository, Duration refresh) {
        this.repository = repository;
        refreshQuietly();
        if (refresh.isZero()) {
            this.refresher = null;
            return;
        }
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pkgr-maven-index-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Notes an artifact that has a stored file (a deploy, or a file served). */
    void add(String artifactCoordinates) {
        if (coordinates.contains(artifactCoordinates)) {
            return; // the common case, a file served of a known artifact: no write
        }
        // pending first: whichever set a concurrent refresh installs, one of the two holds it
        addedDuringListing.add(artifactCoordinates);
        coordinates.add(artifactCoordinates);
    }

    /** Up to {@code limit} coordinates that {@code accept} takes, sorted. */
    List<String> find(Predicate<String> accept, int limit) {
        List<String> found = new ArrayList<>();
        for (String c : coordinates) {
            if (found.size() >= limit) {
                break;
            }
            if (accept.test(c)) {
                found.add(c);
            }
        }
        return found;
    }

    /** How many artifacts are known. */
    int size() {
        return coordinates.size();
    }

    /** Replaces the set by a listing of the store (keeping what was added meanwhile). */
    synchronized void refresh() throws IOException {
        addedDuringListing.clear();
        NavigableSet<String> listed = new ConcurrentSkipListSet<>(repository.artifacts());
        listed.addAll(addedDuringListing);
        coordinates = listed;
        listed.addAll(addedDuringListing); // an add between the two reads put its name in the old set
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot re-list the Maven artifacts now, keeping the last listing: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
