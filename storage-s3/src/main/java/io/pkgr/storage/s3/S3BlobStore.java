package io.pkgr.storage.s3;

import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.DigestingCopy;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.PutResult;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Objects in an S3 bucket under a key prefix, through the AWS SDK for Java v2.
 *
 * <p>Staging, as docker distribution's S3 driver does it: content streams in while it is hashed,
 * and is held in memory while it fits in one part ({@link PartStream}); larger content goes part
 * by part into a multipart upload under the hidden {@code PREFIX/.staging/} (no {@link RepoPath}
 * starts with a dot, so it is never listed). The staged bytes are re-read from there (ranged GETs
 * for random access). The commit is a put-if-absent: a conditional {@code PutObject} for content
 * held in memory, a server-side conditional {@code CopyObject} from the staging object (a multipart
 * copy past 5 GiB) for the rest, then the staging object is deleted. Where the server ignores
 * {@code If-None-Match: *} (found by a probe at start), the commit checks then writes.
 *
 * <p>Failed or abandoned uploads leave no visible object: a failed stage aborts its multipart
 * upload; a crash leaves a staging object or an open multipart upload, which the sweep (at start
 * and every hour) removes once older than the grace period.
 */
final class S3BlobStore implements BlobStore {

    private static final System.Logger LOG = System.getLogger(S3BlobStore.class.getName());
    static final String STAGING = ".staging/";
    /** The largest object a single CopyObject may copy; larger commits copy in parts. */
    private static final long MAX_SINGLE_COPY = 5L << 30;
    private static final long COPY_PART = 1L << 30;

    /** Tunables: part size, random-read window, the age at which unfinished uploads are swept. */
    record Settings(int partSize, int readWindow, Duration staleAfter, Duration sweepEvery) {
        static Settings defaults() {
            return new Settings(8 << 20, 1 << 20, Duration.ofDays(1), Duration.ofHours(1));
        }
    }

    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Location location;
    private final Settings settings;
    private final PartBuffers buffers;
    private final String probeKey;
    private final ScheduledExecutorService sweeper;
    private final java.util.Map<String, Instant> firstSeen = new java.util.HashMap<>();
    private boolean conditionalWrites;

    private S3BlobStore(S3Client s3, S3Presigner presigner, S3Location location, Settings settings) {
        this.s3 = s3;
        this.presigner = presigner;
        this.location = location;
        this.settings = settings;
        this.buffers = PartBuffers.forHeap(settings.partSize());
        this.probeKey = location.prefix() + STAGING + "probe-" + UUID.randomUUID();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "s3-sweep");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the store: checks the bucket answers, probes conditional writes, and starts the sweep. */
    static S3BlobStore open(S3Client s3, S3Presigner presigner, S3Location location, Settings settings)
            throws IOException {
        S3BlobStore store = new S3BlobStore(s3, presigner, location, settings);
        try {
            store.conditionalWrites = store.probeConditionalWrites();
        } catch (SdkException e) {
            store.close();
            throw new IOException("cannot use " + location + ": " + message(e), e);
        }
        if (!store.conditionalWrites) {
            LOG.log(Level.WARNING, "{0}: the S3 server ignores If-None-Match on writes, so put-if-absent checks then"
                    + " writes: two replicas publishing one version at the same instant could both succeed (the last"
                    + " write wins); run one replica on this server", location);
        }
        long every = settings.sweepEvery().toMillis();
        store.sweeper.scheduleWithFixedDelay(store::sweepQuietly, 0, every, TimeUnit.MILLISECONDS);
        return store;
    }

    boolean conditionalWrites() {
        return conditionalWrites;
    }

    private String key(RepoPath path) {
        return location.prefix() + path.value();
    }

    @Override
    public Optional<BlobStat> stat(RepoPath path) throws IOException {
        return head(key(path)).map(h -> new BlobStat(path, h.contentLength(), h.lastModified()));
    }

    private Optional<HeadObjectResponse> head(String key) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(location.bucket()).key(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("HEAD " + key, e);
        } catch (SdkException e) {
            throw failure("HEAD " + key, e);
        }
    }

    @Override
    public Blob get(RepoPath path, ByteRange range) throws IOException {
        String key = key(path);
        HeadObjectResponse head = head(key).orElseThrow(() -> new BlobNotFoundException(path));
        long size = head.contentLength();
        if (range != null && range.last() >= size) {
            throw new IllegalArgumentException("range " + range + " beyond size " + size);
        }
        String etag = head.eTag();
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                if (range == null && size == 0) {
                    return InputStream.nullInputStream();
                }
                // If-Match: the object as it was when stat'ed, whole, or a failure
                return read(key, path, range == null ? 0 : range.first(), range == null ? size : range.length(), etag);
            }
        };
    }

    private InputStream read(String key, RepoPath path, long first, long length, String etag) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(location.bucket()).key(key).ifMatch(etag)
                    .range("bytes=" + first + "-" + (first + length - 1)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && path != null) {
                throw new BlobNotFoundException(path);
            }
            throw failure("GET " + key, e);
        } catch (SdkException e) {
            throw failure("GET " + key, e);
        }
    }

    @Override
    public void replace(RepoPath path, byte[] content) throws IOException {
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(key(path)), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("PUT " + key(path), e);
        }
    }

    @Override
    public List<RepoPath> list(RepoPath prefix) throws IOException {
        String keyPrefix = key(prefix) + "/";
        List<RepoPath> paths = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(keyPrefix))
                    .contents()) {
                try {
                    paths.add(RepoPath.of(object.key().substring(location.prefix().length())));
                } catch (IllegalArgumentException notAnObject) {
                    // keys no RepoPath can name (written by something else) are not objects of the store
                }
            }
        } catch (SdkException e) {
            throw failure("LIST " + keyPrefix, e);
        }
        paths.sort(null);
        return paths;
    }

    @Override
    public List<BlobStat> listStats(RepoPath prefix) throws IOException {
        String keyPrefix = key(prefix) + "/";
        List<BlobStat> stats = new ArrayList<>();
        try {
            // one LIST per thousand objects, each with its size and time: no HEAD per object
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(keyPrefix))
                    .contents()) {
                try {
                    stats.add(new BlobStat(RepoPath.of(object.key().substring(location.prefix().length())), object.size(),
                            object.lastModified()));
                } catch (IllegalArgumentException notAnObject) {
                    // keys no RepoPath can name are not objects of the store
                }
            }
        } catch (SdkException e) {
            throw failure("LIST " + keyPrefix, e);
        }
        stats.sort(java.util.Comparator.comparing(BlobStat::path));
        return stats;
    }

    /** Set once the server answered DeleteObjects 501: deletes go one by one from then on. */
    private volatile boolean multiDeleteUnsupported;

    @Override
    public boolean delete(RepoPath path) throws IOException {
        // S3 answers 204 whether or not the key existed: ask first to tell the caller
        if (head(key(path)).isEmpty()) {
            return false;
        }
        deleteKey(key(path));
        return true;
    }

    /**
     * One DeleteObjects request per 1,000 keys (S3's limit), quiet: only failures come back. A server
     * that does not implement it as the SDK sends it (s3proxy answers the SDK's required checksum header
     * 501) gets one DELETE per key from then on.
     */
    @Override
    public void deleteAll(List<RepoPath> paths) throws IOException {
        for (int from = 0; from < paths.size(); from += 1000) {
            List<RepoPath> batch = paths.subList(from, Math.min(paths.size(), from + 1000));
            if (multiDeleteUnsupported || !deleteObjects(batch)) {
                for (RepoPath path : batch) {
                    deleteKey(key(path));
                }
            }
        }
    }

    /** One DeleteObjects request; false (nothing deleted) when the server does not implement it. */
    private boolean deleteObjects(List<RepoPath> batch) throws IOException {
        List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> keys = batch.stream()
                .map(p -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(key(p)).build())
                .toList();
        software.amazon.awssdk.services.s3.model.DeleteObjectsResponse response;
        try {
            response = s3.deleteObjects(b -> b.bucket(location.bucket()).delete(d -> d.objects(keys).quiet(true)));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 501) {
                multiDeleteUnsupported = true;
                return false;
            }
            throw failure("DELETE " + keys.size() + " objects from " + keys.get(0).key(), e);
        } catch (SdkException e) {
            throw failure("DELETE " + keys.size() + " objects from " + keys.get(0).key(), e);
        }
        if (response.hasErrors() && !response.errors().isEmpty()) {
            var first = response.errors().get(0);
            throw new IOException("DELETE of " + response.errors().size() + " object(s) failed, first " + first.key()
                    + ": " + first.code() + " " + first.message());
        }
        return true;
    }

    private void deleteKey(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("DELETE " + key, e);
        }
    }

    @Override
    public StagedBlob stage(InputStream content, long maxBytes) throws IOException {
        return stage(content, maxBytes, true);
    }

    @Override
    public StagedBlob stageSha256(InputStream content, long maxBytes) throws IOException {
        return stage(content, maxBytes, false);
    }

    private StagedBlob stage(InputStream content, long maxBytes, boolean allDigests) throws IOException {
        String stagingKey = location.prefix() + STAGING + UUID.randomUUID();
        PartStream parts = new PartStream(s3, location.bucket(), stagingKey, buffers);
        try {
            Digests digests = new DigestingCopy(allDigests).copy(content, parts, maxBytes);
            PartStream.Finished finished = parts.finish();
            return finished.bytes() != null
                    ? new InMemory(finished, digests)
                    : new StagedObject(stagingKey, digests);
        } catch (SdkException e) {
            abortQuietly(parts);
            throw failure("upload to " + stagingKey, e);
        } catch (IOException | RuntimeException | Error e) {
            abortQuietly(parts);
            throw e;
        }
    }

    private static void abortQuietly(PartStream parts) {
        try {
            parts.abort();
        } catch (SdkException e) {
            // the sweep removes it once it is older than the grace period
            LOG.log(Level.WARNING, "cannot abort a multipart upload now (the sweep will): {0}", message(e));
        }
    }

    @Override
    public void checkWritable() throws IOException {
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(probeKey)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5))), RequestBody.fromBytes(new byte[] {1}));
            s3.deleteObject(b -> b.bucket(location.bucket()).key(probeKey)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(5))));
        } catch (SdkException e) {
            throw failure("write to " + location, e);
        }
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public Optional<URI> presignedGet(RepoPath path, String filename, Duration expiry) throws IOException {
        try {
            var presigned = presigner.presignGetObject(p -> p.signatureDuration(expiry)
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(key(path))
                            .responseContentDisposition("attachment; filename=\"" + filename + "\"")));
            return Optional.of(presigned.url().toURI());
        } catch (SdkException e) {
            throw failure("pre-sign " + key(path), e);
        } catch (URISyntaxException e) {
            throw new IOException("the pre-signed URL is not a URI: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        presigner.close();
        s3.close();
    }

    /**
     * Writes a probe twice with {@code If-None-Match: *}: a server that honours it refuses the second
     * write (412). Also proves the bucket is there and writable at start.
     */
    private boolean probeConditionalWrites() {
        String bucket = location.bucket();
        try {
            s3.putObject(b -> b.bucket(bucket).key(probeKey).ifNoneMatch("*"), RequestBody.fromBytes(new byte[] {1}));
            try {
                s3.putObject(b -> b.bucket(bucket).key(probeKey).ifNoneMatch("*"), RequestBody.fromBytes(new byte[] {2}));
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return true;
                }
                if (e.statusCode() == 501 || e.statusCode() == 400) {
                    return false; // "not implemented": the header is refused rather than ignored
                }
                throw e;
            }
        } finally {
            s3.deleteObject(b -> b.bucket(bucket).key(probeKey));
        }
    }

    /** Put-if-absent of {@code body} at {@code key}: true when written, false when an object was there. */
    private boolean putIfAbsent(String key, RequestBody body) {
        if (!conditionalWrites && exists(key)) {
            return false;
        }
        try {
            s3.putObject(b -> {
                b.bucket(location.bucket()).key(key);
                if (conditionalWrites) {
                    b.ifNoneMatch("*");
                }
            }, body);
            return true;
        } catch (S3Exception e) {
            if (isTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Server-side copy-if-absent of the staging object to {@code key}; false when an object was there. */
    private boolean copyIfAbsent(String stagingKey, String key, long size) {
        if (!conditionalWrites && exists(key)) {
            return false;
        }
        try {
            if (size <= MAX_SINGLE_COPY) {
                s3.copyObject(b -> {
                    b.sourceBucket(location.bucket()).sourceKey(stagingKey)
                            .destinationBucket(location.bucket()).destinationKey(key);
                    if (conditionalWrites) {
                        b.ifNoneMatch("*");
                    }
                });
            } else {
                copyInParts(stagingKey, key, size);
            }
            return true;
        } catch (S3Exception e) {
            if (isTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    private void copyInParts(String stagingKey, String key, long size) {
        String bucket = location.bucket();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long first = 0; first < size; first += COPY_PART) {
                int number = parts.size() + 1;
                String range = "bytes=" + first + "-" + (Math.min(size, first + COPY_PART) - 1);
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(stagingKey)
                        .destinationBucket(bucket).destinationKey(key).uploadId(uploadId).partNumber(number)
                        .copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> {
                b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
                if (conditionalWrites) {
                    b.ifNoneMatch("*");
                }
            });
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the sweep removes it
            }
            throw e;
        }
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(location.bucket()).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** 412: an object is there. 409: a concurrent conditional write to the key won the race on AWS. */
    private static boolean isTaken(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    private PutResult committed(boolean created, RepoPath target) throws IOException {
        BlobStat stat = stat(target).orElseThrow(() -> new IOException("the object at " + target
                + " vanished right after its commit"));
        return new PutResult(created, stat);
    }

    /**
     * Aborts multipart uploads and deletes staging objects older than the grace period. A server that
     * does not say when an upload started (s3proxy) has it timed from the first sweep that saw it.
     */
    synchronized int sweep() {
        Instant now = Instant.now();
        Instant before = now.minus(settings.staleAfter());
        String bucket = location.bucket();
        int swept = 0;
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(location.prefix()))
                .uploads()) {
            listed.add(upload.uploadId());
            Instant started = upload.initiated() != null ? upload.initiated()
                    : firstSeen.computeIfAbsent(upload.uploadId(), id -> now);
            if (!started.isAfter(before)) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                swept++;
            }
        }
        firstSeen.keySet().retainAll(listed);
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(location.prefix() + STAGING))
                .contents()) {
            if (!object.lastModified().isAfter(before) && !object.key().equals(probeKey)) {
                s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                swept++;
            }
        }
        return swept;
    }

    private void sweepQuietly() {
        try {
            int swept = sweep();
            if (swept > 0) {
                LOG.log(Level.INFO, "{0}: removed {1} unfinished upload(s) older than {2}", location, swept,
                        settings.staleAfter());
            }
        } catch (SdkException e) {
            if (!sweeper.isShutdown()) {
                LOG.log(Level.WARNING, "{0}: cannot sweep unfinished uploads now: {1}", location, message(e));
            }
        }
    }

    private static IOException failure(String what, SdkException e) {
        if (e.getCause() instanceof InterruptedException || e.getCause() instanceof InterruptedIOException) {
            return new InterruptedIOException(what + ": interrupted");
        }
        return new IOException("S3 " + what + ": " + message(e), e);
    }

    private static String message(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return s3e.statusCode() + " " + s3e.awsErrorDetails().errorCode() + " " + s3e.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    /** Content that fit in one part: re-read from memory, put conditionally on commit. */
    private final class InMemory implements StagedBlob {
        private final Digests digests;
        private final int length;
        private final boolean pooled;
        private byte[] bytes;
        private boolean committed;

        InMemory(PartStream.Finished finished, Digests digests) {
            this.bytes = finished.bytes();
            this.length = finished.length();
            this.pooled = finished.pooled();
            this.digests = digests;
        }

        @Override
        public Digests digests() {
            return digests;
        }

        @Override
        public InputStream open() throws IOException {
            return new ByteArrayInputStream(bytes(), 0, length);
        }

        @Override
        public SeekableByteChannel openChannel() throws IOException {
            byte[] content = bytes();
            return new RangedChannel((first, n) -> new ByteArrayInputStream(content, (int) first, (int) n), length,
                    Math.max(1, length));
        }

        private byte[] bytes() throws IOException {
            if (bytes == null) {
                throw new IOException("the staged content was discarded");
            }
            return bytes;
        }

        @Override
        public PutResult commitIfAbsent(RepoPath target) throws IOException {
            if (committed || bytes == null) {
                throw new IllegalStateException(bytes == null ? "the staged content was discarded" : "already committed");
            }
            committed = true;
            try {
                boolean created = putIfAbsent(key(target), PartStream.bytes(bytes, length));
                return committed(created, target);
            } catch (SdkException e) {
                throw failure("PUT " + key(target), e);
            }
        }

        @Override
        public void close() {
            if (bytes != null && pooled) {
                buffers.release(bytes);
            }
            bytes = null;
        }
    }

    /** Content uploaded to a staging object: re-read with (ranged) GETs, copied server-side on commit. */
    private final class StagedObject implements StagedBlob {
        private final String stagingKey;
        private final Digests digests;
        private boolean committed;
        private boolean closed;

        StagedObject(String stagingKey, Digests digests) {
            this.stagingKey = stagingKey;
            this.digests = digests;
        }

        @Override
        public Digests digests() {
            return digests;
        }

        @Override
        public InputStream open() throws IOException {
            ensureOpen();
            return read(stagingKey, null, 0, digests.size(), null);
        }

        @Override
        public SeekableByteChannel openChannel() throws IOException {
            ensureOpen();
            return new RangedChannel((first, n) -> read(stagingKey, null, first, n, null), digests.size(),
                    settings.readWindow());
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the staged content was discarded");
            }
        }

        @Override
        public PutResult commitIfAbsent(RepoPath target) throws IOException {
            if (committed || closed) {
                throw new IllegalStateException(closed ? "the staged content was discarded" : "already committed");
            }
            committed = true;
            try {
                return committed(copyIfAbsent(stagingKey, key(target), digests.size()), target);
            } catch (SdkException e) {
                throw failure("COPY to " + key(target), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                deleteKey(stagingKey);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete staging object {0} now (the sweep will): {1}", stagingKey,
                        e.getMessage());
            }
        }
    }
}
