package io.pkgr.registry.ops;

import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.http.ApiException;
import io.pkgr.api.ErrorCode;
import io.pkgr.registry.http.ErrorResponder;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.StorageFullException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}. */
public final class OperationsHandlers {

    private static final System.Logger LOG = System.getLogger(OperationsHandlers.class.getName());

    private final BlobStore store;
    private final RegistryMetrics metrics;
    private final BooleanSupplier shuttingDown;
    private final long minFreeBytes;
    private final CatalogRecords records;

    public OperationsHandlers(BlobStore store, CatalogRecords records, RegistryMetrics metrics, BooleanSupplier shuttingDown,
            long minFreeBytes) {
        this.store = store;
        this.records = records;
        this.metrics = metrics;
        this.shuttingDown = shuttingDown;
        this.minFreeBytes = minFreeBytes;
    }

    /** Alive: the process answers. Never touches storage, so a slow disk does not get it killed. */
    public HttpHandler health() {
        return exchange -> Json.send(exchange, 200, Map.of("status", "ok"));
    }

    /**
     * Ready: storage and the catalog of record accept writes, storage has at least the configured
     * free space, and the server is not
     * draining. Failing below the threshold lets a load balancer send uploads elsewhere before they
     * fail, while this instance keeps serving the reads that reach it.
     */
    public HttpHandler ready() {
        return exchange -> {
            if (exchange.isInIoThread()) {
                exchange.dispatch(ready());
                return;
            }
            if (shuttingDown.getAsBoolean()) {
                ErrorResponder.send(exchange, new ApiException(ErrorCode.UNAVAILABLE, "shutting down"));
                return;
            }
            String problem = storageProblem();
            if (problem == null) {
                problem = catalogProblem();
            }
            if (problem != null) {
                // the details (paths, sizes) go to the log: /readyz answers anyone
                ErrorResponder.send(exchange, new ApiException(ErrorCode.UNAVAILABLE, problem));
                return;
            }
            Json.send(exchange, 200, Map.of("status", "ready"));
        };
    }

    /** Why storage cannot take uploads now (logged in detail), or null when it can. */
    private String storageProblem() {
        try {
            long usable = store.usableBytes();
            if (usable < minFreeBytes) {
                LOG.log(Level.WARNING, "readiness check failed: storage has {0} bytes free, less than the {1}"
                        + " of --min-free-space", usable, minFreeBytes);
                return "storage is almost full";
            }
            store.checkWritable();
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "readiness check failed: storage not writable: {0}", e.getMessage());
            return e instanceof StorageFullException ? "storage is full" : "storage is not writable";
        }
    }

    /** Why the catalog of record cannot take writes now (logged in detail), or null when it can. */
    private String catalogProblem() {
        try {
            records.checkReady();
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "readiness check failed: catalog database: {0}", e.getMessage());
            return "the catalog database is unreachable";
        }
    }

    /** Prometheus text exposition. */
    public HttpHandler metrics() {
        return exchange -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            metrics.write(out);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
            exchange.getResponseSender().send(ByteBuffer.wrap(out.toByteArray()));
        };
    }

    /** Convenience for routes that should reject every request (e.g. while draining). */
    static void unavailable(HttpServerExchange exchange, String why) {
        ErrorResponder.send(exchange, new ApiException(ErrorCode.UNAVAILABLE, why));
    }
}
