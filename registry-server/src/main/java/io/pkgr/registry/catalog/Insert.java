package io.pkgr.registry.catalog;

/**
 * What an insert into the {@link CatalogRecords} did: {@code created} with the candidate as
 * {@code record}, or not, with the stored record that holds the place and why it clashes.
 */
public record Insert<T>(boolean created, T record, Clash clash) {

    public enum Clash {
        /** Nothing clashed: the candidate was stored. */
        NONE,
        /** The same version or distribution is stored (identical bytes make the publish idempotent). */
        SAME,
        /** A pure wheel of the release that the candidate would shadow for pip. */
        SHADOWED
    }

    public static <T> Insert<T> created(T record) {
        return new Insert<>(true, record, Clash.NONE);
    }

    public static <T> Insert<T> clash(T existing, Clash clash) {
        return new Insert<>(false, existing, clash);
    }
}
