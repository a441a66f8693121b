package io.pkgr.storage.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Where staged content streams: held in memory while it fits in one part, then uploaded part by
 * part into a multipart upload at {@code key} (one part buffer, taken from {@link PartBuffers},
 * at a time). {@link #finish} says which it became; {@link #abort} aborts the multipart upload,
 * so its parts do not linger.
 */
final class PartStream extends OutputStream {

    /** Bytes an upload may hold without a pooled buffer (at most a part): the records and most wheels never need one. */
    private static final int SMALL_MAX = 1 << 20;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final PartBuffers buffers;
    private byte[] buffer = new byte[4 * 1024];
    private boolean pooled;
    private int count;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long size;

    PartStream(S3Client s3, String bucket, String key, PartBuffers buffers) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.buffers = buffers;
    }

    /** What the content became: in memory ({@code bytes} non-null) or a completed object at the key. */
    record Finished(byte[] bytes, int length, boolean pooled, long size) {
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buffer.length) {
                makeRoom();
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            size += n;
            off += n;
            len -= n;
        }
    }

    /** Grows the small buffer, moves to a pooled part buffer, or uploads the full part. */
    private void makeRoom() throws IOException {
        int smallMax = Math.min(SMALL_MAX, buffers.partSize());
        if (!pooled && buffer.length < smallMax) {
            buffer = Arrays.copyOf(buffer, Math.min(smallMax, buffer.length * 2));
        } else if (!pooled) {
            byte[] part = buffers.take();
            System.arraycopy(buffer, 0, part, 0, count);
            buffer = part;
            pooled = true;
        } else {
            uploadPart();
        }
    }

    private void uploadPart() {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        }
        int number = parts.size() + 1;
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                bytes(buffer, count)).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        count = 0;
    }

    /** The first {@code length} bytes of {@code buffer} as a request body, without the copy {@code fromBytes} makes. */
    static RequestBody bytes(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(buffer, 0, length), length,
                "application/octet-stream");
    }

    /**
     * Ends the content: still in memory when it never filled a part (the caller then owns the buffer
     * and gives a pooled one back), else the last part is uploaded and the multipart upload completed.
     */
    Finished finish() throws IOException {
        if (uploadId == null) {
            Finished inMemory = new Finished(buffer, count, pooled, size);
            buffer = null;
            pooled = false;
            return inMemory;
        }
        if (count > 0) {
            uploadPart();
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        uploadId = null;
        releaseBuffer();
        return new Finished(null, 0, false, size);
    }

    /** Discards everything: aborts the multipart upload (its parts go) and gives the buffer back. Idempotent. */
    void abort() {
        try {
            if (uploadId != null) {
                String id = uploadId;
                uploadId = null;
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
            }
        } finally {
            releaseBuffer();
        }
    }

    private void releaseBuffer() {
        if (pooled && buffer != null) {
            buffers.release(buffer);
        }
        pooled = false;
        buffer = null;
    }
}
