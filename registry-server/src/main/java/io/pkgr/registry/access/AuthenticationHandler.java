package io.pkgr.registry.access;

import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Permission;
import io.pkgr.registry.http.ApiException;
import io.pkgr.api.ErrorCode;
import io.pkgr.registry.http.ErrorResponder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves who is calling before any route runs, and attaches the {@link Principal}. Bad or
 * malformed credentials are 401 even on routes anonymous users may read: a client that sent a
 * password wants to know it is wrong. The header itself is never logged.
 */
public final class AuthenticationHandler implements HttpHandler {

    private final AccessControl access;
    private final HttpHandler next;

    public AuthenticationHandler(AccessControl access, HttpHandler next) {
        this.access = access;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (exchange.isInIoThread() && !access.isCached(header)) {
            // a cache miss means bcrypt: never on an IO thread
            exchange.dispatch(this);
            return;
        }
        AuthResult outcome;
        try {
            outcome = access.authenticate(header, clientAddress(exchange));
        } catch (RuntimeException e) {
            ErrorResponder.send(exchange, e);
            return;
        }
        Principal principal;
        switch (outcome.status()) {
            case OK -> principal = new Principal(outcome.user(), outcome.token());
            case ANONYMOUS -> principal = Principal.ANONYMOUS;
            default -> {
                ErrorResponder.send(exchange, rejection(outcome));
                return;
            }
        }
        exchange.putAttachment(Principal.KEY, principal);
        next.handleRequest(exchange);
    }

    private static ApiException rejection(AuthResult outcome) {
        return switch (outcome.status()) {
            case RATE_LIMITED -> new ApiException(ErrorCode.TOO_MANY_ATTEMPTS,
                    Map.of("Retry-After", Long.toString(outcome.retryAfterSeconds())), outcome.retryAfterSeconds());
            case MALFORMED -> new ApiException(ErrorCode.MALFORMED_CREDENTIALS);
            case TOKEN_INVALID -> new ApiException(ErrorCode.TOKEN_INVALID);
            case TOKEN_EXPIRED -> new ApiException(ErrorCode.TOKEN_EXPIRED, outcome.token().name(), outcome.token().user(),
                    outcome.token().expires());
            default -> new ApiException(ErrorCode.BAD_CREDENTIALS);
        };
    }

    private static InetAddress clientAddress(HttpServerExchange exchange) {
        InetSocketAddress address = exchange.getSourceAddress();
        return address == null ? InetAddress.getLoopbackAddress() : address.getAddress();
    }

    /** Throws 401 (anonymous) or 403 (a user) unless the caller may do {@code permission} on {@code name}. */
    public static void require(AccessControl access, HttpServerExchange exchange, Permission permission, String normalizedName) {
        Principal principal = Principal.of(exchange);
        if (!access.allows(principal, permission, normalizedName)) {
            throw refusal(principal, permission, normalizedName,
                    principal.token() != null && !principal.token().allows(permission, normalizedName));
        }
    }

    /**
     * Like {@link #require}, matching {@code name} exactly against the patterns as written (Maven
     * coordinates: {@code org.foo-bar} and {@code org.foo.bar} are different groups).
     */
    public static void requireExactly(AccessControl access, HttpServerExchange exchange, Permission permission, String name) {
        Principal principal = Principal.of(exchange);
        if (!access.allowsExactly(principal, permission, name)) {
            throw refusal(principal, permission, name,
                    principal.token() != null && !principal.token().allowsExactly(permission, name));
        }
    }

    private static ApiException refusal(Principal principal, Permission permission, String name, boolean byToken) {
        String what = name.isEmpty() ? "this registry" : name;
        if (principal.anonymous()) {
            return new ApiException(ErrorCode.UNAUTHORIZED);
        }
        if (byToken) {
            return new ApiException(ErrorCode.TOKEN_DENIED, principal.token().name(), principal.user(),
                    permission.toString(), what,
                    principal.token().scopes().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        return new ApiException(ErrorCode.DENIED, principal.user(), permission.toString(), what);
    }
}
