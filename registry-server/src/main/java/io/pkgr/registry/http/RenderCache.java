package io.pkgr.registry.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Renders once per change, serves bytes in between. Catalogs hand out immutable snapshots (a
 * record, a version list, a project's files) and replace them on every change, so the snapshot's
 * identity is the change counter: while a key's snapshot is the same object, its rendering stands.
 * A GET costs a map lookup and a reference comparison, never a serialisation.
 *
 * @param <K> what a rendering is filed under (a name, a name and version, a project and format)
 */
public final class RenderCache<K> {

    private record Entry(Object source, Rendered rendered) {
    }

    private final ConcurrentMap<K, Entry> entries = new ConcurrentHashMap<>();
    private final String flavour;
    private final int maxEntries;

    /**
     * A cache whose ETags start with {@code flavour} (empty for none), unbounded: for keys that only
     * things stored can make (one per name or version), which are dropped with them.
     */
    public RenderCache(String flavour) {
        this(flavour, Integer.MAX_VALUE);
    }

    /**
     * A cache of at most {@code maxEntries} renderings: a new key beyond that pushes out another one
     * (whichever the map yields first, so no bookkeeping on the read path), to be rendered again
     * when asked for.
     */
    public RenderCache(String flavour, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a cache holds at least one entry");
        }
        this.flavour = flavour;
        this.maxEntries = maxEntries;
    }

    /** The rendering of {@code source}, from the cache when {@code key} last rendered this very object. */
    public <S> Rendered render(K key, S source, Function<S, byte[]> render) {
        Entry cached = entries.get(key);
        if (cached != null && cached.source() == source) {
            return cached.rendered();
        }
        Rendered rendered = Rendered.of(render.apply(source), flavour);
        if (cached == null && entries.size() >= maxEntries) {
            evictOne();
        }
        // a concurrent change may put a newer snapshot first: the next request renders again, no harm
        entries.put(key, new Entry(source, rendered));
        return rendered;
    }

    /** How many renderings are held. */
    public int size() {
        return entries.size();
    }

    private void evictOne() {
        var it = entries.keySet().iterator();
        if (it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** Drops the rendering of {@code key}, for things that no longer exist. */
    public void forget(K key) {
        entries.remove(key);
    }
}
