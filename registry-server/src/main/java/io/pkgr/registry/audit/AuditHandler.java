package io.pkgr.registry.audit;

import io.pkgr.api.ErrorCode;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.http.ErrorResponder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Writes an audit line for every request that changed something (its route named an
 * {@link Audit#action}) and for every write request that was refused or failed, whatever
 * refused it (bad credentials, a scope, a conflict). Reads change nothing and are not logged.
 * Sits inside the client-address handler, so {@code address} is the client behind a trusted proxy.
 */
public final class AuditHandler implements HttpHandler {

    private final AuditLog log;
    private final HttpHandler next;

    public AuditHandler(AuditLog log, HttpHandler next) {
        this.log = log;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (isWrite(exchange.getRequestMethod()) && exchange.getAttachment(Audit.KEY) == null) {
            Audit audit = new Audit();
            exchange.putAttachment(Audit.KEY, audit);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                try {
                    record(done, audit);
                } finally {
                    nextListener.proceed();
                }
            });
        }
        next.handleRequest(exchange);
    }

    private void record(HttpServerExchange exchange, Audit audit) {
        int status = exchange.getStatusCode();
        if (audit.action == null && status < 400) {
            return; // a write that changes no record (a blob upload, a query for missing blobs)
        }
        Principal principal = Principal.of(exchange);
        ErrorCode code = exchange.getAttachment(ErrorResponder.ERROR_CODE);
        InetSocketAddress source = exchange.getSourceAddress();
        log.record(new AuditEvent(Instant.now(), audit.action == null ? "request" : audit.action,
                status >= 500 ? AuditEvent.FAILED : status >= 400 ? AuditEvent.REFUSED : AuditEvent.OK,
                status, code == null ? null : code.name(), principal.user(),
                principal.token() == null ? null : principal.token().id(),
                principal.token() == null ? null : principal.token().name(),
                source == null || source.getAddress() == null ? null : source.getAddress().getHostAddress(),
                exchange.getRequestMethod().toString(), printable(exchange.getRequestPath()),
                audit.name, audit.version, audit.sha256, audit.detail));
    }

    private static boolean isWrite(HttpString method) {
        return !method.equals(Methods.GET) && !method.equals(Methods.HEAD) && !method.equals(Methods.OPTIONS);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
