package io.pkgr.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreContract;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StorageLocation;
import io.pkgr.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The storage contract, and what S3 adds (multipart streaming, aborts, the sweep, pre-signed URLs), on s3proxy. */
class S3BlobStoreTest extends BlobStoreContract {

    private static final String BUCKET = "contract";
    private static final int MIB = 1 << 20;
    private static final int PART = 5 * MIB; // the smallest part S3 (and s3proxy) accepts
    private static final S3BlobStore.Settings SETTINGS =
            new S3BlobStore.Settings(PART, 256 * 1024, Duration.ofDays(1), Duration.ofHours(1));

    @TempDir
    static Path serverDir;
    static S3Server server;
    static S3Client admin;
    private String prefix;

    @BeforeAll
    static void startServer() throws IOException {
        server = S3Server.start(serverDir);
        server.createBucket(BUCKET);
        // the store finds its credentials through the AWS default chain, as in production
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        System.setProperty("aws.disableEc2Metadata", "true");
        admin = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) {
            admin.close();
        }
        server.close();
    }

    @Override
    protected BlobStore openStore() throws IOException {
        prefix = "t-" + UUID.randomUUID();
        return S3BlobStoreProvider.open(location(prefix), SETTINGS);
    }

    private static StorageLocation location(String prefix) {
        return new StorageLocation("s3://" + BUCKET + "/" + prefix, Path.of("unused"), server.endpoint(),
                S3Server.REGION, true);
    }

    @AfterEach
    void closeStore() throws IOException {
        store.close();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private List<String> openUploads() {
        return admin.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix + "/")).uploads().stream()
                .map(u -> u.key()).toList();
    }

    private List<String> keys() {
        return admin.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents().stream()
                .map(o -> o.key().substring(prefix.length() + 1)).toList();
    }

    @Test
    void contentLargerThanOnePartStreamsAsAMultipartUploadAndReadsBackBeforeTheCommit() throws Exception {
        byte[] content = random(5 * PART / 2 + 123);

        try (StagedBlob staged = store.stage(new ByteArrayInputStream(content), Long.MAX_VALUE)) {
            assertEquals(sha256(content), staged.digests().sha256());
            assertEquals(List.of(), store.list(RepoPath.of("blobs")));
            try (InputStream in = staged.open()) {
                assertArrayEquals(content, in.readAllBytes());
            }
            try (SeekableByteChannel channel = staged.openChannel()) {
                ByteBuffer tail = ByteBuffer.allocate(100);
                channel.position(content.length - 100).read(tail);
                assertArrayEquals(java.util.Arrays.copyOfRange(content, content.length - 100, content.length),
                        tail.array());
            }
            assertTrue(staged.commitIfAbsent(RepoPath.of("blobs/big")).created());
        }

        try (InputStream in = store.get(RepoPath.of("blobs/big"), null).open()) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(List.of("blobs/big"), keys(), "the staging object is gone");
        assertEquals(List.of(), openUploads());
    }

    @Test
    void anUploadPastTheLimitAbortsItsMultipartUploadAndKeepsNothing() {
        byte[] content = random(3 * PART);

        assertThrows(BlobTooLargeException.class, () -> store.stage(new ByteArrayInputStream(content), 2 * PART + 1));

        assertEquals(List.of(), openUploads());
        assertEquals(List.of(), keys());
    }

    @Test
    void aClientThatGoesAwayMidUploadLeavesNoObjectAndNoMultipartUpload() {
        InputStream dropped = new InputStream() {
            private final InputStream first = new ByteArrayInputStream(random(5 * PART / 2));

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = first.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset by peer");
                }
                return n;
            }
        };

        IOException e = assertThrows(IOException.class, () -> store.stage(dropped, Long.MAX_VALUE));

        assertEquals("connection reset by peer", e.getMessage());
        assertEquals(List.of(), openUploads());
        assertEquals(List.of(), keys());
    }

    @Test
    void aDiscardedLargeStagedBlobLeavesNothing() throws IOException {
        StagedBlob staged = store.stage(new ByteArrayInputStream(random(3 * PART / 2)), Long.MAX_VALUE);

        staged.close();

        assertEquals(List.of(), keys());
        assertEquals(List.of(), openUploads());
    }

    @Test
    void theSweepAbortsMultipartUploadsAndStagingObjectsOlderThanTheGracePeriod() throws IOException {
        admin.createMultipartUpload(b -> b.bucket(BUCKET).key(prefix + "/" + S3BlobStore.STAGING + "crashed"));
        store.close();
        // s3proxy reports an upload as started at the time of the listing: a grace period of minus a
        // minute makes everything listed stale, as a day makes real uploads stale on S3
        S3BlobStore sweeping = S3BlobStoreProvider.open(location(prefix),
                new S3BlobStore.Settings(PART, PART, Duration.ofMinutes(-1), Duration.ofHours(1)));
        try {
            StagedBlob orphan = sweeping.stage(new ByteArrayInputStream(random(3 * PART / 2)), Long.MAX_VALUE);
            assertEquals(1, keys().size(), "a staging object, as a crash would leave it");

            sweeping.sweep();

            assertEquals(List.of(), openUploads());
            assertEquals(List.of(), keys());
            orphan.close();
        } finally {
            store = sweeping;
        }
    }

    @Test
    void aPresignedUrlServesTheObjectAndItsRangesWithoutOtherCredentials() throws Exception {
        store.putIfAbsent(RepoPath.of("blobs/p"), new ByteArrayInputStream("0123456789".getBytes()));

        URI url = store.presignedGet(RepoPath.of("blobs/p"), "p-1.0.pkgr", Duration.ofMinutes(1)).orElseThrow();

        HttpURLConnection whole = (HttpURLConnection) url.toURL().openConnection();
        assertEquals(200, whole.getResponseCode());
        assertEquals("attachment; filename=\"p-1.0.pkgr\"", whole.getHeaderField("Content-Disposition"));
        assertEquals("0123456789", new String(whole.getInputStream().readAllBytes()));
        HttpURLConnection range = (HttpURLConnection) url.toURL().openConnection();
        range.setRequestProperty("Range", "bytes=3-5");
        assertEquals(206, range.getResponseCode());
        assertEquals("345", new String(range.getInputStream().readAllBytes()));
        HttpURLConnection tampered = (HttpURLConnection) URI.create(url.toString().replace("blobs/p", "blobs/q"))
                .toURL().openConnection();
        assertEquals(403, tampered.getResponseCode());
    }

    @Test
    void aRangeReadOfALargeObjectReadsOnlyThatRange() throws IOException {
        byte[] content = random(3 * PART);
        store.putIfAbsent(RepoPath.of("blobs/r"), new ByteArrayInputStream(content));

        try (InputStream in = store.get(RepoPath.of("blobs/r"), new ByteRange(MIB, MIB + 9)).open()) {
            assertArrayEquals(java.util.Arrays.copyOfRange(content, MIB, MIB + 10), in.readAllBytes());
        }
    }

    @Test
    void theProbeFindsThatS3proxyIgnoresConditionalWritesSoCommitsCheckFirst() {
        // if a newer s3proxy honours If-None-Match, this fails: the conditional path is then testable here
        assertFalse(((S3BlobStore) store).conditionalWrites());
    }

    @Test
    void anUnreachableBucketFailsTheWriteCheckAndRecoversWhenItIsBack() throws IOException {
        server.stop();
        try {
            assertThrows(IOException.class, store::checkWritable);
        } finally {
            server.start();
        }

        store.checkWritable();
    }

    @Test
    void aStoreOnAMissingBucketDoesNotOpen() {
        IOException e = assertThrows(IOException.class, () -> BlobStoreProvider.openStore(new StorageLocation(
                "s3://no-such-bucket/x", Path.of("unused"), server.endpoint(), S3Server.REGION, true)));

        assertTrue(e.getMessage().contains("s3://no-such-bucket/x/"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void aStorageUriThatIsNotABucketIsRefusedWithItsReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobStoreProvider.openStore(
                new StorageLocation("s3://Bad_Bucket/x", Path.of("unused"), server.endpoint(), S3Server.REGION, true)));

        assertEquals("--storage 's3://Bad_Bucket/x': 'Bad_Bucket' is not a bucket name (3-63 of a-z 0-9 . -)",
                e.getMessage());
    }
}
