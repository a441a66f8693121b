package io.pkgr.registry.catalog;

/** What a database-backed {@link CatalogRecords} reports: the latency and failures of its calls. */
public interface CatalogMetrics {

    /** One call to the database took {@code seconds}; {@code failed} when it ended in an error. */
    void databaseCall(String operation, double seconds, boolean failed);

    CatalogMetrics NONE = (operation, seconds, failed) -> { };
}
