package io.pkgr.registry.api;

import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.api.ErrorCode;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.Conditional;
import io.pkgr.registry.storage.ByteRange;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@code .pkgr} file that is stored only as layers: assembled as it streams, byte for byte
 * the published file. Its sha256 is computed on the way and the last bytes are held back until it
 * matches the record: on a mismatch (a corrupt blob) the connection is cut before the body is
 * complete, so no client ever receives a whole wrong file. A {@code Range} is served by assembling
 * from the start and sending only the asked bytes (each request costs one full deflate).
 *
 * <p>Assembling costs a deflate of the whole bundle (seconds of CPU for a large one), so at most
 * one assembly per core runs at once; a request that finds none free within {@link #WAIT} is
 * answered 503 with {@code Retry-After} before any body, rather than letting any reader queue
 * unbounded CPU work. Current clients fetch layers and never ask for this.
 */
final class AssembledDownload {

    private static final System.Logger LOG = System.getLogger(AssembledDownload.class.getName());
    private static final int HOLD_BACK = 64 * 1024;
    static final Duration WAIT = Duration.ofSeconds(10);

    private AssembledDownload() {
    }

    static void send(HttpServerExchange exchange, LayerStore layers, VersionRecord record, Manifest manifest, String filename)
            throws IOException {
        Sha256 sha256 = record.sha256();
        long size = record.size();
        String etag = "\"" + sha256.hex() + "\"";
        if (Conditional.notModified(exchange, etag)) {
            exchange.getResponseHeaders().put(Headers.ETAG, etag);
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        ByteRange range = Conditional.range(exchange, size, etag);
        long first = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        boolean body = !exchange.getRequestMethod().equals(Methods.HEAD) && length > 0;
        if (body) {
            acquire(layers.assembling);
        }
        try {
            exchange.getResponseHeaders().put(Headers.ETAG, etag);
            exchange.getResponseHeaders().put(Headers.ACCEPT_RANGES, "bytes");
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
            exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
            exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
            if (range != null) {
                exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
                exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            exchange.setResponseContentLength(length);
            if (!body) {
                exchange.endExchange();
                return;
            }
            stream(exchange, layers, record, manifest, first, length);
        } finally {
            if (body) {
                layers.assembling.release();
            }
        }
    }

    /**
     * The whole small file, assembled in memory and checked against the record's sha256 and size
     * (an {@link IOException}, answered 500, when a layer does not give them back).
     */
    static byte[] assemble(LayerStore layers, VersionRecord record, Manifest manifest) throws IOException {
        acquire(layers.assembling);
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) record.size());
            layers.assemble(manifest, record.layers().files(), out);
            byte[] bytes = out.toByteArray();
            if (bytes.length != record.size() || !Sha256.ofBytes(bytes).equals(record.sha256())) {
                throw new IOException("download of " + record.name() + " " + record.version() + " refused: assembled "
                        + bytes.length + " bytes with " + Sha256.ofBytes(bytes) + ", the record says " + record.size()
                        + " bytes with " + record.sha256() + " (a layer is corrupt in storage: run pkgr admin fsck)");
            }
            return bytes;
        } finally {
            layers.assembling.release();
        }
    }

    /** Takes an assembly permit, or refuses with 503 and Retry-After once none came free within {@link #WAIT}. */
    private static void acquire(Semaphore assembling) throws IOException {
        try {
            if (!assembling.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ApiException(ErrorCode.UNAVAILABLE, Map.of("Retry-After", "5"),
                        "every core is assembling a bundle download; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to assemble a download", e);
        }
    }

    private static void stream(HttpServerExchange exchange, LayerStore layers, VersionRecord record, Manifest manifest,
            long first, long length) throws IOException {
        Sha256 sha256 = record.sha256();
        long size = record.size();
        exchange.startBlocking();
        MessageDigest md = Sha256.newDigest();
        Window window = new Window(exchange.getOutputStream(), first, length, md);
        try {
            layers.assemble(manifest, record.layers().files(), window);
            Sha256 actual = Sha256.of(md.digest());
            if (!actual.equals(sha256) || window.position != size) {
                throw new IOException("assembled " + window.position + " bytes with " + actual + ", the record says "
                        + size + " bytes with " + sha256);
            }
            window.release();
            exchange.getOutputStream().close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "download of {0} {1} cut: {2}", record.name(), record.version(), e.getMessage());
            org.xnio.IoUtils.safeClose(exchange.getConnection());
        }
    }

    /** Hashes everything, passes on only [first, first + length), holding the last bytes back until released. */
    private static final class Window extends OutputStream {
        private final OutputStream out;
        private final long first;
        private final long end;
        private final MessageDigest md;
        private final byte[] held = new byte[HOLD_BACK];
        private int heldCount;
        long position;

        Window(OutputStream out, long first, long length, MessageDigest md) {
            this.out = out;
            this.first = first;
            this.end = first + length;
            this.md = md;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            md.update(b, off, len);
            long from = Math.max(position, first);
            long to = Math.min(position + len, end);
            if (from < to) {
                hold(b, off + (int) (from - position), (int) (to - from));
            }
            position += len;
        }

        private void hold(byte[] b, int off, int len) throws IOException {
            if (heldCount + len > held.length) {
                // send what is held plus the new bytes, keeping the last HOLD_BACK bytes
                int total = heldCount + len;
                int send = total - held.length;
                int fromHeld = Math.min(send, heldCount);
                out.write(held, 0, fromHeld);
                System.arraycopy(held, fromHeld, held, 0, heldCount - fromHeld);
                heldCount -= fromHeld;
                int fromNew = send - fromHeld;
                if (fromNew > 0) {
                    out.write(b, off, fromNew);
                    off += fromNew;
                    len -= fromNew;
                }
            }
            System.arraycopy(b, off, held, heldCount, len);
            heldCount += len;
        }

        void release() throws IOException {
            out.write(held, 0, heldCount);
            heldCount = 0;
        }
    }
}
