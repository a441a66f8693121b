package io.pkgr.registry.http;

import io.pkgr.api.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatcher;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Undertow's router with what HTTP asks of it: every GET route answers HEAD too (probes and load
 * balancers send HEAD), a path that exists for other methods answers 405 with {@code Allow} naming
 * them, and any other path 404 — both as JSON errors.
 */
public final class Routes extends RoutingHandler {

    /** Path templates by method, kept beside Undertow's private ones to answer "which methods may this path take". */
    private final Map<String, PathTemplateMatcher<Boolean>> templates = new TreeMap<>();

    public Routes() {
        super(false);
        setFallbackHandler(Route.of(exchange -> {
            throw new ApiException(ErrorCode.NOT_FOUND, exchange.getRequestPath());
        }));
        setInvalidMethodHandler(Route.of(exchange -> {
            throw new ApiException(ErrorCode.METHOD_NOT_ALLOWED, Map.of("Allow", allowed(exchange.getRelativePath())),
                    exchange.getRequestMethod());
        }));
    }

    @Override
    public synchronized RoutingHandler add(HttpString method, String template, HttpHandler handler) {
        remember(method, template);
        super.add(method, template, handler);
        if (method.equals(Methods.GET) && !registered(Methods.HEAD, template)) {
            // Undertow's HEAD conduit sends the headers of the GET answer and drops its body
            remember(Methods.HEAD, template);
            super.add(Methods.HEAD, template, handler);
        }
        return this;
    }

    /** The methods {@code path} answers, e.g. {@code "DELETE, GET, HEAD, PUT"}; routes are all added before the server starts. */
    String allowed(String path) {
        return templates.entrySet().stream()
                .filter(entry -> entry.getValue().match(path) != null)
                .map(Map.Entry::getKey)
                .collect(Collectors.joining(", "));
    }

    private boolean registered(HttpString method, String template) {
        PathTemplateMatcher<Boolean> matcher = templates.get(method.toString());
        return matcher != null && matcher.get(template) != null;
    }

    private void remember(HttpString method, String template) {
        if (!registered(method, template)) {
            templates.computeIfAbsent(method.toString(), m -> new PathTemplateMatcher<>()).add(template, Boolean.TRUE);
        }
    }
}
