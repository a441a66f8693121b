package io.pkgr.registry.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** A route body; {@link #of} and {@link #blocking} turn it into a handler that answers every failure as JSON. */
@FunctionalInterface
public interface Route {

    void handle(HttpServerExchange exchange) throws Exception;

    /** Runs where it is called (IO thread or worker): for routes that never block. */
    static HttpHandler of(Route route) {
        return exchange -> {
            try {
                route.handle(exchange);
            } catch (Exception | Error e) {
                ErrorResponder.send(exchange, e);
            }
        };
    }

    /** Runs on a worker thread with blocking streams: for routes that read bodies or write storage. */
    static HttpHandler blocking(Route route) {
        HttpHandler handler = of(exchange -> {
            exchange.startBlocking();
            route.handle(exchange);
        });
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                handler.handleRequest(exchange);
            }
        };
    }
}
