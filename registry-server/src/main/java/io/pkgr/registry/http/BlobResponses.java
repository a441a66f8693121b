package io.pkgr.registry.http;

import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.StoragePaths;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * The one download path for stored blobs, shared by every face: {@code ETag} = sha256,
 * {@code If-None-Match}, one {@code Range}, HEAD, and zero copy from a file channel where the
 * backend has one. With a redirect expiry (and a backend that pre-signs), a GET is answered 307
 * to a pre-signed URL instead, as docker distribution does: the caller's access was checked by
 * the route before, the URL carries no credentials of the caller, and HEAD and 304 stay here.
 */
public final class BlobResponses {

    private static final System.Logger LOG = System.getLogger(BlobResponses.class.getName());
    /** Blobs up to this size are read on the IO thread and sent from memory (see {@link #sendInline}). */
    public static final int INLINE_MAX = 64 * 1024;
    /** Small blobs (manifests, PEP 658 metadata, small bundles) served from memory: 32 MiB at most. */
    /** Per server (never static: two servers in one JVM must not answer from each other's blobs). */
    private final SmallBlobCache smallBlobs = new SmallBlobCache(32L << 20, INLINE_MAX);

    private final BlobStore store;
    private final Duration redirectExpiry;

    /** Downloads from {@code store}; {@code redirectExpiry} non-null answers GETs 307 to pre-signed URLs valid that long. */
    public BlobResponses(BlobStore store, Duration redirectExpiry) {
        this.store = store;
        this.redirectExpiry = redirectExpiry;
    }

    /** Sends the blob {@code sha256} of {@code size} bytes as {@code filename}. */
    public void send(HttpServerExchange exchange, Sha256 sha256, long size, String contentType, String filename)
            throws IOException {
        String etag = validators(exchange, sha256);
        if (etag == null) {
            return;
        }
        ByteRange range = Conditional.range(exchange, size, etag);
        boolean get = exchange.getRequestMethod().equals(Methods.GET);
        boolean fromMemory = range == null && redirectExpiry == null && smallBlobs.get(sha256) != null;
        if (store.remote() && !fromMemory && exchange.isInIoThread()) {
            // everything below may ask the object store: never on an IO thread
            exchange.dispatch(Route.of(e -> send(e, sha256, size, contentType, filename)));
            return;
        }
        if (redirectExpiry != null && get && size > 0 && redirect(exchange, sha256, filename)) {
            return;
        }
        sendBytes(exchange, sha256, size, contentType, filename, range);
    }

    /**
     * Puts the blob's ETag and {@code Accept-Ranges} on the response and returns the ETag; null when
     * the request's conditions made it a 304, which is then sent.
     */
    private static String validators(HttpServerExchange exchange, Sha256 sha256) {
        String etag = "\"" + sha256.hex() + "\"";
        exchange.getResponseHeaders().put(Headers.ETAG, etag);
        exchange.getResponseHeaders().put(Headers.ACCEPT_RANGES, "bytes");
        if (Conditional.notModified(exchange, etag)) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return null;
        }
        return etag;
    }

    /**
     * Keeps {@code content}, whose sha256 the caller verified, to be sent by {@link #sendRemembered}:
     * a small {@code .pkgr} file stored only as layers is assembled once, not per request.
     */
    public void remember(Sha256 sha256, byte[] content) {
        smallBlobs.put(sha256, content);
    }

    /**
     * Sends the file {@link #remember remembered} as {@code sha256} from memory, with its ETag;
     * false (nothing sent) when it is not held or a Range was asked, which the caller serves itself.
     */
    public boolean sendRemembered(HttpServerExchange exchange, Sha256 sha256, String contentType, String filename) {
        byte[] content = exchange.getRequestHeaders().contains(Headers.RANGE) ? null : smallBlobs.get(sha256);
        if (content == null) {
            return false;
        }
        if (validators(exchange, sha256) == null) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        exchange.setResponseContentLength(content.length);
        if (exchange.getRequestMethod().equals(Methods.HEAD) || content.length == 0) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(content));
        }
        return true;
    }

    /** 307 to a pre-signed URL of the blob (the client repeats any Range there); false when the backend has none. */
    private boolean redirect(HttpServerExchange exchange, Sha256 sha256, String filename) throws IOException {
        Optional<URI> url = store.presignedGet(StoragePaths.blob(sha256), filename, redirectExpiry);
        if (url.isEmpty()) {
            return false;
        }
        exchange.getResponseHeaders().remove(Headers.ACCEPT_RANGES);
        exchange.getResponseHeaders().put(Headers.LOCATION, url.get().toString());
        // the URL is a credential for a while: no shared cache may keep it
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.setStatusCode(StatusCodes.TEMPORARY_REDIRECT);
        exchange.setResponseContentLength(0);
        exchange.endExchange();
        return true;
    }

    private void sendBytes(HttpServerExchange exchange, Sha256 sha256, long size, String contentType, String filename,
            ByteRange range) throws IOException {
        byte[] cached = range == null ? smallBlobs.get(sha256) : null;
        Blob blob = cached == null ? store.get(StoragePaths.blob(sha256), range) : null;
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (range != null) {
            exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
            exchange.getResponseHeaders().put(Headers.CONTENT_RANGE,
                    "bytes " + range.first() + "-" + range.last() + "/" + blob.size());
        }
        long length = cached != null ? cached.length : range == null ? blob.size() : range.length();
        exchange.setResponseContentLength(length);
        if (exchange.getRequestMethod().equals(Methods.HEAD) || length == 0) {
            exchange.endExchange();
            return;
        }
        if (cached != null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(cached));
            return;
        }
        boolean toEnd = range == null || range.last() == blob.size() - 1;
        Optional<FileChannel> channel = toEnd ? blob.openChannel() : Optional.empty();
        if (channel.isPresent() && length <= INLINE_MAX && exchange.isInIoThread()) {
            sendInline(exchange, channel.get(), length, range == null ? sha256 : null);
        } else if (channel.isPresent()) {
            sendFile(exchange.getResponseSender(), channel.get());
        } else if (range == null && length <= INLINE_MAX && !exchange.isInIoThread()) {
            sendRemoteSmall(exchange, blob, length, sha256);
        } else {
            copyBlocking(exchange, blob);
        }
    }

    /**
     * A small blob is read with one {@code read(2)} right here on the IO thread (it is in the page
     * cache nearly always; nginx does the same in its event loop) and sent with the headers: no
     * hand-off to a worker thread and back, which costs more than the read itself. A whole blob
     * ({@code whole} is its digest) is then cached: the next request for it makes no system call.
     */
    private void sendInline(HttpServerExchange exchange, FileChannel channel, long length, Sha256 whole)
            throws IOException {
        ByteBuffer body = ByteBuffer.allocate((int) length);
        try (channel) {
            long position = channel.position();
            while (body.hasRemaining()) {
                int n = channel.read(body, position + body.position());
                if (n < 0) {
                    throw new IOException("blob shorter than its record: " + body.position() + " of " + length + " bytes");
                }
            }
        }
        body.flip();
        if (whole != null) {
            smallBlobs.put(whole, body.array());
        }
        exchange.getResponseSender().send(body);
    }

    /** A small whole blob from a remote store: read once, kept in the small-blob cache, sent from memory. */
    private void sendRemoteSmall(HttpServerExchange exchange, Blob blob, long length, Sha256 whole)
            throws IOException {
        byte[] body;
        try (InputStream in = blob.open()) {
            body = in.readNBytes((int) length);
        }
        if (body.length != length) {
            throw new IOException("blob shorter than its record: " + body.length + " of " + length + " bytes");
        }
        smallBlobs.put(whole, body);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void sendFile(Sender sender, FileChannel channel) {
        // zero copy: Undertow transfers from the file channel to the socket (sendfile where it can)
        sender.transferFrom(channel, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange exchange, Sender s) {
                closeQuietly(channel);
                IoCallback.END_EXCHANGE.onComplete(exchange, s);
            }

            @Override
            public void onException(HttpServerExchange exchange, Sender s, IOException exception) {
                closeQuietly(channel);
                IoCallback.END_EXCHANGE.onException(exchange, s, exception);
            }
        });
    }

    private static void copyBlocking(HttpServerExchange exchange, Blob blob) {
        if (exchange.isInIoThread()) {
            exchange.dispatch((Runnable) () -> copyBlocking(exchange, blob));
            return;
        }
        exchange.startBlocking();
        try (InputStream in = blob.open(); OutputStream out = exchange.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "download interrupted: {0}", e.getMessage());
            org.xnio.IoUtils.safeClose(exchange.getConnection());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
