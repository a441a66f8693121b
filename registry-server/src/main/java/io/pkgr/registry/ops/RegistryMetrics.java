package io.pkgr.registry.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.DoubleSupplier;

/** The server's Prometheus metrics, in a registry of its own (several servers can share a JVM in tests). */
public final class RegistryMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests = Counter.builder()
            .name("pkgr_http_requests_total")
            .help("HTTP requests by route template, method and status")
            .labelNames("route", "method", "status")
            .register(registry);
    private final Histogram latency = Histogram.builder()
            .name("pkgr_http_request_duration_seconds")
            .help("HTTP request latency by route template")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .register(registry);
    private final Counter bytesIn = Counter.builder()
            .name("pkgr_http_received_bytes_total")
            .help("Request body bytes received")
            .register(registry);
    private final Counter bytesOut = Counter.builder()
            .name("pkgr_http_sent_bytes_total")
            .help("Response bytes sent")
            .register(registry);
    private final Gauge uploadsInFlight = Gauge.builder()
            .name("pkgr_uploads_in_flight")
            .help("Uploads currently streaming in")
            .register(registry);

    private final Histogram databaseLatency = Histogram.builder()
            .name("pkgr_database_call_duration_seconds")
            .help("Catalog database calls by operation (with --database)")
            .labelNames("operation")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private final Counter databaseErrors = Counter.builder()
            .name("pkgr_database_errors_total")
            .help("Catalog database calls that failed, by operation (with --database)")
            .labelNames("operation")
            .register(registry);

    /** Records one call to the catalog database. */
    public void databaseCall(String operation, double seconds, boolean failed) {
        databaseLatency.labelValues(operation).observe(seconds);
        if (failed) {
            databaseErrors.labelValues(operation).inc();
        }
    }

    private final Histogram storageLatency = Histogram.builder()
            .name("pkgr_storage_operation_duration_seconds")
            .help("Storage backend call latency by operation (stage and commit include the bytes moved)")
            .labelNames("operation")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .register(registry);
    private final Counter storageErrors = Counter.builder()
            .name("pkgr_storage_errors_total")
            .help("Storage backend calls that failed, by operation (an absent object is not a failure)")
            .labelNames("operation")
            .register(registry);

    /** Records one storage call that took {@code seconds} and failed when {@code failed}. */
    public void storage(String operation, double seconds, boolean failed) {
        storageLatency.labelValues(operation).observe(seconds);
        if (failed) {
            storageErrors.labelValues(operation).inc();
        }
    }

    /** Records one finished request. */
    public void request(String route, String method, int status, double seconds, long received, long sent) {
        requests.labelValues(route, method, Integer.toString(status)).inc();
        latency.labelValues(route).observe(seconds);
        if (received > 0) {
            bytesIn.inc(received);
        }
        if (sent > 0) {
            bytesOut.inc(sent);
        }
    }

    public void uploadStarted() {
        uploadsInFlight.inc();
    }

    public void uploadFinished() {
        uploadsInFlight.dec();
    }

    /** Adds a gauge read when scraped (catalog size, auth cache counters, ...). */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Adds a counter read when scraped. */
    public void counter(String name, String help, DoubleSupplier value) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
