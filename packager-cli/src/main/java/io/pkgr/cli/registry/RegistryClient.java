package io.pkgr.cli.registry;

import io.pkgr.bundle.AtomicFiles;
import io.pkgr.api.ApiJson;
import io.pkgr.api.ApiPaths;
import io.pkgr.api.BlobQuery;
import io.pkgr.api.BundleSignature;
import io.pkgr.api.LayeredPublish;
import io.pkgr.api.ErrorBody;
import io.pkgr.api.ErrorCode;
import io.pkgr.api.SearchResults;
import io.pkgr.api.Tokens;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.api.Whoami;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Talks to a pkgr registry's native API ({@code /api/v1}), parses its answers into the protocol's
 * records ({@code registry-api}) and turns every failure into a {@link CliException} whose exit
 * code comes from the server's {@link ErrorCode} ({@link RegistryExitCodes}).
 */
public final class RegistryClient {

    private static final int ATTEMPTS = 4;
    private static final int MAX_REDIRECTS = 5;

    private final Repository repository;
    private final HttpClient http;
    /** Downloads follow redirects here, by hand, so that the registry's credentials never leave its origin. */
    private final HttpClient downloads;

    public RegistryClient(Repository repository) {
        this.repository = repository;
        // the JDK's default TLS, set up on the first https connection: a registry on plain http never pays for it
        this.http = HttpClient.newBuilder()
                .sslContext(LazyDefaultSslContext.INSTANCE)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.downloads = HttpClient.newBuilder()
                .sslContext(LazyDefaultSslContext.INSTANCE)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public Repository repository() {
        return repository;
    }

    /** The outcome of a publish: created, or already there with the same bytes. */
    public enum PublishOutcome { CREATED, ALREADY_PUBLISHED }

    /** The user the registry sees, or null for anonymous. */
    public String whoami() {
        return getJson(ApiPaths.whoami(), Whoami.class).user();
    }

    /** Makes an API token; the answer holds its text, shown this once. */
    public Tokens.Created createToken(Tokens.CreateRequest request) {
        return sendJson(request(ApiPaths.tokens(null)).header("Content-Type", ApiJson.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApiJson.bytes(request))).build(), Tokens.Created.class);
    }

    /** The caller's tokens (a registry admin's: everyone's), or those of {@code user}. */
    public Tokens.Listing tokens(String user) {
        return getJson(ApiPaths.tokens(user), Tokens.Listing.class);
    }

    /** Revokes the token with this id; the revoked token. */
    public Tokens.Info revokeToken(String id) {
        return sendJson(request(ApiPaths.token(id)).DELETE().build(), Tokens.Info.class);
    }

    /** Every version of {@code name}, oldest first. */
    public VersionList versions(BundleName name) {
        return getJson(ApiPaths.bundle(name), VersionList.class);
    }

    /** The version record with its manifest. */
    public VersionRecord record(BundleName name, Version version) {
        return getJson(ApiPaths.version(name, version), VersionRecord.class);
    }

    public SearchResults search(String query) {
        return getJson(ApiPaths.search(query), SearchResults.class);
    }

    public VersionRecord yank(BundleName name, Version version, String reason) {
        byte[] body = reason == null ? new byte[0] : ApiJson.bytes(Map.of("reason", reason));
        return sendJson(request(ApiPaths.yank(name, version))
                .header("Content-Type", ApiJson.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), VersionRecord.class);
    }

    public VersionRecord unyank(BundleName name, Version version) {
        return sendJson(request(ApiPaths.yank(name, version)).DELETE().build(), VersionRecord.class);
    }

    /**
     * Streams a bundle file to the registry with its declared sha256. Retries connection failures
     * with back-off: publishing is put-if-absent, so a retry can never publish twice.
     *
     * @throws CliException CONFLICT when the version exists with other bytes
     */
    public PublishOutcome publish(BundleName name, Version version, Path file, Sha256 sha256, LongConsumer progress) {
        return publish(name, version, file, sha256, progress, null);
    }

    /** {@link #publish(BundleName, Version, Path, Sha256, LongConsumer)} with the publisher's signature (or null). */
    public PublishOutcome publish(BundleName name, Version version, Path file, Sha256 sha256, LongConsumer progress,
            BundleSignature signature) {
        HttpRequest req = signed(request(ApiPaths.version(name, version))
                .timeout(Duration.ofHours(2))
                .header("Content-Type", "application/octet-stream")
                .header("X-Checksum-Sha256", sha256.hex()), signature)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> progressStream(file, progress)))
                .build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        int status = resp.statusCode();
        if (status == 201) {
            return PublishOutcome.CREATED;
        }
        if (status == 200) {
            return PublishOutcome.ALREADY_PUBLISHED;
        }
        throw failure(resp.statusCode(), resp.body(), name + " " + version);
    }

    /**
     * Downloads a version into {@code target} (atomically), verifying its sha256 on the way.
     *
     * @throws CliException INTEGRITY when the bytes do not have the expected digest
     */
    public void download(BundleName name, Version version, Sha256 expected, Path target, LongConsumer progress) {
        HttpRequest req = request(ApiPaths.download(name, version))
                .timeout(Duration.ofHours(2)).GET().build();
        HttpResponse<InputStream> resp = sendFollowingRedirects(req);
        if (resp.statusCode() != 200) {
            byte[] body;
            try (InputStream in = resp.body()) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw failure(resp.statusCode(), body, name + " " + version);
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
            MessageDigest md = Sha256.newDigest();
            long total = 0;
            try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[256 * 1024];
                for (int n; (n = in.read(buf)) != -1; ) {
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                    total += n;
                    if (progress != null) {
                        progress.accept(total);
                    }
                }
            }
            Sha256 actual = Sha256.of(md.digest());
            if (!actual.equals(expected)) {
                throw new CliException(ExitCode.INTEGRITY, name + " " + version + " from " + repository.url()
                        + " has " + actual + ", expected " + expected + "; nothing was installed");
            }
            AtomicFiles.moveInto(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, "download of " + name + " " + version + " from "
                    + repository.url() + " failed: " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a hidden .part file; the next download replaces it
                }
            }
        }
    }

    /**
     * How a version is stored as layers; empty when it is stored as one file or the registry
     * predates layers (then the whole file is downloaded).
     */
    public Optional<VersionRecord.Layers> layers(BundleName name, Version version) {
        HttpResponse<byte[]> resp = send(request(ApiPaths.layers(name, version)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 404 || resp.statusCode() == 405) {
            Optional<ErrorCode> code = errorBody(resp.body()).flatMap(ErrorBody::code);
            if (code.isEmpty() || code.get() == ErrorCode.NOT_FOUND || code.get() == ErrorCode.LAYERS_UNKNOWN
                    || resp.statusCode() == 405) {
                return Optional.empty();
            }
        }
        if (resp.statusCode() != 200) {
            throw failure(resp.statusCode(), resp.body(), name + " " + version);
        }
        try {
            return Optional.of(ApiJson.read(resp.body(), VersionRecord.Layers.class));
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, repository.url() + " answered the layers of " + name + " " + version
                    + " with something that is not JSON");
        }
    }

    /**
     * Of {@code digests}, those a publish of {@code name} must upload; empty when the registry
     * predates layers (it answers the query 404 or 405), so the caller uploads the whole file.
     */
    public Optional<List<Sha256>> missingBlobs(BundleName name, List<Sha256> digests) {
        HttpRequest req = request(ApiPaths.uploadMissing(name))
                .header("Content-Type", ApiJson.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApiJson.bytes(BlobQuery.ask(digests)))).build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 405 || resp.statusCode() == 404 && errorBody(resp.body())
                .map(e -> e.error().code()).map(c -> c.equals("NOT_FOUND")).orElse(true)) {
            return Optional.empty();
        }
        if (resp.statusCode() != 200) {
            throw failure(resp.statusCode(), resp.body(), name.toString());
        }
        try {
            BlobQuery answer = ApiJson.read(resp.body(), BlobQuery.class);
            return Optional.of(answer.missing() == null ? digests : answer.missing());
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, repository.url() + " answered the blob query with something that is not JSON");
        }
    }

    /** Uploads one blob for a layered publish of {@code name}; the registry checks its digest. */
    public void uploadBlob(BundleName name, Sha256 digest, long size, InputStream content, LongConsumer progress) {
        HttpRequest req = request(ApiPaths.uploadBlob(name, digest))
                .timeout(Duration.ofHours(2))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> counting(content, progress)), size))
                .build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() / 100 != 2) {
            throw failure(resp.statusCode(), resp.body(), name + " blob " + digest);
        }
    }

    /**
     * Publishes a version from blobs the registry holds: its manifest, its files layer and the
     * sha256 of the {@code .pkgr} file, which the registry re-assembles and checks.
     *
     * @throws LayeredPublishRefused when the registry cannot stand for the file from its layers (the
     *                               caller then uploads the whole file)
     */
    public PublishOutcome publishLayered(BundleName name, Version version, Sha256 sha256, LayeredPublish body,
            BundleSignature signature) {
        HttpRequest req = signed(request(ApiPaths.version(name, version))
                .timeout(Duration.ofHours(1))
                .header("Content-Type", LayeredPublish.CONTENT_TYPE)
                .header("X-Checksum-Sha256", sha256.hex()), signature)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(ApiJson.bytes(body)))
                .build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        int status = resp.statusCode();
        if (status == 201) {
            return PublishOutcome.CREATED;
        }
        if (status == 200) {
            return PublishOutcome.ALREADY_PUBLISHED;
        }
        Optional<ErrorCode> code = errorBody(resp.body()).flatMap(ErrorBody::code);
        if (code.isPresent() && (code.get() == ErrorCode.ASSEMBLY_MISMATCH || code.get() == ErrorCode.BLOB_CORRUPT
                || code.get() == ErrorCode.BLOBS_MISSING || code.get() == ErrorCode.UNSUPPORTED_MEDIA_TYPE)) {
            throw new LayeredPublishRefused(errorBody(resp.body()).map(ErrorBody::message).orElse(code.get().name()));
        }
        throw failure(status, resp.body(), name + " " + version);
    }

    private static HttpRequest.Builder signed(HttpRequest.Builder builder, BundleSignature signature) {
        if (signature != null) {
            builder.header(BundleSignature.KEY_HEADER, signature.key())
                    .header(BundleSignature.SIGNATURE_HEADER, signature.signature());
        }
        return builder;
    }

    /**
     * Registers a lock file's bytes with the registry ({@code POST /api/v1/pins}): its retention
     * never removes a version the lock pins. Returns the pin's id (the sha256 of the bytes).
     */
    public String registerPins(byte[] lockBytes) {
        HttpRequest req = request(ApiPaths.PINS)
                .header("Content-Type", ApiJson.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(lockBytes))
                .build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() / 100 != 2) {
            throw failure(resp.statusCode(), resp.body(), "registering the lock");
        }
        return Sha256.ofBytes(lockBytes).hex();
    }

    /** The registry cannot publish this version from layers; uploading the whole file will do. */
    public static final class LayeredPublishRefused extends RuntimeException {
        public LayeredPublishRefused(String message) {
            super(message);
        }
    }

    /**
     * Downloads one blob of a version into {@code target} (atomically), resuming from
     * {@code target}'s {@code .part} sibling when an earlier attempt was interrupted (HTTP
     * {@code Range}, with {@code If-Range} on the digest), hashing as the bytes arrive, and checks
     * size and sha256 before the file is moved into place. An interrupted attempt is resumed where
     * it stopped, up to {@value #ATTEMPTS} times; a resumed file that does not verify is fetched
     * once more from the start. {@code progress} receives the size of each chunk received.
     *
     * @return the bytes received over the network
     * @throws CliException INTEGRITY when the bytes do not have the digest
     */
    public long fetchBlob(BundleName name, Version version, Sha256 digest, long size, Path target, LongConsumer progress) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long received = 0;
        IOException last = null;
        boolean retriedWhole = false;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                Files.createDirectories(target.toAbsolutePath().getParent());
                long have = Files.isRegularFile(part) ? Files.size(part) : 0;
                if (have > size) {
                    Files.delete(part);
                    have = 0;
                }
                MessageDigest md = Sha256.newDigest();
                if (have > 0) {
                    try (InputStream in = Files.newInputStream(part)) {
                        byte[] buf = new byte[256 * 1024];
                        for (int n; (n = in.read(buf)) != -1; ) {
                            md.update(buf, 0, n);
                        }
                    }
                }
                long written = have;
                if (have < size) {
                    HttpRequest.Builder b = request(ApiPaths.versionBlob(name, version, digest)).timeout(Duration.ofHours(2));
                    if (have > 0) {
                        b.header("Range", "bytes=" + have + "-").header("If-Range", "\"" + digest.hex() + "\"");
                    }
                    // a registry on object storage answers 307 to a pre-signed URL: never send it our credentials
                    HttpResponse<InputStream> resp = sendFollowingRedirects(b.GET().build());
                    if (resp.statusCode() != 200 && resp.statusCode() != 206) {
                        byte[] body;
                        try (InputStream in = resp.body()) {
                            body = in.readNBytes(64 * 1024);
                        }
                        throw failure(resp.statusCode(), body, name + " " + version + " blob " + digest);
                    }
                    boolean append = resp.statusCode() == 206;
                    if (!append) {
                        md.reset();
                        written = 0;
                    }
                    try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(part,
                            StandardOpenOption.CREATE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                        byte[] buf = new byte[256 * 1024];
                        for (int n; (n = in.read(buf)) != -1 && written <= size; ) {
                            out.write(buf, 0, n);
                            md.update(buf, 0, n);
                            received += n;
                            written += n;
                            if (progress != null) {
                                progress.accept(n);
                            }
                        }
                    }
                }
                Sha256 actual = Sha256.of(md.digest());
                if (written != size || !actual.equals(digest)) {
                    Files.deleteIfExists(part);
                    if (have > 0 && !retriedWhole) {
                        // the bytes kept from an earlier attempt were bad: once more from the start
                        retriedWhole = true;
                        attempt--;
                        continue;
                    }
                    throw new CliException(ExitCode.INTEGRITY, name + " " + version + ": the blob " + digest + " from "
                            + repository.url() + " has " + actual + "; nothing was installed");
                }
                AtomicFiles.moveInto(part, target);
                return received;
            } catch (IOException e) {
                last = e;
                if (attempt < ATTEMPTS) {
                    sleep(attempt);
                }
            }
        }
        throw new CliException(ExitCode.REGISTRY, "download of " + name + " " + version + " blob " + digest + " from "
                + repository.url() + " failed: " + describe(last));
    }

    private static InputStream counting(InputStream in, LongConsumer progress) {
        if (progress == null) {
            return in;
        }
        return new java.io.FilterInputStream(in) {
            long total;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    total += n;
                    progress.accept(total);
                }
                return n;
            }
        };
    }

    private <T> T getJson(String path, Class<T> type) {
        return sendJson(request(path).GET().build(), type);
    }

    private <T> T sendJson(HttpRequest req, Class<T> type) {
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() / 100 != 2) {
            throw failure(resp.statusCode(), resp.body(), null);
        }
        try {
            return ApiJson.read(resp.body(), type);
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, repository.url() + " answered something that is not JSON"
                    + " (is it a pkgr registry?)");
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(repository.base().resolve(path))
                .timeout(Duration.ofMinutes(2))
                .header("User-Agent", "pkgr")
                .header("Accept", "application/json");
        if (repository.hasCredentials()) {
            String token = Base64.getEncoder().encodeToString(
                    (repository.username() + ":" + repository.password()).getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        }
        return b;
    }

    /**
     * A GET that follows redirects (a registry on object storage answers a download with 307 to a
     * pre-signed URL): the registry's {@code Authorization} goes only to the registry's own origin,
     * never to the host a redirect names, and never from https down to http.
     */
    private HttpResponse<InputStream> sendFollowingRedirects(HttpRequest first) {
        HttpRequest req = first;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> resp = send(downloads, req, HttpResponse.BodyHandlers.ofInputStream());
            int status = resp.statusCode();
            Optional<String> location = resp.headers().firstValue("Location");
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || location.isEmpty()) {
                return resp;
            }
            try {
                resp.body().close();
            } catch (IOException ignored) {
                // the redirect's body is unused
            }
            URI next = req.uri().resolve(location.get());
            if (hop == MAX_REDIRECTS || "https".equals(req.uri().getScheme()) && !"https".equals(next.getScheme())) {
                throw new CliException(ExitCode.REGISTRY, repository.url() + " redirected a download to " + next.getScheme()
                        + "://" + next.getHost() + (hop == MAX_REDIRECTS ? " too many times" : ", leaving https"));
            }
            req = redirected(req, next);
        }
    }

    private static HttpRequest redirected(HttpRequest from, URI to) {
        boolean sameOrigin = from.uri().getScheme().equalsIgnoreCase(to.getScheme())
                && from.uri().getHost().equalsIgnoreCase(to.getHost()) && port(from.uri()) == port(to);
        HttpRequest.Builder b = HttpRequest.newBuilder(to).GET();
        from.timeout().ifPresent(b::timeout);
        from.headers().map().forEach((header, values) -> {
            if (sameOrigin || !header.equalsIgnoreCase("Authorization")) {
                values.forEach(value -> b.header(header, value));
            }
        });
        return b.build();
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        return send(http, req, handler);
    }

    private <T> HttpResponse<T> send(HttpClient client, HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<T> resp = client.send(req, handler);
                if (resp.statusCode() == 503 && attempt < ATTEMPTS) {
                    sleep(attempt);
                    continue;
                }
                return resp;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                last = e;
            } catch (HttpTimeoutException e) {
                throw new CliException(ExitCode.REGISTRY, "registry '" + repository.name() + "' at " + repository.url()
                        + " did not answer in time");
            } catch (IOException e) {
                CliException refused = tlsRefused(e, req.uri());
                if (refused != null) {
                    throw refused; // the same certificate again: retrying cannot help
                }
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILURE, "interrupted");
            }
            if (attempt < ATTEMPTS) {
                sleep(attempt);
            }
        }
        throw new CliException(ExitCode.REGISTRY, "cannot reach registry '" + repository.name() + "' at "
                + repository.url() + " (" + describe(last) + ")");
    }

    /**
     * The clear error for a TLS certificate the JDK refused at {@code uri} (a CA it does not trust,
     * another host's name, expired) or for a trust store it could not read, or null when {@code e}
     * is another failure.
     */
    private CliException tlsRefused(IOException e, URI uri) {
        boolean certificate = false;
        boolean untrusted = false;
        String detail = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LazyDefaultSslContext.SetupFailed) {
                return new CliException(ExitCode.REGISTRY, "registry '" + repository.name() + "': " + t.getMessage());
            }
            certificate |= t instanceof CertificateException;
            untrusted |= t instanceof CertPathBuilderException || t instanceof CertPathValidatorException;
            if (t.getMessage() != null) {
                detail = t.getMessage(); // the innermost says what was wrong
            }
        }
        if (!certificate) {
            return null;
        }
        // an http request met TLS only where a redirect that the client followed led
        String where = "registry '" + repository.name() + "': the TLS certificate of "
                + ("https".equalsIgnoreCase(uri.getScheme()) ? uri.getHost() + ":" + port(uri) : "the https server it redirected to");
        return new CliException(ExitCode.REGISTRY, untrusted
                ? where + " is not trusted (" + detail + "); a certificate from a private CA needs a Java trust store"
                        + " that holds the CA: PKGR_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE"
                        + " -Djavax.net.ssl.trustStorePassword=PASSWORD\""
                : where + " was refused (" + detail + ")");
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(200L << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "no answer";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * The failure the server reported: the exit code from its {@link ErrorCode}, or from the HTTP
     * status when the body is not a pkgr error (a proxy's HTML 502, or a code newer than this client).
     */
    private CliException failure(int status, byte[] body, String what) {
        Optional<ErrorBody> error = errorBody(body);
        String message = error.map(ErrorBody::message).orElse("");
        String code = error.map(e -> e.error().code()).orElse("");
        String detail = message.isEmpty() ? "HTTP " + status : message;
        int exit = error.flatMap(ErrorBody::code).map(RegistryExitCodes::of).orElseGet(() -> RegistryExitCodes.ofStatus(status));
        String text = switch (exit) {
            case ExitCode.AUTH -> status == 401 ? "registry '" + repository.name() + "' refused the credentials ("
                    + detail + "); set them with 'pkgr config http-basic." + repository.name() + " USER' or "
                    + "PKGR_HTTP_BASIC_" + repository.name().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                    + "_USERNAME/_PASSWORD"
                    : "registry '" + repository.name() + "': " + detail;
            case ExitCode.NOT_FOUND -> what != null && message.isEmpty() ? what + " not found on '" + repository.name() + "'"
                    : detail;
            case ExitCode.CONFLICT -> detail;
            case ExitCode.USAGE -> "registry '" + repository.name() + "' refused " + (what == null ? "the request" : what)
                    + ": " + detail + (code.isEmpty() ? "" : " [" + code + "]");
            default -> "registry '" + repository.name() + "' at " + repository.url() + " answered " + detail;
        };
        return new CliException(exit, text);
    }

    private static Optional<ErrorBody> errorBody(byte[] body) {
        try {
            return Optional.ofNullable(ApiJson.read(body, ErrorBody.class));
        } catch (IOException | RuntimeException e) {
            // not a pkgr error body
            return Optional.empty();
        }
    }

    private static InputStream progressStream(Path file, LongConsumer progress) {
        try {
            return counting(Files.newInputStream(file), progress);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
