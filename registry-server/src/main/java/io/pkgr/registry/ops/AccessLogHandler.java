package io.pkgr.registry.ops;

import io.pkgr.registry.access.Principal;
import io.pkgr.registry.http.ExchangeGuard;
import io.pkgr.registry.http.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One access-log line and the request metrics per request, written when the exchange completes.
 * Logs the method, path, status, sizes, duration, user name and client; never headers, so never
 * credentials.
 */
public final class AccessLogHandler implements HttpHandler {

    /** Logger name of the access log; {@code LogFormat} prints its JSON lines as they are. */
    public static final String LOGGER = "pkgr.access";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private final HttpHandler next;
    private final RegistryMetrics metrics;
    private final boolean json;

    public AccessLogHandler(HttpHandler next, RegistryMetrics metrics, boolean json) {
        this.next = next;
        this.metrics = metrics;
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                record(done, start);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private void record(HttpServerExchange exchange, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String route = match == null ? routeOf(exchange.getRelativePath()) : match.getMatchedTemplate();
        long received = ExchangeGuard.receivedBytes(exchange);
        long sent = exchange.getResponseBytesSent();
        int status = ExchangeGuard.recordedStatus(exchange);
        String method = exchange.getRequestMethod().toString();
        metrics.request(route, method, status, seconds, received, sent);
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        String client = exchange.getSourceAddress() == null ? "-" : exchange.getSourceAddress().getAddress().getHostAddress();
        String path = exchange.getRequestURI();
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("client", client);
            line.put("user", Principal.of(exchange).user());
            line.put("method", method);
            line.put("path", path);
            line.put("route", route);
            line.put("status", status);
            line.put("bytes_in", received);
            line.put("bytes_out", sent);
            line.put("duration_ms", Math.round(seconds * 1e6) / 1e3);
            LOG.log(Level.INFO, new String(Json.bytes(line), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            // "%s %s %s %s %d in=%d out=%d %.1fms" without a Formatter per request
            long tenths = Math.round(seconds * 1e4);
            StringBuilder line = new StringBuilder(96 + path.length());
            line.append(client).append(' ').append(Principal.of(exchange)).append(' ').append(method).append(' ')
                    .append(path).append(' ').append(status).append(" in=").append(received).append(" out=").append(sent)
                    .append(' ').append(tenths / 10).append('.').append(tenths % 10).append("ms");
            LOG.log(Level.INFO, line.toString());
        }
    }

    private static String routeOf(String path) {
        // unmatched paths would blow up label cardinality: fold them into one
        return switch (path) {
            case "/healthz", "/readyz", "/metrics" -> path;
            default -> "unmatched";
        };
    }
}
