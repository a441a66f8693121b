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

    /** A cache whose ETags start with {@code flavour} (empty for none). */
    public RenderCache(String flavour) {
        this.flavour = flavour;
    }

    /** The rendering of {@code source}, from the cache when {@code key} last rendered this very object. */
    public <S> Rendered render(K key, S source, Function<S, byte[]> render) {
        Entry cached = entries.get(key);
        if (cached != null && cached.source() == source) {
            return cached.rendered();
        }
        Rendered rendered = Rendered.of(render.apply(source), flavour);
        // a concurrent change may put a newer snapshot first: the next request renders again, no harm
        entries.put(key, new Entry(source, rendered));
        return rendered;
    }

    /** Drops the rendering of {@code key}, for things that no longer exist. */
    public void forget(K key) {
        entries.remove(key);
    }
}
