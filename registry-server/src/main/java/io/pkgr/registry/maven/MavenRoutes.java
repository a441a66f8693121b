package io.pkgr.registry.maven;

import io.pkgr.api.ErrorCode;
import io.pkgr.auth.Permission;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.AuthenticationHandler;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.audit.Audit;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.BlobResponses;
import io.pkgr.registry.http.ClientGoneException;
import io.pkgr.registry.http.ErrorResponder;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.StagedBlob;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Maven face: one hosted repository at {@code /maven/} in the Maven 2 layout, as {@code mvn
 * deploy}, Maven Resolver and Gradle speak it. GET/HEAD serve files, their checksums and the
 * generated {@code maven-metadata.xml}; PUT stores files (a release once, a snapshot again and
 * again), checks checksum sidecars against the stored bytes, and accepts but ignores the metadata
 * a client sends (the registry generates its own). Access rules match {@code GROUP:ARTIFACT} exactly,
 * as written (no PEP 503 folding: {@code org.foo-bar} and {@code org.foo.bar} are different groups).
 */
public final class MavenRoutes {

    private static final System.Logger LOG = System.getLogger(MavenRoutes.class.getName());
    static final String PREFIX = "/maven/";
    /** A checksum sidecar is a hex digest, perhaps followed by a file name. */
    private static final int MAX_CHECKSUM_BYTES = 1024;
    /** Metadata a client sends is read (so the connection stays usable) and dropped, up to this size. */
    private static final int MAX_IGNORED_BYTES = 1024 * 1024;
    private static final HttpString CHECKSUM_SHA1 = new HttpString("X-Checksum-Sha1");
    private static final HttpString CHECKSUM_SHA256 = new HttpString("X-Checksum-Sha256");
    private static final HttpString CHECKSUM_MD5 = new HttpString("X-Checksum-Md5");

    private final MavenRepository repository;
    private final MavenIndex index;
    private final MavenCatalog catalog;
    private final BlobResponses downloads;
    private final AccessControl access;
    private final UploadSlots uploads;
    private final BlobStore store;
    private final long maxUploadBytes;

    public MavenRoutes(BlobStore store, BlobResponses downloads, AccessControl access, UploadSlots uploads,
            long maxUploadBytes, int snapshotBuildsKept) {
        this.repository = new MavenRepository(store, snapshotBuildsKept);
        this.index = new MavenIndex(repository, MavenIndex.REFRESH);
        this.catalog = new MavenCatalog(repository, index);
        this.store = store;
        this.downloads = downloads;
        this.access = access;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** Adds the routes to {@code routes}. */
    public void register(RoutingHandler routes) {
        HttpHandler blockingGet = Route.blocking(this::get);
        routes.get(PREFIX + "*", Route.of(exchange -> {
            if (!exchange.isInIoThread() || !sendSettled(exchange)) {
                blockingGet.handleRequest(exchange);
            }
        })).put(PREFIX + "*", uploadHandler());
    }

    /** What the repository holds, for the web UI. */
    public MavenCatalog catalog() {
        return catalog;
    }

    /** Stops the periodic re-listing of the artifacts. */
    public void close() {
        index.close();
    }

    /** Files deployed (created) since start, for {@code /metrics}. */
    public long deployedCount() {
        return repository.deployed.sum();
    }

    /** Snapshot build files removed by the retention setting since start, for {@code /metrics}. */
    public long prunedCount() {
        return repository.pruned.sum();
    }

    /**
     * Answers a GET of a release file whose record is held in memory right on the IO thread (as the
     * other faces answer from their catalogs); false when it needs the store, then a worker does it.
     */
    private boolean sendSettled(HttpServerExchange exchange) throws IOException {
        MavenPath path = path(exchange, store);
        if (path.kind() != MavenPath.Kind.FILE || path.checksum() != null) {
            return false;
        }
        AuthenticationHandler.requireExactly(access, exchange, Permission.READ, path.coordinates());
        Optional<MavenFile> file = repository.findSettled(path);
        if (file.isEmpty()) {
            return false;
        }
        sendFile(exchange, path, file.get());
        return true;
    }

    private void sendFile(HttpServerExchange exchange, MavenPath path, MavenFile file) throws IOException {
        exchange.getResponseHeaders().put(CHECKSUM_SHA1, file.sha1());
        exchange.getResponseHeaders().put(CHECKSUM_MD5, file.md5());
        exchange.getResponseHeaders().put(CHECKSUM_SHA256, file.sha256().hex());
        downloads.send(exchange, file.sha256(), file.size(), contentType(path.fileName()), path.fileName());
    }

    private void get(HttpServerExchange exchange) throws IOException {
        MavenPath path = path(exchange, store);
        AuthenticationHandler.requireExactly(access, exchange, Permission.READ, path.coordinates());
        if (path.kind() == MavenPath.Kind.METADATA) {
            byte[] metadata = metadata(path);
            if (metadata == null) {
                throw unknown(path);
            }
            index.add(path.coordinates()); // read-through: another replica may have deployed it
            if (path.checksum() == null) {
                sendBytes(exchange, metadata, "text/xml; charset=UTF-8");
            } else {
                sendBytes(exchange, hex(digest(path.checksum(), metadata)).getBytes(StandardCharsets.US_ASCII),
                        "text/plain");
            }
            return;
        }
        MavenFile file = repository.find(path.file()).orElseThrow(() -> unknown(path));
        index.add(path.coordinates());
        if (path.checksum() != null) {
            sendBytes(exchange, file.checksum(path.checksum()).getBytes(StandardCharsets.US_ASCII), "text/plain");
            return;
        }
        sendFile(exchange, path, file);
    }

    private byte[] metadata(MavenPath path) throws IOException {
        List<MavenFile> files = repository.files(path);
        return path.version() == null
                ? MavenMetadata.artifact(path.groupId(), path.artifactId(), files)
                : MavenMetadata.snapshot(path.groupId(), path.artifactId(), path.version(), files);
    }

    private HttpHandler uploadHandler() {
        return Route.blocking(exchange -> {
            try {
                put(exchange);
            } catch (ApiException e) {
                // the body may be unread: do not try to reuse the connection
                exchange.setPersistent(false);
                ErrorResponder.send(exchange, e, true);
            }
        });
    }

    private void put(HttpServerExchange exchange) throws IOException {
        MavenPath path = path(exchange, store);
        Principal principal = Principal.of(exchange);
        if (path.kind() != MavenPath.Kind.METADATA && path.checksum() == null) {
            Audit.action(exchange, "maven-deploy", path.coordinates(), path.version());
            Audit.detail(exchange, path.filePath());
        }
        AuthenticationHandler.requireExactly(access, exchange, Permission.PUBLISH, path.coordinates());
        if (path.kind() == MavenPath.Kind.METADATA) {
            ignoreMetadata(exchange, path);
        } else if (path.checksum() != null) {
            checkSidecar(exchange, path, principal);
        } else {
            deploy(exchange, path, principal);
        }
    }

    /**
     * Metadata is the registry's to generate: what a client sends is read, dropped and answered 200
     * (mvn deploy uploads it after every deploy and fails on an error), so it can never point
     * resolvers at versions that are not stored.
     */
    private void ignoreMetadata(HttpServerExchange exchange, MavenPath path) throws IOException {
        try (InputStream body = ClientGoneException.watch(exchange.getInputStream())) {
            if (body.readNBytes(MAX_IGNORED_BYTES + 1).length > MAX_IGNORED_BYTES) {
                throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, MAX_IGNORED_BYTES);
            }
        }
        Json.send(exchange, StatusCodes.OK, Map.of("ignored", path.filePath() + (path.checksum() == null ? ""
                : "." + path.checksum().suffix), "reason", "maven-metadata.xml is generated by the registry"));
    }

    /** A checksum sidecar is checked against the stored file's bytes; nothing is stored for it. */
    private void checkSidecar(HttpServerExchange exchange, MavenPath path, Principal principal) throws IOException {
        byte[] sent;
        try (InputStream body = ClientGoneException.watch(exchange.getInputStream())) {
            sent = body.readNBytes(MAX_CHECKSUM_BYTES + 1);
        }
        if (sent.length > MAX_CHECKSUM_BYTES) {
            throw new ApiException(ErrorCode.MAVEN_PATH_INVALID, path.filePath() + "." + path.checksum().suffix
                    + " is larger than a checksum (" + MAX_CHECKSUM_BYTES + " bytes)");
        }
        String text = new String(sent, StandardCharsets.US_ASCII).trim();
        String declared = text.isEmpty() ? "" : text.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        MavenPath file = path.file();
        MavenFile stored = repository.find(file).orElseThrow(() -> new ApiException(ErrorCode.MAVEN_FILE_UNKNOWN,
                file.filePath() + " (deploy the file before its checksum)"));
        String actual = stored.checksum(path.checksum());
        if (!actual.equals(declared)) {
            boolean withdrawn = repository.withdraw(file, stored, principal.user());
            throw new ApiException(ErrorCode.CHECKSUM_MISMATCH, path.checksum().algorithm, file.filePath(), actual,
                    MavenPath.printable(declared), withdrawn ? "; the file was removed too, deploy it again" : "");
        }
        exchange.setStatusCode(StatusCodes.CREATED);
        exchange.endExchange();
    }

    private void deploy(HttpServerExchange exchange, MavenPath path, Principal principal) throws IOException {
        if (exchange.getRequestContentLength() > maxUploadBytes) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        }
        MessageDigest sha1 = newDigest("SHA-1");
        MessageDigest sha512 = newDigest("SHA-512");
        MavenRepository.Deployed outcome;
        try (UploadSlots.Slot slot = uploads.acquire();
             InputStream body = new DigestInputStream(new DigestInputStream(
                     ClientGoneException.watch(exchange.getInputStream()), sha1), sha512);
             StagedBlob staged = store.stage(body, maxUploadBytes)) {
            String sha1Hex = hex(sha1.digest());
            checkHeader(exchange, CHECKSUM_SHA1, "SHA-1", sha1Hex, path);
            checkHeader(exchange, CHECKSUM_SHA256, "SHA-256", staged.digests().sha256(), path);
            checkHeader(exchange, CHECKSUM_MD5, "MD5", staged.digests().md5(), path);
            outcome = repository.deploy(path, staged, sha1Hex, hex(sha512.digest()), principal.user());
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } catch (MavenRepository.ReleaseExistsException e) {
            throw new ApiException(ErrorCode.MAVEN_RELEASE_EXISTS, e.existing.path(), e.existing.sha256().hex());
        }
        index.add(path.coordinates());
        Audit.sha256(exchange, outcome.file().sha256().hex());
        if (!outcome.created()) {
            Audit.detail(exchange, path.filePath() + " unchanged");
        }
        if (outcome.created()) {
            LOG.log(Level.INFO, "deployed Maven file {0} sha256 {1} by {2}", outcome.file().path(),
                    outcome.file().sha256().hex(), principal);
        }
        // 201 for a new file, 200 for the same bytes again (an idempotent redeploy of a release)
        exchange.setStatusCode(outcome.created() ? StatusCodes.CREATED : StatusCodes.OK);
        exchange.endExchange();
    }

    /** A checksum the client sent as a header with the file (Maven Resolver may) must match too. */
    private static void checkHeader(HttpServerExchange exchange, HttpString header, String algorithm, String actual,
            MavenPath path) {
        String declared = exchange.getRequestHeaders().getFirst(header);
        if (declared != null && !declared.trim().equalsIgnoreCase(actual)) {
            throw new ApiException(ErrorCode.CHECKSUM_MISMATCH, algorithm, path.filePath(), actual,
                    MavenPath.printable(declared.trim()), "; nothing was stored");
        }
    }

    /**
     * The request's Maven path. On a store that does not tell upper from lower case, a path with an
     * upper-case letter is refused: {@code Org/Foo} would be {@code org/foo}'s files there, read and
     * written under the access rules of another coordinate.
     */
    static MavenPath path(HttpServerExchange exchange, BlobStore store) {
        String requestPath = exchange.getRequestPath();
        String relative = requestPath.startsWith(PREFIX) ? requestPath.substring(PREFIX.length()) : "";
        MavenPath path;
        try {
            path = MavenPath.parse(relative);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.MAVEN_PATH_INVALID, MavenPath.printable(relative) + ": " + e.getMessage());
        }
        if (!relative.equals(relative.toLowerCase(java.util.Locale.ROOT)) && !store.caseSensitive()) {
            throw new ApiException(ErrorCode.MAVEN_PATH_INVALID, MavenPath.printable(relative) + ": upper-case letters,"
                    + " and this registry's storage does not tell upper from lower case (it would be the lower-case"
                    + " path's files); keep Maven coordinates in lower case here, or move the data to a case-sensitive"
                    + " file system");
        }
        return path;
    }

    private static ApiException unknown(MavenPath path) {
        return new ApiException(ErrorCode.MAVEN_FILE_UNKNOWN, path.filePath()
                + (path.checksum() == null ? "" : "." + path.checksum().suffix));
    }

    private static void sendBytes(HttpServerExchange exchange, byte[] body, String contentType) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=0, private");
        exchange.setResponseContentLength(body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static String contentType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pom") || lower.endsWith(".xml")) {
            return "text/xml";
        }
        if (lower.endsWith(".jar")) {
            return "application/java-archive";
        }
        return "application/octet-stream";
    }

    private static byte[] digest(MavenPath.Checksum checksum, byte[] bytes) {
        return newDigest(checksum.algorithm).digest(bytes);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
