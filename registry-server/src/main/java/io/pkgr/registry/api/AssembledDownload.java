package io.pkgr.registry.api;

import io.pkgr.api.ErrorCode;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.Conditional;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves a {@code .pkgr} file that is stored only as layers. The first whole download assembles the
 * file from its layers once, checks it against the record's sha256 and size, and stores it in the
 * {@link BlobStore} under that sha256 (the store's write-once put, so replicas agree); every
 * download, that one included, then streams the stored copy. Concurrent first requests for one
 * file wait for the same assembly (single flight). Garbage collection counts the copy as its
 * version's (see {@code BlobReferences.assembledCopy}).
 *
 * <p>Each response is hashed on its way out with the last bytes held back until the sha256
 * matches the record: a copy corrupted in storage is cut before its body is complete (no client
 * ever receives a whole wrong file), removed, and assembled again by the next request. A
 * {@code Range} is served the same way, reading the whole copy and sending only the asked bytes:
 * one read and one sha256 of the file, no deflate.
 *
 * <p>Assembling costs a deflate of the whole bundle (seconds of CPU for a large one), so at most
 * one assembly per core runs at once; a request that finds none free within {@link #WAIT} is
 * answered 503 with {@code Retry-After}, rather than letting any reader queue unbounded CPU work.
 */
final class AssembledDownload {

    private static final System.Logger LOG = System.getLogger(AssembledDownload.class.getName());
    private static final int HOLD_BACK = 64 * 1024;
    static final Duration WAIT = Duration.ofSeconds(10);

    private final BlobStore store;
    private final LayerStore layers;
    private final Map<Sha256, CompletableFuture<Void>> flights = new ConcurrentHashMap<>();
    private final AtomicLong assembled = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();

    AssembledDownload(BlobStore store, LayerStore layers) {
        this.store = store;
        this.layers = layers;
    }

    /** Whole files assembled from layers and stored since start. */
    long assembledCount() {
        return assembled.get();
    }

    /** Stored assembled files found not to match their sha256 (and removed) since start. */
    long corruptCount() {
        return corrupt.get();
    }

    void send(HttpServerExchange exchange, VersionRecord record, Manifest manifest, String filename) throws IOException {
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
        InputStream copy = body ? openCopy(record, manifest) : null;
        try (copy) {
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
            stream(exchange, copy, record, first, length);
        }
    }

    /**
     * The whole small file, assembled in memory and checked against the record's sha256 and size
     * (an {@link IOException}, answered 500, when a layer does not give them back).
     */
    byte[] assemble(VersionRecord record, Manifest manifest) throws IOException {
        acquire(layers.assembling);
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) record.size());
            layers.assemble(manifest, record.layers().files(), out);
            byte[] bytes = out.toByteArray();
            if (bytes.length != record.size() || !Sha256.ofBytes(bytes).equals(record.sha256())) {
                throw new IOException(refusal(record, bytes.length, Sha256.ofBytes(bytes)));
            }
            return bytes;
        } finally {
            layers.assembling.release();
        }
    }

    /**
     * The stored copy of the file, opened; assembled and stored first when there is none (or the
     * one there has the wrong size). A copy removed between its look-up and its opening (by
     * garbage collection) is assembled again.
     */
    private InputStream openCopy(VersionRecord record, Manifest manifest) throws IOException {
        RepoPath path = StoragePaths.blob(record.sha256());
        for (int attempt = 0; ; attempt++) {
            Optional<BlobStat> stat = store.stat(path);
            if (stat.isPresent() && stat.get().size() != record.size()) {
                discard(record, stat.get().size() + " bytes, the record says " + record.size());
                stat = Optional.empty();
            }
            if (stat.isEmpty()) {
                assembleOnce(record, manifest);
            }
            try {
                return store.get(path, null).open();
            } catch (BlobNotFoundException e) {
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    /** Assembles and stores the copy, or waits for the assembly another request of it started. */
    private void assembleOnce(VersionRecord record, Manifest manifest) throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> flight = flights.putIfAbsent(record.sha256(), mine);
        if (flight == null) {
            try {
                assembleIntoStore(record, manifest);
                mine.complete(null);
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                flights.remove(record.sha256(), mine);
            }
            return;
        }
        try {
            flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the assembly of " + record.name() + " " + record.version(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private void assembleIntoStore(VersionRecord record, Manifest manifest) throws IOException {
        acquire(layers.assembling);
        long started = System.nanoTime();
        try (StagedBlob staged = layers.stagePiped(record.size(),
                out -> layers.assemble(manifest, record.layers().files(), out))) {
            Sha256 actual = new Sha256(staged.digests().sha256());
            if (!actual.equals(record.sha256()) || staged.digests().size() != record.size()) {
                throw new IOException(refusal(record, staged.digests().size(), actual));
            }
            staged.commitIfAbsent(StoragePaths.blob(record.sha256()));
        } finally {
            layers.assembling.release();
        }
        assembled.incrementAndGet();
        LOG.log(Level.INFO, "assembled {0} {1} ({2} bytes) from its layers and stored it in {3} ms", record.name(),
                record.version(), record.size(), (System.nanoTime() - started) / 1_000_000);
    }

    private static String refusal(VersionRecord record, long size, Sha256 actual) {
        return "download of " + record.name() + " " + record.version() + " refused: assembled " + size + " bytes with "
                + actual + ", the record says " + record.size() + " bytes with " + record.sha256()
                + " (a layer is corrupt in storage: run pkgr admin fsck)";
    }

    /** Removes a stored copy that does not match its record, so that the next request assembles it again. */
    private void discard(VersionRecord record, String detail) {
        corrupt.incrementAndGet();
        RepoPath path = StoragePaths.blob(record.sha256());
        try {
            store.delete(path);
            LOG.log(Level.ERROR, "removed the stored file of {0} {1} ({2}): {3}", record.name(), record.version(), path, detail);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "the stored file of {0} {1} is corrupt ({2}) and could not be removed: {3}", record.name(),
                    record.version(), detail, e.getMessage());
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

    private void stream(HttpServerExchange exchange, InputStream copy, VersionRecord record, long first, long length) {
        Sha256 sha256 = record.sha256();
        long size = record.size();
        exchange.startBlocking();
        MessageDigest md = Sha256.newDigest();
        boolean complete = false;
        try {
            Window window = new Window(exchange.getOutputStream(), first, length, md);
            byte[] buffer = new byte[128 * 1024];
            for (int n; (n = copy.read(buffer)) >= 0; ) {
                window.write(buffer, 0, n);
            }
            Sha256 actual = Sha256.of(md.digest());
            if (!actual.equals(sha256) || window.position != size) {
                discard(record, "it has " + window.position + " bytes with " + actual);
                throw new IOException("the stored file has " + window.position + " bytes with " + actual
                        + ", the record says " + size + " bytes with " + sha256);
            }
            window.release();
            exchange.getOutputStream().close();
            complete = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "download of {0} {1} cut: {2}", record.name(), record.version(), e.getMessage());
        } finally {
            if (!complete) {
                org.xnio.IoUtils.safeClose(exchange.getConnection());
            }
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
