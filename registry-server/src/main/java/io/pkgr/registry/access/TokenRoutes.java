package io.pkgr.registry.access;

import io.pkgr.api.ApiPaths;
import io.pkgr.api.ErrorCode;
import io.pkgr.api.Tokens;
import io.pkgr.auth.AccessRules;
import io.pkgr.auth.ApiToken;
import io.pkgr.auth.ApiTokens;
import io.pkgr.auth.TokenScope;
import io.pkgr.registry.audit.Audit;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.Route;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/tokens}: make, list and revoke API tokens. Users manage their own tokens, a
 * registry admin ({@code admin} on {@code *}) anyone's. A token never manages tokens (a leaked CI
 * token must not mint more), and is never made with a scope its owner does not hold on every
 * name the scope's pattern matches; the owner's grants are checked again at each use.
 */
public final class TokenRoutes {

    private static final System.Logger LOG = System.getLogger(TokenRoutes.class.getName());
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_SCOPES = 32;
    private static final int MAX_BODY = 16 * 1024;

    private final ApiTokens tokens;
    private final AccessRules rules;

    public TokenRoutes(ApiTokens tokens, AccessRules rules) {
        this.tokens = tokens;
        this.rules = rules;
    }

    /** Adds the routes to {@code routes}. */
    public void register(RoutingHandler routes) {
        routes.get(ApiPaths.TOKENS, Route.blocking(this::list))
                .post(ApiPaths.TOKENS, Route.blocking(this::create))
                .delete(ApiPaths.TOKEN, Route.blocking(this::revoke));
    }

    private void list(HttpServerExchange exchange) throws IOException {
        Principal caller = manager(exchange);
        String user = query(exchange, "user");
        if (user != null && !user.equals(caller.user()) && !rules.isRegistryAdmin(caller.user())) {
            throw new ApiException(ErrorCode.TOKEN_MANAGEMENT_DENIED,
                    "user '" + caller.user() + "' may list only their own tokens (a registry admin may list anyone's)");
        }
        String only = user != null ? user : rules.isRegistryAdmin(caller.user()) ? null : caller.user();
        List<Tokens.Info> listed = tokens.list().stream()
                .filter(token -> only == null || token.user().equals(only))
                .map(TokenRoutes::info).toList();
        Json.send(exchange, StatusCodes.OK, new Tokens.Listing(listed));
    }

    private void create(HttpServerExchange exchange) throws IOException {
        Audit.action(exchange, "token-create", null, null);
        Principal caller = manager(exchange);
        Tokens.CreateRequest request = readRequest(exchange);
        String owner = request.user() != null ? request.user() : caller.user();
        Audit.action(exchange, "token-create", owner, request.name());
        if (!owner.equals(caller.user()) && !rules.isRegistryAdmin(caller.user())) {
            throw new ApiException(ErrorCode.TOKEN_MANAGEMENT_DENIED,
                    "user '" + caller.user() + "' may make tokens only for themselves (a registry admin may for anyone)");
        }
        List<TokenScope> scopes = scopes(request);
        Audit.detail(exchange, "scopes " + scopes + (request.expires() == null ? ", never expires" : ", expires " + request.expires()));
        for (TokenScope scope : scopes) {
            if (!rules.allowsEveryName(owner, scope.permission(), scope.pattern())) {
                throw new ApiException(ErrorCode.TOKEN_SCOPE_EXCEEDED, owner, scope.permission(), scope.pattern());
            }
        }
        ApiTokens.Created created = tokens.create(owner, request.name(), scopes, request.expires())
                .orElseThrow(() -> new ApiException(ErrorCode.TOKEN_EXISTS, owner, request.name()));
        Audit.detail(exchange, "token " + created.token().id() + ", scopes " + scopes
                + (request.expires() == null ? ", never expires" : ", expires " + request.expires()));
        LOG.log(Level.INFO, "API token {0} ({1}) of {2} made by {3}", created.token().name(), created.token().id(), owner,
                caller);
        exchange.getResponseHeaders().put(io.undertow.util.Headers.CACHE_CONTROL, "no-store");
        Json.send(exchange, StatusCodes.CREATED, new Tokens.Created(created.secret(), info(created.token())));
    }

    private void revoke(HttpServerExchange exchange) throws IOException {
        String id = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY).getParameters().get("id");
        Audit.action(exchange, "token-revoke", null, id);
        Principal caller = manager(exchange);
        Optional<ApiToken> token = tokens.store().find(id);
        boolean mayRevoke = token.isPresent()
                && (token.get().user().equals(caller.user()) || rules.isRegistryAdmin(caller.user()));
        if (!mayRevoke) {
            // another user's token is as unknown as a missing one: ids are not for probing
            throw new ApiException(ErrorCode.TOKEN_UNKNOWN, printable(id));
        }
        Audit.action(exchange, "token-revoke", token.get().user(), token.get().name());
        Audit.detail(exchange, "token " + id);
        ApiToken revoked = tokens.revoke(id).orElseThrow(() -> new ApiException(ErrorCode.TOKEN_UNKNOWN, printable(id)));
        LOG.log(Level.INFO, "API token {0} ({1}) of {2} revoked by {3}", revoked.name(), id, revoked.user(), caller);
        Json.send(exchange, StatusCodes.OK, info(revoked));
    }

    /** The caller, who must have logged in with a password. */
    private static Principal manager(HttpServerExchange exchange) {
        Principal caller = Principal.of(exchange);
        if (caller.anonymous()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED);
        }
        if (caller.token() != null) {
            throw new ApiException(ErrorCode.TOKEN_MANAGEMENT_DENIED,
                    "API tokens cannot manage tokens; log in with the password of '" + caller.user() + "'");
        }
        return caller;
    }

    private static Tokens.CreateRequest readRequest(HttpServerExchange exchange) throws IOException {
        byte[] body = exchange.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "token request larger than " + MAX_BODY + " bytes");
        }
        Tokens.CreateRequest request;
        try {
            request = Json.MAPPER.readValue(body, Tokens.CreateRequest.class);
        } catch (IOException | RuntimeException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST,
                    "token request must be JSON: {\"name\": \"ci\", \"scopes\": [\"churn-*:publish\"], \"expires\": \"2026-01-01T00:00:00Z\"}");
        }
        if (request == null || request.name() == null || !TOKEN_NAME.matcher(request.name()).matches()) {
            throw new ApiException(ErrorCode.BAD_REQUEST,
                    "a token name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (request.expires() != null && !request.expires().isAfter(Instant.now())) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the expiry " + request.expires() + " is not in the future");
        }
        return request;
    }

    private static List<TokenScope> scopes(Tokens.CreateRequest request) {
        if (request.scopes().isEmpty() || request.scopes().size() > MAX_SCOPES) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a token needs 1 to " + MAX_SCOPES
                    + " scopes, each PATTERN:PERMISSION such as 'churn-*:publish'");
        }
        List<TokenScope> scopes = new ArrayList<>();
        for (String text : request.scopes()) {
            try {
                scopes.add(TokenScope.parse(text == null ? "" : text));
            } catch (IllegalArgumentException e) {
                throw new ApiException(ErrorCode.BAD_REQUEST, e.getMessage());
            }
        }
        return scopes;
    }

    private static Tokens.Info info(ApiToken token) {
        return new Tokens.Info(token.id(), token.user(), token.name(),
                token.scopes().stream().map(TokenScope::toString).toList(), token.created(), token.expires(),
                token.lastUsed());
    }

    private static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; s != null && i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
