package io.pkgr.registry.web;

import io.pkgr.api.PypiFile;
import io.pkgr.api.SearchResults;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Permission;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Version;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.catalog.SessionStore;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.RenderCache;
import io.pkgr.registry.http.Rendered;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.maven.MavenCatalog;
import io.pkgr.registry.pypi.PypiCatalog;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The web UI: HTML pages at {@code /} and under {@code /ui/}, under the same access rules as the
 * API (a reader sees only names they may read; a name they may not read is "not found", exactly
 * like a name that does not exist). Readers authenticate with Basic credentials or with the login
 * form, which starts a session ({@link WebSessions}); the only write is yank / un-yank, a form
 * that must carry the reader's CSRF token. {@code GET /} from a client that does not ask for HTML
 * gets a small JSON index instead, so API clients probing the root see JSON as before.
 */
public final class WebRoutes {

    private static final System.Logger LOG = System.getLogger(WebRoutes.class.getName());
    private static final String HTML = "text/html; charset=utf-8";
    /** No inline script or style, nothing from elsewhere; forms post only here; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final int MAX_REASON = 1000;
    private static final int MAX_QUERY = 200;
    private static final int HITS = 50;
    private static final int RECENT = 20;
    /** Where a login may send the browser next: a path below the registry's root, nothing with a scheme or host. */
    private static final Pattern SAFE_NEXT = Pattern.compile("(ui/[A-Za-z0-9._~%/+-]*)?");

    private final Catalog catalog;
    private final PypiCatalog pypi;
    private final MavenCatalog maven;
    private final AccessControl access;
    private final BooleanSupplier shuttingDown;
    private final WebSessions sessions;
    private final Pages pages;
    private final Map<String, StaticFile> statics = new HashMap<>();
    /** Bundle page renderings kept: each is one version's page (tens of KB at most), for one page depth. */
    static final int MAX_CACHED_PAGES = 1000;
    // the reader-independent part of a bundle page, rendered once per change of the name's version list;
    // bounded, as every version of every bundle ever viewed would otherwise stay in memory
    private final RenderCache<FragmentKey> fragments = new RenderCache<>("", MAX_CACHED_PAGES);

    private record FragmentKey(String normalized, Version version) {
    }

    private record StaticFile(Rendered body, String contentType) {
    }

    /** Sessions in {@code sessions} when replicas share them, else in this process. */
    public WebRoutes(Catalog catalog, PypiCatalog pypi, MavenCatalog maven, AccessControl access,
            BooleanSupplier shuttingDown, Optional<SessionStore> sessions) {
        this(catalog, pypi, maven, access, shuttingDown, sessions, Clock.systemUTC());
    }

    WebRoutes(Catalog catalog, PypiCatalog pypi, MavenCatalog maven, AccessControl access, BooleanSupplier shuttingDown,
            Optional<SessionStore> sessions, Clock clock) {
        this.catalog = catalog;
        this.pypi = pypi;
        this.maven = maven;
        this.access = access;
        this.shuttingDown = shuttingDown;
        this.sessions = new WebSessions(sessions.orElseGet(() -> new MemorySessions(clock)), access::credentialFingerprint,
                clock);
        String version = WebRoutes.class.getPackage().getImplementationVersion();
        this.pages = new Pages(version == null ? "dev" : version);
        loadStatic("app.css", "text/css; charset=utf-8");
        loadStatic("app.js", "text/javascript; charset=utf-8");
    }

    /** Adds every route to {@code routes}. */
    public void register(RoutingHandler routes) {
        routes.get("/", Route.blocking(this::home))
                .get("/ui/bundles/{name}", Route.blocking(this::bundle))
                .get("/ui/bundles/{name}/{version}", Route.blocking(this::bundle))
                .post("/ui/bundles/{name}/{version}/yank", Route.blocking(this::yank))
                .get("/ui/pypi/{project}", Route.blocking(this::project))
                .get("/ui/maven/{group}/{artifact}", Route.blocking(this::mavenArtifact))
                .get("/ui/maven/{group}/{artifact}/{version}", Route.blocking(this::mavenArtifact))
                .get("/ui/login", Route.blocking(this::loginForm)) // reads the session: may wait on the database
                .post("/ui/login", Route.blocking(this::login))
                .post("/ui/logout", Route.blocking(this::logout))
                .get("/ui/static/{file}", Route.of(this::staticFile));
    }

    // ---- pages --------------------------------------------------------------------------

    private void home(HttpServerExchange exchange) throws IOException {
        if (!wantsHtml(exchange)) {
            exchange.getResponseHeaders().put(Headers.VARY, "Accept");
            Json.send(exchange, StatusCodes.OK, Map.of("name", "pkgr", "api", "api/v1/", "simple", "simple/", "ui", "./"));
            return;
        }
        Viewer viewer = viewer(exchange);
        String query = Optional.ofNullable(exchange.getQueryParameters().get("q")).map(q -> q.getFirst()).orElse("").strip();
        String root = root(exchange);
        String health = shuttingDown.getAsBoolean() ? "draining: shutting down" : "serving";
        if (query.length() > MAX_QUERY) {
            sendPage(exchange, StatusCodes.BAD_REQUEST, pages.page(root, "Search", viewer, "",
                    pages.message("Search too long", "A search is at most " + MAX_QUERY + " characters.")));
            return;
        }
        Principal principal = viewer.principal();
        List<SearchResults.Hit> bundleHits = List.of();
        List<String> projectHits = List.of();
        List<String> mavenHits = List.of();
        List<VersionRecord> recent = List.of();
        if (!query.isEmpty()) {
            bundleHits = catalog.search(query, 1000).stream()
                    .filter(hit -> readable(principal, hit.name().normalized()))
                    .limit(HITS)
                    .toList();
            String needle = BundleName.normalize(query.toLowerCase(Locale.ROOT));
            projectHits = pypi.projectNames().stream()
                    .filter(name -> name.contains(needle) && readable(principal, name))
                    .limit(HITS).toList();
            String lowerQuery = query.toLowerCase(Locale.ROOT);
            // from the in-memory index; the same rule as the Maven face's GET: READ on GROUP:ARTIFACT
            mavenHits = maven.find(coordinates -> coordinates.toLowerCase(Locale.ROOT).contains(lowerQuery)
                    && mavenReadable(principal, coordinates), HITS);
        } else {
            recent = catalog.recent(RECENT * 10).stream()
                    .filter(record -> readable(principal, record.name().normalized()))
                    .limit(RECENT).toList();
        }
        Pages.Home home = new Pages.Home(query, bundleHits, projectHits, mavenHits, recent, health);
        Html main = pages.home(root, home);
        if (viewer.anonymous() && !access.anonymousReadEnabled()) {
            main = new Html(512).open("p", "class", "notice").text("Anonymous reading is off here: ")
                    .element("a", "log in", "href", root + "ui/login").text(" to see what you may read.")
                    .close("p").nl().append(main);
        }
        sendPage(exchange, StatusCodes.OK, pages.page(root, query.isEmpty() ? "Home" : "Search: " + query, viewer, query, main));
    }

    private void bundle(HttpServerExchange exchange) throws IOException {
        Viewer viewer = viewer(exchange);
        String root = root(exchange);
        Optional<BundleName> name = bundleName(parameter(exchange, "name"));
        if (name.isEmpty() || !readable(viewer.principal(), name.get().normalized())) {
            notReadable(exchange, viewer, root);
            return;
        }
        Optional<VersionList> list = catalog.versions(name.get());
        if (list.isEmpty()) {
            notReadable(exchange, viewer, root);
            return;
        }
        String rawVersion = parameter(exchange, "version");
        Version version;
        if (rawVersion == null) {
            version = list.get().latest() != null ? list.get().latest()
                    : list.get().versions().get(list.get().versions().size() - 1).version();
        } else {
            try {
                version = Version.parse(rawVersion);
            } catch (BundleException e) {
                notReadable(exchange, viewer, root);
                return;
            }
        }
        Optional<VersionRecord> record = catalog.find(name.get(), version);
        if (record.isEmpty()) {
            notReadable(exchange, viewer, root);
            return;
        }
        VersionList versions = list.get();
        VersionRecord selected = record.get();
        // a version page and the bundle page link with different roots: cache by the page's depth too
        String fragmentRoot = root;
        Rendered fragment = fragments.render(new FragmentKey(name.get().normalized() + "\0" + fragmentRoot, version), versions,
                v -> pages.bundle(fragmentRoot, v, selected, manifest(selected)).bytes());
        // the cached part goes out as the bytes it is; only the reader's header and form are written per request
        byte[] form = !viewer.anonymous() && access.allows(viewer.principal(), Permission.YANK, name.get().normalized())
                ? pages.yankForm(root, selected, viewer).bytes() : new byte[0];
        sendPage(exchange, StatusCodes.OK,
                pages.pageStart(root, selected.name().value() + " " + selected.version(), viewer, null).bytes(),
                fragment.body(), form, pages.pageEnd(root).bytes());
    }

    private void project(HttpServerExchange exchange) {
        Viewer viewer = viewer(exchange);
        String root = root(exchange);
        String raw = parameter(exchange, "project");
        String normalized = raw != null && BundleName.isValid(raw) ? BundleName.normalize(raw) : null;
        List<PypiFile> files = normalized == null || !readable(viewer.principal(), normalized) ? List.of() : pypi.files(normalized);
        if (files.isEmpty()) {
            notReadable(exchange, viewer, root);
            return;
        }
        String indexUrl = exchange.getRequestScheme() + "://" + exchange.getHostAndPort() + "/simple/";
        sendPage(exchange, StatusCodes.OK, pages.page(root, normalized, viewer, null, pages.project(root, normalized, files, indexUrl)));
    }

    private void mavenArtifact(HttpServerExchange exchange) throws IOException {
        Viewer viewer = viewer(exchange);
        String root = root(exchange);
        String group = parameter(exchange, "group");
        String artifactId = parameter(exchange, "artifact");
        Optional<MavenCatalog.Artifact> artifact = group == null || artifactId == null
                || !mavenReadable(viewer.principal(), group + ":" + artifactId) ? Optional.empty()
                : maven.artifact(group, artifactId);
        String rawVersion = parameter(exchange, "version");
        Optional<MavenCatalog.ArtifactVersion> selected = artifact.flatMap(a -> a.versions().stream()
                .filter(v -> rawVersion == null || v.version().equals(rawVersion)).findFirst());
        if (selected.isEmpty()) {
            notReadable(exchange, viewer, root);
            return;
        }
        String repositoryUrl = exchange.getRequestScheme() + "://" + exchange.getHostAndPort() + "/maven/";
        sendPage(exchange, StatusCodes.OK, pages.page(root, artifact.get().coordinates(), viewer, null,
                pages.mavenArtifact(root, artifact.get(), selected.get(), repositoryUrl)));
    }

    /** Unknown and unreadable look the same; an anonymous reader is offered the login first. */
    private void notReadable(HttpServerExchange exchange, Viewer viewer, String root) {
        if (viewer.anonymous() && !access.anonymousReadEnabled()) {
            String next = exchange.getRelativePath().substring(1);
            redirect(exchange, root + "ui/login?next=" + Pages.encode(next));
            return;
        }
        sendPage(exchange, StatusCodes.NOT_FOUND, pages.page(root, "Not found", viewer, null,
                pages.message("Not found", "There is nothing here that you may read.")));
    }

    // ---- the one write: yank / un-yank ----------------------------------------------------

    private void yank(HttpServerExchange exchange) throws IOException {
        Viewer viewer = viewer(exchange);
        String root = root(exchange);
        if (!sameOrigin(exchange)) {
            forbidden(exchange, viewer, root, "This form may only be sent from this registry's own pages.");
            return;
        }
        Optional<BundleName> name = bundleName(parameter(exchange, "name"));
        Version version;
        try {
            version = Version.parse(parameter(exchange, "version"));
        } catch (BundleException e) {
            notReadable(exchange, viewer, root);
            return;
        }
        if (name.isEmpty() || !readable(viewer.principal(), name.get().normalized())
                || catalog.find(name.get(), version).isEmpty()) {
            notReadable(exchange, viewer, root);
            return;
        }
        Map<String, String> form = form(exchange);
        if (viewer.anonymous() || !csrfMatches(viewer, form.get("csrf"))) {
            forbidden(exchange, viewer, root, "The form has expired or did not come from this registry: reload the page and try again.");
            return;
        }
        if (!access.allows(viewer.principal(), Permission.YANK, name.get().normalized())) {
            forbidden(exchange, viewer, root, viewer.user() + " may not yank " + name.get().normalized() + ".");
            return;
        }
        boolean yank = !"unyank".equals(form.get("action"));
        String reason = form.getOrDefault("reason", "").strip();
        if (yank && (reason.isEmpty() || reason.length() > MAX_REASON)) {
            sendPage(exchange, StatusCodes.BAD_REQUEST, pages.page(root, "Yank", viewer, null, pages.message("Yank refused",
                    "Give a reason of 1 to " + MAX_REASON + " characters: readers see it beside the version.")));
            return;
        }
        VersionRecord record = catalog.setYanked(name.get(), version, yank, yank ? reason : null).orElse(null);
        if (record == null) {
            notReadable(exchange, viewer, root);
            return;
        }
        LOG.log(Level.INFO, "{0} {1} {2} by {3} (web)", yank ? "yanked" : "unyanked", record.name(), record.version(),
                viewer.principal());
        redirect(exchange, root + Pages.versionPath(name.get().normalized(), version.toString()));
    }

    // ---- login --------------------------------------------------------------------------

    private void loginForm(HttpServerExchange exchange) {
        Viewer viewer = viewer(exchange);
        String next = Optional.ofNullable(exchange.getQueryParameters().get("next")).map(q -> q.getFirst()).orElse("");
        String root = root(exchange);
        sendPage(exchange, StatusCodes.OK, pages.page(root, "Log in", viewer, null, pages.login(root, safeNext(next), null)));
    }

    private void login(HttpServerExchange exchange) throws IOException {
        String root = root(exchange);
        if (!sameOrigin(exchange)) {
            forbidden(exchange, Viewer.ANONYMOUS, root, "This form may only be sent from this registry's own pages.");
            return;
        }
        Map<String, String> form = form(exchange);
        String user = form.getOrDefault("user", "");
        String password = form.getOrDefault("password", "");
        String next = safeNext(form.getOrDefault("next", ""));
        AuthResult outcome = user.isEmpty() || user.contains(":") ? AuthResult.anonymous()
                : access.authenticate("Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)), clientAddress(exchange));
        if (outcome.status() != AuthResult.Status.OK) {
            boolean limited = outcome.status() == AuthResult.Status.RATE_LIMITED;
            if (limited) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(outcome.retryAfterSeconds()));
            }
            sendPage(exchange, limited ? StatusCodes.TOO_MANY_REQUESTS : StatusCodes.UNAUTHORIZED,
                    pages.page(root, "Log in", Viewer.ANONYMOUS, null, pages.login(root, next, limited
                            ? "Too many failed logins: try again in " + outcome.retryAfterSeconds() + " seconds."
                            : "Wrong user or password.")));
            return;
        }
        if (outcome.token() != null) {
            // a session keeps only the user: it would carry the owner's rights, not the token's scopes
            sendPage(exchange, StatusCodes.UNAUTHORIZED, pages.page(root, "Log in", Viewer.ANONYMOUS, null,
                    pages.login(root, next, "API tokens cannot open a web session: log in with your password.")));
            return;
        }
        String token = sessions.create(outcome.user());
        exchange.setResponseCookie(sessionCookie(exchange, token).setMaxAge((int) WebSessions.TTL.toSeconds()));
        LOG.log(Level.INFO, "web login by {0}", outcome.user());
        redirect(exchange, root + (next.isEmpty() ? "" : next));
    }

    private void logout(HttpServerExchange exchange) throws IOException {
        Viewer viewer = viewer(exchange);
        String root = root(exchange);
        Map<String, String> form = form(exchange);
        if (!sameOrigin(exchange) || (viewer.session() && !csrfMatches(viewer, form.get("csrf")))) {
            forbidden(exchange, viewer, root, "The form has expired or did not come from this registry.");
            return;
        }
        sessions.end(sessionToken(exchange));
        exchange.setResponseCookie(sessionCookie(exchange, "").setMaxAge(0));
        redirect(exchange, root);
    }

    private Cookie sessionCookie(HttpServerExchange exchange, String value) {
        return new io.undertow.server.handlers.CookieImpl(WebSessions.COOKIE, value).setPath("/").setHttpOnly(true)
                .setSameSiteMode("Strict").setSecure("https".equals(exchange.getRequestScheme()));
    }

    // ---- static files -------------------------------------------------------------------

    private void staticFile(HttpServerExchange exchange) {
        StaticFile file = statics.get(parameter(exchange, "file"));
        if (file == null) {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("not found");
            return;
        }
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=3600");
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        file.body().send(exchange, file.contentType());
    }

    private void loadStatic(String name, String contentType) {
        try (InputStream in = WebRoutes.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource static/" + name);
            }
            statics.put(name, new StaticFile(Rendered.of(in.readAllBytes(), "s"), contentType));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- who is looking -------------------------------------------------------------------

    /** Basic credentials (checked before any route) win; else the session cookie; else anonymous. */
    private Viewer viewer(HttpServerExchange exchange) {
        Principal principal = Principal.of(exchange);
        if (!principal.anonymous()) {
            return new Viewer(principal, false, sessions.basicCsrf(principal.user()));
        }
        return sessions.find(sessionToken(exchange))
                .map(s -> new Viewer(new Principal(s.user()), true, s.csrf()))
                .orElse(Viewer.ANONYMOUS);
    }

    /** The session's own token, or a Basic user's of this window or the one before. */
    private boolean csrfMatches(Viewer viewer, String given) {
        return viewer.session() ? WebSessions.same(viewer.csrf(), given) : sessions.acceptsBasicCsrf(viewer.user(), given);
    }

    private static String sessionToken(HttpServerExchange exchange) {
        Cookie cookie = exchange.getRequestCookie(WebSessions.COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    private boolean readable(Principal principal, String normalized) {
        return access.allows(principal, Permission.READ, normalized);
    }

    /** The Maven face's rule: READ on {@code GROUP:ARTIFACT}, matched exactly. */
    private boolean mavenReadable(Principal principal, String coordinates) {
        return access.allowsExactly(principal, Permission.READ, coordinates);
    }

    /**
     * False when the browser says the request comes from another site. SameSite=Strict already
     * keeps the session cookie off such requests; this covers readers who use Basic credentials,
     * which browsers attach to any request.
     */
    private static boolean sameOrigin(HttpServerExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        return origin == null || origin.equals(exchange.getRequestScheme() + "://" + exchange.getHostAndPort());
    }

    // ---- HTTP details -------------------------------------------------------------------

    private static boolean wantsHtml(HttpServerExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && (accept.contains("text/html") || accept.contains("application/xhtml+xml"));
    }

    /** The way back to the registry's root from this page: {@code ./} at the root, {@code ../../} two levels down. */
    static String root(HttpServerExchange exchange) {
        String path = exchange.getRelativePath();
        int depth = 0;
        for (int i = 1; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                depth++;
            }
        }
        return depth == 0 ? "./" : "../".repeat(depth);
    }

    private static void sendPage(HttpServerExchange exchange, int status, Html page) {
        sendPage(exchange, status, page.bytes());
    }

    private static void sendPage(HttpServerExchange exchange, int status, byte[]... parts) {
        securityHeaders(exchange);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, HTML);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "private, no-store");
        exchange.getResponseHeaders().put(Headers.VARY, "Accept, Authorization, Cookie");
        long length = 0;
        ByteBuffer[] buffers = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            length += parts[i].length;
            buffers[i] = ByteBuffer.wrap(parts[i]);
        }
        exchange.setResponseContentLength(length);
        if (exchange.getRequestMethod().equals(io.undertow.util.Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(buffers);
    }

    private static void securityHeaders(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(HttpString.tryFromString("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.getResponseHeaders().put(Headers.X_FRAME_OPTIONS, "DENY");
        exchange.getResponseHeaders().put(HttpString.tryFromString("Referrer-Policy"), "same-origin");
    }

    private void forbidden(HttpServerExchange exchange, Viewer viewer, String root, String why) {
        sendPage(exchange, StatusCodes.FORBIDDEN, pages.page(root, "Not allowed", viewer, null, pages.message("Not allowed", why)));
    }

    /** 303: after a form, the browser GETs the page (reloading it never re-posts). */
    private static void redirect(HttpServerExchange exchange, String location) {
        securityHeaders(exchange);
        exchange.setStatusCode(StatusCodes.SEE_OTHER);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.endExchange();
    }

    /** An {@code application/x-www-form-urlencoded} body of at most 16 KiB. */
    private static Map<String, String> form(HttpServerExchange exchange) throws IOException {
        byte[] body = exchange.getInputStream().readNBytes(MAX_FORM_BYTES + 1);
        Map<String, String> fields = new HashMap<>();
        if (body.length > MAX_FORM_BYTES) {
            return fields;
        }
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the field is left out, and the form fails its checks
            }
        }
        return fields;
    }

    private static String safeNext(String next) {
        return SAFE_NEXT.matcher(next).matches() && !next.contains("..") ? next : "";
    }

    private static Optional<BundleName> bundleName(String raw) {
        if (raw == null || !BundleName.isValid(raw)) {
            return Optional.empty();
        }
        return Optional.of(BundleName.parse(raw));
    }

    private static Manifest manifest(VersionRecord record) {
        try {
            return Manifest.parseJson(Json.MAPPER.writeValueAsBytes(record.manifest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String parameter(HttpServerExchange exchange, String key) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? null : match.getParameters().get(key);
    }

    private static InetAddress clientAddress(HttpServerExchange exchange) {
        InetSocketAddress address = exchange.getSourceAddress();
        return address == null ? InetAddress.getLoopbackAddress() : address.getAddress();
    }
}
