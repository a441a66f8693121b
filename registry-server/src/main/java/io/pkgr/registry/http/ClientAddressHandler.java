package io.pkgr.registry.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Puts the client behind a trusted proxy in place of the proxy as the exchange's source address,
 * before anything reads it (the failed-login limiter, the access log, the slow-body log), and the
 * scheme the client used in place of the proxy's ({@code X-Forwarded-Proto}: behind a proxy that
 * ends TLS the session cookie is {@code Secure} and a login form's origin is {@code https://}).
 * See {@link TrustedProxies} for which header values are believed.
 */
public final class ClientAddressHandler implements HttpHandler {

    private static final HttpString X_FORWARDED_FOR = new HttpString("X-Forwarded-For");
    private static final HttpString X_FORWARDED_PROTO = new HttpString("X-Forwarded-Proto");

    private final TrustedProxies proxies;
    private final HttpHandler next;

    private ClientAddressHandler(TrustedProxies proxies, HttpHandler next) {
        this.proxies = proxies;
        this.next = next;
    }

    /** {@code next} itself when no proxy is trusted, so the default costs nothing. */
    public static HttpHandler wrap(TrustedProxies proxies, HttpHandler next) {
        return proxies.isEmpty() ? next : new ClientAddressHandler(proxies, next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        InetSocketAddress peer = exchange.getSourceAddress();
        if (peer != null && peer.getAddress() != null) {
            String scheme = proxies.scheme(peer.getAddress(), exchange.getRequestHeaders().get(X_FORWARDED_PROTO));
            if (scheme != null) {
                exchange.setRequestScheme(scheme);
            }
            InetAddress client = proxies.client(peer.getAddress(), exchange.getRequestHeaders().get(X_FORWARDED_FOR));
            if (client != peer.getAddress()) {
                exchange.setSourceAddress(new InetSocketAddress(client, 0));
            }
        }
        next.handleRequest(exchange);
    }
}
