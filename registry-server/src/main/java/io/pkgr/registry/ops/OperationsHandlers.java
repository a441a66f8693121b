package io.pkgr.registry.ops;

import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.ErrorCode;
import io.pkgr.registry.http.ErrorResponder;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.BlobStore;
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

    public OperationsHandlers(BlobStore store, RegistryMetrics metrics, BooleanSupplier shuttingDown) {
        this.store = store;
        this.metrics = metrics;
        this.shuttingDown = shuttingDown;
    }

    /** Alive: the process answers. Never touches storage, so a slow disk does not get it killed. */
    public HttpHandler health() {
        return exchange -> Json.send(exchange, 200, Map.of("status", "ok"));
    }

    /** Ready: storage accepts writes and the server is not draining. */
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
            try {
                store.checkWritable();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "readiness check failed: storage not writable: {0}", e.getMessage());
                ErrorResponder.send(exchange, new ApiException(ErrorCode.UNAVAILABLE, "storage is not writable"));
                return;
            }
            Json.send(exchange, 200, Map.of("status", "ready"));
        };
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
