package io.pkgr.registry.api;

import io.pkgr.api.ApiPaths;
import io.pkgr.api.BlobQuery;
import io.pkgr.api.BundleSignature;
import io.pkgr.api.LayeredPublish;
import io.pkgr.api.PinRecord;
import io.pkgr.api.ErrorCode;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.api.Whoami;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.AuthenticationHandler;
import io.pkgr.auth.Permission;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.audit.Audit;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.catalog.PublishOutcome;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.BlobResponses;
import io.pkgr.registry.http.ClientGoneException;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.RenderCache;
import io.pkgr.registry.http.Rendered;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.http.YankRequest;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.StoragePaths;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The native API under {@code /api/v1}: versions, records, publish, download, yank, delete, whoami (search: {@link SearchRoute}). */
public final class BundleRoutes {

    private static final System.Logger LOG = System.getLogger(BundleRoutes.class.getName());
    private static final List<String> BUNDLE_MEDIA_TYPES =
            List.of("application/octet-stream", "application/gzip", "application/x-gzip", "application/x-tar");

    private final Catalog catalog;
    private final BlobStore store;
    private final AccessControl access;
    private final BundlePublisher publisher;
    private final BlobResponses downloads;
    private final AssembledDownload assembled;
    // rendered once per change: the catalog hands out a new list or record when one changes
    private final RenderCache<String> lists = new RenderCache<>("");
    private final RenderCache<RecordKey> records = new RenderCache<>("");

    private record RecordKey(String normalized, Version version) {
    }

    public BundleRoutes(Catalog catalog, BlobStore store, BlobResponses downloads, AccessControl access,
            UploadSlots uploads, long maxUploadBytes) {
        this.catalog = catalog;
        this.downloads = downloads;
        this.store = store;
        this.access = access;
        this.publisher = new BundlePublisher(store, catalog, uploads, maxUploadBytes);
        this.assembled = new AssembledDownload(store, publisher.layers());
    }

    /** Whole files of layered versions assembled and stored since start (each is assembled once, then served stored). */
    public long wholeFilesAssembled() {
        return assembled.assembledCount();
    }

    /** Stored whole files found not to match their sha256 since start (each was cut, removed and is assembled again). */
    public long wholeFilesCorrupt() {
        return assembled.corruptCount();
    }

    /** Adds every route to {@code routes}. */
    public void register(RoutingHandler routes) {
        routes.get(ApiPaths.BUNDLE, Route.of(this::versions))
                .get(ApiPaths.VERSION, Route.of(this::record))
                .put(ApiPaths.VERSION, Route.blocking(this::publish))
                .delete(ApiPaths.VERSION, Route.blocking(this::delete))
                .get(ApiPaths.DOWNLOAD, Route.of(this::download))
                .add(Methods.HEAD, ApiPaths.DOWNLOAD, Route.of(this::download))
                .post(ApiPaths.YANK, Route.blocking(exchange -> yank(exchange, true)))
                .delete(ApiPaths.YANK, Route.blocking(exchange -> yank(exchange, false)))
                .post(ApiPaths.UNYANK, Route.blocking(exchange -> yank(exchange, false)))
                .get(ApiPaths.LAYERS, Route.of(this::layers))
                .get(ApiPaths.VERSION_BLOB, Route.of(this::versionBlob))
                .add(Methods.HEAD, ApiPaths.VERSION_BLOB, Route.of(this::versionBlob))
                .post(ApiPaths.UPLOAD_MISSING, Route.blocking(this::missing))
                .put(ApiPaths.UPLOAD_BLOB, Route.blocking(this::uploadBlob))
                .get(ApiPaths.WHOAMI, Route.of(this::whoami))
                .post(ApiPaths.PINS, Route.blocking(this::registerPin))
                .delete(ApiPaths.PIN, Route.blocking(this::unregisterPin));
    }

    private void versions(HttpServerExchange exchange) {
        BundleName name = name(exchange);
        require(exchange, Permission.READ, name);
        VersionList list = catalog.versions(name)
                .orElseThrow(() -> new ApiException(ErrorCode.NAME_UNKNOWN, name));
        sendRendered(exchange, lists.render(name.normalized(), list, Json::bytes));
    }

    private void record(HttpServerExchange exchange) {
        BundleName name = name(exchange);
        Version version = version(exchange);
        require(exchange, Permission.READ, name);
        VersionRecord record = catalog.find(name, version).orElseThrow(() -> unknown(name, version));
        sendRendered(exchange, records.render(new RecordKey(name.normalized(), version), record,
                r -> Json.bytes(r.withoutLayers())));
    }

    /** How a version is stored as layers: what a worker needs to fetch only the blobs it lacks. */
    private void layers(HttpServerExchange exchange) {
        BundleName name = name(exchange);
        Version version = version(exchange);
        require(exchange, Permission.READ, name);
        VersionRecord record = catalog.find(name, version).orElseThrow(() -> unknown(name, version));
        if (record.layers() == null) {
            throw new ApiException(ErrorCode.LAYERS_UNKNOWN, record.name(), record.version());
        }
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        Json.send(exchange, StatusCodes.OK, record.layers());
    }

    private void publish(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        Version version = version(exchange);
        Audit.action(exchange, "publish", name.normalized(), version.toString());
        declaredSha256(exchange).ifPresent(sha -> Audit.sha256(exchange, sha.hex()));
        require(exchange, Permission.PUBLISH, name);
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null && mediaType(contentType).equals(LayeredPublish.CONTENT_TYPE)) {
            publishLayered(exchange, name, version);
            return;
        }
        if (contentType != null && !BUNDLE_MEDIA_TYPES.contains(mediaType(contentType))) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, contentType);
        }
        Optional<Sha256> declared = declaredSha256(exchange);
        long length = exchange.getRequestContentLength();
        if (length > publisher.maxUploadBytes()) {
            // refuse before reading: the body may be gigabytes; the connection closes after the answer
            exchange.setPersistent(false);
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, publisher.maxUploadBytes());
        }
        PublishOutcome outcome;
        try (InputStream body = ClientGoneException.watch(exchange.getInputStream())) {
            outcome = publisher.publish(new PublishRequest(name, version, body, declared, Principal.of(exchange).user(),
                    signature(exchange)));
        } catch (ApiException e) {
            exchange.setPersistent(false);
            throw e;
        }
        answerPublish(exchange, name, version, outcome);
    }

    private void publishLayered(HttpServerExchange exchange, BundleName name, Version version) throws IOException {
        Sha256 declared = declaredSha256(exchange).orElseThrow(() -> new ApiException(ErrorCode.DIGEST_INVALID,
                "a layered publish must declare the bundle's sha256 (X-Checksum-Sha256)"));
        LayeredPublish body = readJson(exchange, LayeredPublish.class, 64 << 20, "layered publish");
        answerPublish(exchange, name, version,
                publisher.publishLayered(name, version, declared, body, Principal.of(exchange).user(), signature(exchange)));
    }

    /** The publisher's signature from the request headers, or null when the publish is unsigned. */
    private static BundleSignature signature(HttpServerExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst(BundleSignature.KEY_HEADER);
        String signature = exchange.getRequestHeaders().getFirst(BundleSignature.SIGNATURE_HEADER);
        if (key == null && signature == null) {
            return null;
        }
        if (key == null || signature == null) {
            throw new ApiException(ErrorCode.SIGNATURE_INVALID, "send both " + BundleSignature.KEY_HEADER + " and "
                    + BundleSignature.SIGNATURE_HEADER);
        }
        return new BundleSignature(key, signature);
    }

    private void answerPublish(HttpServerExchange exchange, BundleName name, Version version, PublishOutcome outcome) {
        VersionRecord record = outcome.record();
        Audit.sha256(exchange, record.sha256().hex());
        if (!outcome.created()) {
            Audit.detail(exchange, "unchanged");
        }
        if (outcome.created()) {
            LOG.log(Level.INFO, "published {0} {1} sha256 {2} by {3}", record.name(), record.version(),
                    record.sha256().hex(), record.publisher());
        }
        exchange.getResponseHeaders().put(Headers.LOCATION, ApiPaths.location(name, version));
        Json.send(exchange, outcome.created() ? StatusCodes.CREATED : StatusCodes.OK, record.withoutLayers());
    }

    private void download(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        Version version = version(exchange);
        require(exchange, Permission.READ, name);
        VersionRecord record = catalog.find(name, version).orElseThrow(() -> unknown(name, version));
        String filename = name.normalized() + "-" + version + ".pkgr";
        if (record.bundleStored()) {
            downloads.send(exchange, record.sha256(), record.size(), "application/octet-stream", filename);
            return;
        }
        if (downloads.sendRemembered(exchange, record.sha256(), "application/octet-stream", filename)) {
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(Route.of(this::download));
            return;
        }
        if (record.size() <= BlobResponses.INLINE_MAX && !exchange.getRequestHeaders().contains(Headers.RANGE)) {
            // a small bundle is assembled once and then sent from memory, as a small stored blob is
            downloads.remember(record.sha256(), assembled.assemble(record, manifest(record)));
            downloads.sendRemembered(exchange, record.sha256(), "application/octet-stream", filename);
            return;
        }
        assembled.send(exchange, record, manifest(record), filename);
    }

    /**
     * One blob of a version (a layer or the whole file), by digest. Whoever may read the version may
     * read the blobs its record references, nothing else: a digest the version does not reference
     * is 404 whether it is stored or not.
     */
    private void versionBlob(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        Version version = version(exchange);
        require(exchange, Permission.READ, name);
        VersionRecord record = catalog.find(name, version).orElseThrow(() -> unknown(name, version));
        String raw = parameter(exchange, "digest");
        Sha256 digest = parseDigest(raw);
        if (digest == null || !record.references(digest)) {
            throw new ApiException(ErrorCode.BLOB_UNKNOWN, raw, name, version);
        }
        long size = digest.equals(record.sha256()) ? record.size()
                : record.layers().files() != null && digest.equals(record.layers().files().sha256())
                ? record.layers().files().size()
                : record.layerBlobs().values().stream().filter(b -> b.sha256().equals(digest)).findFirst().orElseThrow().size();
        downloads.send(exchange, digest, size, "application/octet-stream", "sha256-" + digest.hex());
    }

    /** Which of the given blobs a publish of NAME must upload (publish permission on NAME). */
    private void missing(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        require(exchange, Permission.PUBLISH, name);
        BlobQuery query = readJson(exchange, BlobQuery.class, 2 << 20, "blob query");
        if (query.digests().size() > BlobQuery.MAX_DIGESTS) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "at most " + BlobQuery.MAX_DIGESTS + " digests per query");
        }
        Json.send(exchange, StatusCodes.OK, new BlobQuery(query.digests(), publisher.missing(name, query.digests())));
    }

    /** Stores one blob for a later layered publish of NAME (publish permission on NAME). */
    private void uploadBlob(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        require(exchange, Permission.PUBLISH, name);
        String raw = parameter(exchange, "digest");
        Sha256 digest = parseDigest(raw);
        if (digest == null) {
            throw new ApiException(ErrorCode.DIGEST_INVALID, "a blob is named sha256:HEX, not '" + raw + "'");
        }
        if (exchange.getRequestContentLength() > publisher.maxUploadBytes()) {
            exchange.setPersistent(false);
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, publisher.maxUploadBytes());
        }
        boolean created;
        try (InputStream body = ClientGoneException.watch(exchange.getInputStream())) {
            created = publisher.uploadBlob(name, digest, body);
        } catch (ApiException e) {
            exchange.setPersistent(false);
            throw e;
        }
        Json.send(exchange, created ? StatusCodes.CREATED : StatusCodes.OK, Map.of("sha256", digest.hex()));
    }

    private static Sha256 parseDigest(String raw) {
        if (raw == null || !raw.startsWith("sha256:")) {
            return null;
        }
        try {
            return Sha256.parse(raw.substring(7));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Manifest manifest(VersionRecord record) throws IOException {
        return Manifest.parseJson(Json.MAPPER.writeValueAsBytes(record.manifest()));
    }

    private static <T> T readJson(HttpServerExchange exchange, Class<T> type, int max, String what) throws IOException {
        byte[] body = exchange.getInputStream().readNBytes(max + 1);
        if (body.length > max) {
            throw new ApiException(ErrorCode.BAD_REQUEST, what + " larger than " + max + " bytes");
        }
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, what + " is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private void yank(HttpServerExchange exchange, boolean yanked) throws IOException {
        BundleName name = name(exchange);
        Version version = version(exchange);
        Audit.action(exchange, yanked ? "yank" : "unyank", name.normalized(), version.toString());
        require(exchange, Permission.YANK, name);
        String reason = yanked ? YankRequest.reason(exchange) : null;
        VersionRecord record = catalog.setYanked(name, version, yanked, reason)
                .orElseThrow(() -> unknown(name, version));
        Audit.sha256(exchange, record.sha256().hex());
        if (yanked && reason != null) {
            Audit.detail(exchange, "reason: " + reason);
        }
        LOG.log(Level.INFO, "{0} {1} {2} by {3}", yanked ? "yanked" : "unyanked", record.name(), record.version(),
                Principal.of(exchange));
        Json.send(exchange, StatusCodes.OK, record.withoutLayers());
    }

    private void delete(HttpServerExchange exchange) throws IOException {
        BundleName name = name(exchange);
        Version version = version(exchange);
        Audit.action(exchange, "delete", name.normalized(), version.toString());
        require(exchange, Permission.ADMIN, name);
        VersionRecord record = catalog.delete(name, version).orElseThrow(() -> unknown(name, version));
        Audit.sha256(exchange, record.sha256().hex());
        records.forget(new RecordKey(name.normalized(), version));
        if (catalog.versions(name).isEmpty()) {
            lists.forget(name.normalized());
        }
        LOG.log(Level.WARNING, "deleted {0} {1} (sha256 {2}) by admin {3}", record.name(), record.version(),
                record.sha256().hex(), Principal.of(exchange));
        Json.send(exchange, StatusCodes.OK, Map.of("deleted", record.withoutLayers()));
    }

    private void whoami(HttpServerExchange exchange) {
        Principal principal = Principal.of(exchange);
        if (principal.anonymous()) {
            throw new ApiException(ErrorCode.UNAUTHORIZED);
        }
        Json.send(exchange, StatusCodes.OK, new Whoami(principal.user()));
    }

    /**
     * Registers a lock file: its entries become pins that retention keeps. Needs publish permission
     * on every bundle it names (a pin holds storage that only publishers may spend); answers the
     * pin record, 201 when new and 200 when the same lock was registered before.
     */
    private void registerPin(HttpServerExchange exchange) throws IOException {
        byte[] body = exchange.getInputStream().readNBytes((1 << 20) + 1);
        if (body.length > 1 << 20) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a lock file larger than 1 MiB");
        }
        Lockfile lock;
        try {
            lock = Lockfile.parse("the lock file", body);
        } catch (BundleException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        if (lock.entries().isEmpty()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the lock file has no entries to pin");
        }
        java.util.Set<PinRecord.Pinned> pins = new java.util.LinkedHashSet<>();
        for (Lockfile.Entry entry : lock.entries().values()) {
            require(exchange, Permission.PUBLISH, entry.bundle());
            pins.add(new PinRecord.Pinned(entry.bundle(), entry.version()));
        }
        Sha256 id = Sha256.ofBytes(body);
        PinRecord record = new PinRecord(id.hex(), List.copyOf(pins), Principal.of(exchange).user(),
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        boolean created = store.putIfAbsent(StoragePaths.pin(id), new java.io.ByteArrayInputStream(Json.bytes(record)))
                .created();
        exchange.getResponseHeaders().put(Headers.LOCATION, ApiPaths.PINS + "/" + id.hex());
        Json.send(exchange, created ? StatusCodes.CREATED : StatusCodes.OK, record);
    }

    /** Removes a registered lock: publish permission on every bundle it pins. */
    private void unregisterPin(HttpServerExchange exchange) throws IOException {
        String raw = parameter(exchange, "id");
        Sha256 id;
        try {
            id = Sha256.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a pin id is the sha256 of the lock file (64 hex digits)");
        }
        PinRecord record;
        try (var in = store.get(StoragePaths.pin(id), null).open()) {
            record = Json.MAPPER.readValue(in, PinRecord.class);
        } catch (io.pkgr.registry.storage.BlobNotFoundException e) {
            throw new ApiException(ErrorCode.NOT_FOUND, ApiPaths.PINS + "/" + id.hex());
        }
        for (PinRecord.Pinned pin : record.pins()) {
            require(exchange, Permission.PUBLISH, pin.name());
        }
        store.delete(StoragePaths.pin(id));
        exchange.setStatusCode(StatusCodes.NO_CONTENT);
        exchange.endExchange();
    }

    private void require(HttpServerExchange exchange, Permission permission, BundleName name) {
        AuthenticationHandler.require(access, exchange, permission, name.normalized());
    }

    private static void sendRendered(HttpServerExchange exchange, Rendered rendered) {
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        rendered.send(exchange, Json.CONTENT_TYPE);
    }

    private static BundleName name(HttpServerExchange exchange) {
        String raw = parameter(exchange, "name");
        try {
            return BundleName.parse(raw);
        } catch (BundleException e) {
            throw new ApiException(ErrorCode.INVALID_NAME, e.getMessage());
        }
    }

    private static Version version(HttpServerExchange exchange) {
        String raw = parameter(exchange, "version");
        try {
            return Version.parse(raw);
        } catch (BundleException e) {
            throw new ApiException(ErrorCode.INVALID_VERSION, e.getMessage());
        }
    }

    private static String parameter(HttpServerExchange exchange, String key) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match.getParameters().get(key);
    }

    private static ApiException unknown(BundleName name, Version version) {
        return new ApiException(ErrorCode.VERSION_UNKNOWN, version, name);
    }

    /** {@code X-Checksum-Sha256: HEX} or {@code Digest: sha-256=BASE64}; both must agree when both are sent. */
    static Optional<Sha256> declaredSha256(HttpServerExchange exchange) {
        Optional<Sha256> declared = Optional.empty();
        String checksum = exchange.getRequestHeaders().getFirst("X-Checksum-Sha256");
        if (checksum != null) {
            try {
                declared = Optional.of(Sha256.parse(checksum.trim().toLowerCase(Locale.ROOT)));
            } catch (RuntimeException e) {
                throw new ApiException(ErrorCode.DIGEST_INVALID, "X-Checksum-Sha256 must be 64 hex digits");
            }
        }
        String digest = exchange.getRequestHeaders().getFirst("Digest");
        if (digest != null) {
            for (String part : digest.split(",")) {
                String item = part.trim();
                int eq = item.indexOf('=');
                if (eq > 0 && item.substring(0, eq).equalsIgnoreCase("sha-256")) {
                    Sha256 fromDigest;
                    try {
                        byte[] bytes = Base64.getDecoder().decode(item.substring(eq + 1).trim());
                        fromDigest = Sha256.parse(HexFormat.of().formatHex(bytes));
                    } catch (RuntimeException e) {
                        throw new ApiException(ErrorCode.DIGEST_INVALID, "Digest sha-256 must be base64 of 32 bytes");
                    }
                    if (declared.isPresent() && !declared.get().equals(fromDigest)) {
                        throw new ApiException(ErrorCode.DIGEST_INVALID, "X-Checksum-Sha256 and Digest disagree");
                    }
                    declared = Optional.of(fromDigest);
                }
            }
        }
        return declared;
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
