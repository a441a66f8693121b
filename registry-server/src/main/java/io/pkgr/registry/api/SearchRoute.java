package io.pkgr.registry.api;

import io.pkgr.api.ApiPaths;
import io.pkgr.api.ErrorCode;
import io.pkgr.api.SearchResults;
import io.pkgr.auth.Permission;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.maven.MavenCatalog;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /api/v1/search}: the bundles and the Maven artifacts the caller may read whose names
 * contain the query. Both answer from memory (the bundle catalog, the Maven index), on the IO thread.
 */
public final class SearchRoute {

    static final int MAX_QUERY = 200;
    static final int MAX_HITS = 100;

    private final Catalog catalog;
    private final MavenCatalog maven;
    private final AccessControl access;

    public SearchRoute(Catalog catalog, MavenCatalog maven, AccessControl access) {
        this.catalog = catalog;
        this.maven = maven;
        this.access = access;
    }

    /** Adds the route to {@code routes}. */
    public void register(RoutingHandler routes) {
        routes.get(ApiPaths.SEARCH, Route.of(this::search));
    }

    private void search(HttpServerExchange exchange) {
        String query = Optional.ofNullable(exchange.getQueryParameters().get("q"))
                .map(values -> values.getFirst()).orElse("");
        if (query.length() > MAX_QUERY) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "search query longer than " + MAX_QUERY + " characters");
        }
        Principal principal = Principal.of(exchange);
        List<SearchResults.Hit> bundles = catalog.search(query, 1000).stream()
                .filter(hit -> access.allows(principal, Permission.READ, hit.name().normalized()))
                .limit(MAX_HITS)
                .toList();
        String needle = query.toLowerCase(Locale.ROOT);
        // the Maven face's rule: READ on GROUP:ARTIFACT, matched exactly
        List<SearchResults.MavenHit> artifacts = maven.find(coordinates -> coordinates.toLowerCase(Locale.ROOT).contains(needle)
                        && access.allowsExactly(principal, Permission.READ, coordinates), MAX_HITS).stream()
                .map(SearchResults.MavenHit::of)
                .toList();
        if (principal.anonymous() && bundles.isEmpty() && artifacts.isEmpty() && !access.anonymousReadEnabled()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED);
        }
        Json.send(exchange, StatusCodes.OK, new SearchResults(query, bundles, artifacts));
    }
}
