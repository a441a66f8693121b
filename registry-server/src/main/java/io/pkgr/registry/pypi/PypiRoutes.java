package io.pkgr.registry.pypi;

import io.pkgr.api.ApiPaths;
import io.pkgr.api.ErrorCode;
import io.pkgr.api.PypiFile;
import io.pkgr.api.PypiFiles;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.pep440.Pep440Version;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.AuthenticationHandler;
import io.pkgr.auth.Permission;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.audit.Audit;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.BlobResponses;
import io.pkgr.registry.http.ClientGoneException;
import io.pkgr.registry.http.ErrorResponder;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.RenderCache;
import io.pkgr.registry.http.Rendered;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.http.YankRequest;
import io.pkgr.registry.storage.BlobStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PyPI face: the simple repository API ({@code /simple/}), files ({@code /packages/…}), the
 * legacy upload ({@code /legacy/} and {@code /}), and native-style management of PyPI files under
 * {@code /api/v1/pypi}. Project names share the bundle name space for permissions. There is no
 * fallback to a public index: an unknown project is 404.
 */
public final class PypiRoutes {

    private static final System.Logger LOG = System.getLogger(PypiRoutes.class.getName());
    private static final String METADATA_SUFFIX = ".metadata";

    private final PypiCatalog catalog;
    private final BlobResponses downloads;
    private final AccessControl access;
    private final PypiUploader uploader;
    // project pages, rendered once per change: the catalog hands out a new file list when one changes
    private final RenderCache<String> html = new RenderCache<>("h");
    private final RenderCache<String> json = new RenderCache<>("j");

    public PypiRoutes(PypiCatalog catalog, BlobStore store, BlobResponses downloads, AccessControl access,
            UploadSlots uploads, long maxUploadBytes) {
        this.catalog = catalog;
        this.downloads = downloads;
        this.access = access;
        this.uploader = new PypiUploader(store, catalog, uploads, maxUploadBytes);
    }

    /** The largest upload body the routes read: the file and the most its form fields may take. */
    public long maxBodyBytes() {
        return uploader.maxBodyBytes();
    }

    /** Adds every route to {@code routes}. */
    public void register(RoutingHandler routes) {
        HttpHandler upload = uploadHandler();
        // Undertow templates treat a trailing slash as its own path: register both spellings
        routes.get("/simple", Route.of(this::root))
                .add(Methods.HEAD, "/simple", Route.of(this::root))
                .get("/simple/", Route.of(this::root))
                .add(Methods.HEAD, "/simple/", Route.of(this::root))
                .get("/simple/{project}", Route.of(this::project))
                .add(Methods.HEAD, "/simple/{project}", Route.of(this::project))
                .get("/packages/{project}/{filename}", Route.of(this::file))
                .add(Methods.HEAD, "/packages/{project}/{filename}", Route.of(this::file))
                .post("/legacy", upload)
                .post("/legacy/", upload)
                .post("/", upload)
                .get(ApiPaths.PYPI_PROJECT, Route.of(this::files))
                .post(ApiPaths.PYPI_YANK, Route.blocking(exchange -> yank(exchange, true)))
                .delete(ApiPaths.PYPI_YANK, Route.blocking(exchange -> yank(exchange, false)))
                .post(ApiPaths.PYPI_UNYANK, Route.blocking(exchange -> yank(exchange, false)))
                .delete(ApiPaths.PYPI_FILE, Route.blocking(this::delete));
    }

    private void root(HttpServerExchange exchange) {
        if (!exchange.getRequestPath().endsWith("/")) {
            redirect(exchange, "simple/");
            return;
        }
        Principal principal = Principal.of(exchange);
        List<String> names = new ArrayList<>();
        for (String name : catalog.projectNames()) {
            if (access.allows(principal, Permission.READ, name)) {
                names.add(name);
            }
        }
        if (principal.anonymous() && names.isEmpty() && !access.anonymousReadEnabled()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED);
        }
        SimpleFormat format = SimpleFormat.negotiate(exchange.getRequestHeaders().getFirst(Headers.ACCEPT));
        sendPage(exchange, Rendered.of(SimplePages.root(names, format.json()), format.json() ? "j" : "h"), format);
    }

    private void project(HttpServerExchange exchange) {
        String raw = parameter(exchange, "project");
        String normalized = projectName(raw);
        AuthenticationHandler.require(access, exchange, Permission.READ, normalized);
        boolean slash = exchange.getRequestPath().endsWith("/");
        if (!slash || !raw.equals(normalized)) {
            // relative, so it stays right behind a proxy that mounts the registry under a path
            redirect(exchange, (slash ? "../" : "") + normalized + "/");
            return;
        }
        SimpleFormat format = SimpleFormat.negotiate(exchange.getRequestHeaders().getFirst(Headers.ACCEPT));
        List<PypiFile> files = catalog.files(normalized);
        if (files.isEmpty()) {
            throw new ApiException(ErrorCode.PROJECT_UNKNOWN, normalized);
        }
        boolean asJson = format.json();
        Rendered page = (asJson ? json : html).render(normalized, files, f -> SimplePages.project(normalized, f, asJson));
        sendPage(exchange, page, format);
    }

    private static void sendPage(HttpServerExchange exchange, Rendered page, SimpleFormat format) {
        exchange.getResponseHeaders().put(Headers.VARY, "Accept, Authorization");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=0, private");
        page.send(exchange, format.contentType);
    }

    private static void redirect(HttpServerExchange exchange, String location) {
        exchange.setStatusCode(StatusCodes.MOVED_PERMANENTLY);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.endExchange();
    }

    private void file(HttpServerExchange exchange) throws IOException {
        String normalized = projectName(parameter(exchange, "project"));
        AuthenticationHandler.require(access, exchange, Permission.READ, normalized);
        String filename = parameter(exchange, "filename");
        boolean metadata = filename.endsWith(METADATA_SUFFIX);
        String distribution = metadata ? filename.substring(0, filename.length() - METADATA_SUFFIX.length()) : filename;
        PypiFile record = catalog.find(normalized, distribution)
                .orElseThrow(() -> new ApiException(ErrorCode.FILE_UNKNOWN, printable(filename), normalized));
        if (!metadata) {
            downloads.send(exchange, record.sha256(), record.size(), "application/octet-stream", record.filename());
        } else if (record.hasMetadata()) {
            downloads.send(exchange, record.metadataSha256(), record.metadataSize(),
                    "application/octet-stream", filename);
        } else {
            throw new ApiException(ErrorCode.FILE_UNKNOWN, printable(filename), normalized);
        }
    }

    private HttpHandler uploadHandler() {
        return Route.blocking(exchange -> {
            try {
                upload(exchange);
            } catch (ApiException e) {
                // the body may be unread: do not try to reuse the connection
                exchange.setPersistent(false);
                ErrorResponder.send(exchange, e, true);
            }
        });
    }

    private void upload(HttpServerExchange exchange) throws IOException {
        String path = exchange.getRequestPath();
        if (!path.equals("/") && !path.equals("/legacy") && !path.equals("/legacy/")) {
            throw new ApiException(ErrorCode.NOT_FOUND, printable(path));
        }
        Principal principal = Principal.of(exchange);
        Audit.action(exchange, "pypi-upload", null, null);
        if (principal.anonymous()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED);
        }
        if (!access.allowsOnSomeName(principal, Permission.PUBLISH)) {
            // the project is named only inside the body: refuse a user who may publish nothing before reading it
            throw new ApiException(ErrorCode.DENIED, principal.user(), Permission.PUBLISH.toString(), "any project");
        }
        String boundary = MultipartReader.boundary(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
        if (boundary == null) {
            throw new ApiException(ErrorCode.UPLOAD_INVALID,
                    "expected a multipart/form-data body with a boundary (the legacy upload API, as twine and poetry send it)");
        }
        if (exchange.getRequestContentLength() > uploader.maxBodyBytes()) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, uploader.maxUploadBytes());
        }
        UploadOutcome outcome;
        try (InputStream body = ClientGoneException.watch(exchange.getInputStream())) {
            outcome = uploader.upload(new PypiUploader.Request(body, boundary, principal.user(),
                    project -> {
                        Audit.action(exchange, "pypi-upload", project, null);
                        AuthenticationHandler.require(access, exchange, Permission.PUBLISH, project);
                    }));
        }
        PypiFile record = outcome.record();
        Audit.action(exchange, "pypi-upload", record.project(), record.filename());
        Audit.sha256(exchange, record.sha256().hex());
        if (!outcome.created()) {
            Audit.detail(exchange, "unchanged");
        }
        if (outcome.created()) {
            LOG.log(Level.INFO, "uploaded PyPI file {0} ({1} {2}) sha256 {3} by {4}", record.filename(), record.project(),
                    record.version(), record.sha256().hex(), record.uploader());
        }
        // 200 either way: twine and poetry treat any 2xx as done, and an identical re-upload is not an error
        Json.send(exchange, StatusCodes.OK, Map.of("created", outcome.created(), "file", record));
    }

    private void files(HttpServerExchange exchange) {
        String normalized = projectName(parameter(exchange, "project"));
        AuthenticationHandler.require(access, exchange, Permission.READ, normalized);
        List<PypiFile> files = catalog.files(normalized);
        if (files.isEmpty()) {
            throw new ApiException(ErrorCode.PROJECT_UNKNOWN, normalized);
        }
        Json.send(exchange, StatusCodes.OK, new PypiFiles(normalized, files));
    }

    /** {@code FILE} is a filename (that file) or a version (every file of that release). */
    private void yank(HttpServerExchange exchange, boolean yanked) throws IOException {
        String normalized = projectName(parameter(exchange, "project"));
        String target = parameter(exchange, "file");
        Audit.action(exchange, yanked ? "pypi-yank" : "pypi-unyank", normalized, printable(target));
        AuthenticationHandler.require(access, exchange, Permission.YANK, normalized);
        String reason = yanked ? YankRequest.reason(exchange) : null;
        List<PypiFile> changed;
        if (isDistributionFilename(target)) {
            changed = catalog.setYanked(normalized, target, yanked, reason).map(List::of)
                    .orElseThrow(() -> new ApiException(ErrorCode.FILE_UNKNOWN, printable(target), normalized));
        } else {
            Pep440Version version;
            try {
                version = Pep440Version.parse(target);
            } catch (IllegalArgumentException e) {
                throw new ApiException(ErrorCode.FILE_UNKNOWN, printable(target), normalized);
            }
            changed = catalog.setYankedRelease(normalized, version, yanked, reason);
            if (changed.isEmpty()) {
                throw new ApiException(ErrorCode.FILE_UNKNOWN, "of release " + version, normalized);
            }
        }
        if (changed.size() == 1) {
            Audit.sha256(exchange, changed.get(0).sha256().hex());
        } else {
            Audit.detail(exchange, changed.size() + " files: " + String.join(", ", changed.stream().map(PypiFile::filename).toList()));
        }
        for (PypiFile record : changed) {
            LOG.log(Level.INFO, "{0} PyPI file {1} by {2}", yanked ? "yanked" : "unyanked", record.filename(),
                    Principal.of(exchange));
        }
        Json.send(exchange, StatusCodes.OK, new PypiFiles(normalized, changed));
    }

    private void delete(HttpServerExchange exchange) throws IOException {
        String normalized = projectName(parameter(exchange, "project"));
        String filename = parameter(exchange, "file");
        Audit.action(exchange, "pypi-delete", normalized, printable(filename));
        AuthenticationHandler.require(access, exchange, Permission.ADMIN, normalized);
        PypiFile record = catalog.delete(normalized, filename)
                .orElseThrow(() -> new ApiException(ErrorCode.FILE_UNKNOWN, printable(filename), normalized));
        Audit.sha256(exchange, record.sha256().hex());
        if (!catalog.exists(normalized)) {
            html.forget(normalized);
            json.forget(normalized);
        }
        LOG.log(Level.WARNING, "deleted PyPI file {0} of {1} (sha256 {2}) by admin {3}", record.filename(), normalized,
                record.sha256().hex(), Principal.of(exchange));
        Json.send(exchange, StatusCodes.OK, Map.of("deleted", record));
    }

    private static boolean isDistributionFilename(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.endsWith(".whl") || lower.endsWith(".tar.gz") || lower.endsWith(".zip");
    }

    private static String projectName(String raw) {
        if (!BundleName.isValid(raw)) {
            throw new ApiException(ErrorCode.PROJECT_UNKNOWN, printable(raw));
        }
        return BundleName.normalize(raw);
    }

    private static String parameter(HttpServerExchange exchange, String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String value = match == null ? null : match.getParameters().get(name);
        return value == null ? "" : value;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
