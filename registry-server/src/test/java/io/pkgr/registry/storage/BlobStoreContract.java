package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} backend must do; a backend's test is a subclass that opens one. */
public abstract class BlobStoreContract {

    protected BlobStore store;

    /** Opens a fresh, empty store. */
    protected abstract BlobStore openStore() throws IOException;

    @BeforeEach
    void open() throws IOException {
        store = openStore();
    }

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private String read(RepoPath path, ByteRange range) throws IOException {
        try (InputStream in = store.get(path, range).open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putIfAbsentStoresANewObject() throws IOException {
        PutResult result = store.putIfAbsent(RepoPath.of("a/b/c.txt"), bytes("hello"));

        assertTrue(result.created());
        assertEquals(5, result.stat().size());
        assertEquals("hello", read(RepoPath.of("a/b/c.txt"), null));
    }

    @Test
    void putIfAbsentKeepsTheFirstObject() throws IOException {
        store.putIfAbsent(RepoPath.of("x"), bytes("first"));

        PutResult second = store.putIfAbsent(RepoPath.of("x"), bytes("second!"));

        assertFalse(second.created());
        assertEquals("first", read(RepoPath.of("x"), null));
    }

    @Test
    void getReturnsTheRequestedRange() throws IOException {
        store.putIfAbsent(RepoPath.of("r"), bytes("0123456789"));

        assertEquals("345", read(RepoPath.of("r"), new ByteRange(3, 5)));
        assertEquals("89", read(RepoPath.of("r"), new ByteRange(8, 9)));
    }

    @Test
    void getOfAMissingObjectFailsWithNotFound() {
        assertThrows(BlobNotFoundException.class, () -> store.get(RepoPath.of("missing"), null));
    }

    @Test
    void statReportsSizeAndAbsence() throws IOException {
        store.putIfAbsent(RepoPath.of("s/t"), bytes("abc"));

        assertEquals(3, store.stat(RepoPath.of("s/t")).orElseThrow().size());
        assertEquals(Optional.empty(), store.stat(RepoPath.of("s/none")));
        assertEquals(Optional.empty(), store.stat(RepoPath.of("s")), "a prefix is not an object");
    }

    @Test
    void listStatsGivesWhatListGivesWithSizesAndTimes() throws IOException {
        store.putIfAbsent(RepoPath.of("q/b/2"), new ByteArrayInputStream(new byte[] {1, 2}));
        store.putIfAbsent(RepoPath.of("q/a"), new ByteArrayInputStream(new byte[] {1, 2, 3}));

        List<BlobStat> stats = store.listStats(RepoPath.of("q"));

        assertEquals(store.list(RepoPath.of("q")), stats.stream().map(BlobStat::path).toList());
        assertEquals(List.of(3L, 2L), stats.stream().map(BlobStat::size).toList());
        assertEquals(store.stat(RepoPath.of("q/a")).orElseThrow().modified().getEpochSecond(),
                stats.get(0).modified().getEpochSecond());
        assertEquals(List.of(), store.listStats(RepoPath.of("nothing")));
    }

    @Test
    void listReturnsEveryObjectUnderAPrefixSorted() throws IOException {
        store.putIfAbsent(RepoPath.of("p/b/2"), bytes("2"));
        store.putIfAbsent(RepoPath.of("p/a"), bytes("1"));
        store.putIfAbsent(RepoPath.of("q/other"), bytes("3"));

        assertEquals(List.of(RepoPath.of("p/a"), RepoPath.of("p/b/2")), store.list(RepoPath.of("p")));
        assertEquals(List.of(), store.list(RepoPath.of("nothing")));
    }

    @Test
    void deleteRemovesAnObjectOnce() throws IOException {
        store.putIfAbsent(RepoPath.of("d/e"), bytes("x"));

        assertTrue(store.delete(RepoPath.of("d/e")));
        assertFalse(store.delete(RepoPath.of("d/e")));
        assertEquals(Optional.empty(), store.stat(RepoPath.of("d/e")));
    }

    /** 30 objects stored under batch/0..2/, and one path beside them that is not stored: a batch to delete. */
    private List<RepoPath> seedBatch() throws IOException {
        List<RepoPath> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RepoPath path = RepoPath.of("batch/" + (i % 3) + "/o" + i);
            store.putIfAbsent(path, bytes("o" + i));
            batch.add(path);
        }
        batch.add(RepoPath.of("batch/absent"));
        return batch;
    }

    @Test
    void deleteAllRemovesTheObjectsThereSkipsAbsentOnesAndLeavesTheRest() throws IOException {
        List<RepoPath> batch = seedBatch();
        store.putIfAbsent(RepoPath.of("batch/0/kept"), bytes("kept"));

        store.deleteAll(batch);
        store.deleteAll(List.of());

        assertEquals(List.of(RepoPath.of("batch/0/kept")), store.list(RepoPath.of("batch")));
        assertEquals(Optional.empty(), store.stat(RepoPath.of("batch/1/o1")));
        assertFalse(store.delete(RepoPath.of("batch/2/o2")));
    }

    @Test
    void deleteAllUnlessKeepsWhatTheCheckNamesDeletesTheRestAndSkipsAbsentOnes() throws IOException {
        List<RepoPath> batch = seedBatch();
        List<List<RepoPath>> asked = new java.util.ArrayList<>();

        List<RepoPath> deleted = store.deleteAllUnless(batch, candidates -> {
            asked.add(candidates);
            return java.util.Set.of(RepoPath.of("batch/1/o4"), RepoPath.of("batch/2/o5"));
        });

        assertEquals(1, asked.size(), "asked once per batch");
        assertTrue(asked.get(0).containsAll(batch.subList(0, 30)));
        assertEquals(28, deleted.stream().filter(p -> !p.equals(RepoPath.of("batch/absent"))).count());
        assertFalse(deleted.contains(RepoPath.of("batch/1/o4")) || deleted.contains(RepoPath.of("batch/2/o5")));
        assertEquals(List.of(RepoPath.of("batch/1/o4"), RepoPath.of("batch/2/o5")), store.list(RepoPath.of("batch")));
        assertEquals("o4", read(RepoPath.of("batch/1/o4"), null));
        assertEquals("o5", read(RepoPath.of("batch/2/o5"), null));
    }

    @Test
    void deleteAllUnlessWhoseCheckFailsDeletesNothing() throws IOException {
        store.putIfAbsent(RepoPath.of("batch/a"), bytes("a"));
        store.putIfAbsent(RepoPath.of("batch/b/c"), bytes("c"));

        IOException e = assertThrows(IOException.class, () -> store.deleteAllUnless(
                List.of(RepoPath.of("batch/a"), RepoPath.of("batch/b/c")), candidates -> {
                    throw new IOException("cannot list the holds");
                }));

        assertEquals("cannot list the holds", e.getMessage());
        assertEquals(List.of(RepoPath.of("batch/a"), RepoPath.of("batch/b/c")), store.list(RepoPath.of("batch")));
        assertEquals("a", read(RepoPath.of("batch/a"), null));
        assertEquals("c", read(RepoPath.of("batch/b/c"), null));
        assertEquals(0, store.recoverSetAside(), "nothing left set aside");
    }

    @Test
    void replaceSwapsContentAtomically() throws IOException {
        store.putIfAbsent(RepoPath.of("rec.json"), bytes("{\"v\":1}"));

        store.replace(RepoPath.of("rec.json"), "{\"v\":2}".getBytes(StandardCharsets.UTF_8));

        assertEquals("{\"v\":2}", read(RepoPath.of("rec.json"), null));
        assertEquals(7, store.stat(RepoPath.of("rec.json")).orElseThrow().size());
    }

    @Test
    void stagedContentHasItsDigestsAndIsInvisibleUntilCommitted() throws IOException {
        try (StagedBlob staged = store.stage(bytes("abc"), 100)) {
            Digests d = staged.digests();
            assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d.sha256());
            assertEquals("900150983cd24fb0d6963f7d28e17f72", d.md5());
            assertEquals("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", d.blake2b256());
            assertEquals(3, d.size());
            try (InputStream in = staged.open()) {
                assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
            }
            assertEquals(List.of(), store.list(RepoPath.of("blobs")));

            assertTrue(staged.commitIfAbsent(RepoPath.of("blobs/abc")).created());
        }
        assertEquals("abc", read(RepoPath.of("blobs/abc"), null));
    }

    @Test
    void stagingPastTheLimitFailsAndKeepsNothing() throws IOException {
        assertThrows(BlobTooLargeException.class, () -> store.stage(bytes("0123456789"), 5));

        assertEquals(List.of(), store.list(RepoPath.of("blobs")));
    }

    @Test
    void closingAStagedBlobDiscardsIt() throws IOException {
        StagedBlob staged = store.stage(bytes("gone"), 100);

        staged.close();

        assertThrows(IOException.class, staged::open);
        assertThrows(IllegalStateException.class, () -> staged.commitIfAbsent(RepoPath.of("blobs/gone")));
        assertEquals(List.of(), store.list(RepoPath.of("blobs")));
        staged.close(); // twice is fine
    }

    @Test
    void stagedContentCanBeReadAgainFromTheStartAndAtRandom() throws IOException {
        try (StagedBlob staged = store.stage(bytes("0123456789"), 100)) {
            try (InputStream first = staged.open(); InputStream second = staged.open()) {
                assertEquals("0123456789", new String(first.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals("0123456789", new String(second.readAllBytes(), StandardCharsets.UTF_8));
            }
            try (SeekableByteChannel channel = staged.openChannel()) {
                ByteBuffer tail = ByteBuffer.allocate(3);
                channel.position(7).read(tail);
                assertEquals(10, channel.size());
                assertEquals("789", new String(tail.array(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aCommitOntoAnExistingObjectLeavesItUnchangedAndReportsIt() throws IOException {
        store.putIfAbsent(RepoPath.of("blobs/x"), bytes("first"));

        try (StagedBlob staged = store.stage(bytes("second!"), 100)) {
            PutResult result = staged.commitIfAbsent(RepoPath.of("blobs/x"));

            assertFalse(result.created());
            assertEquals(5, result.stat().size());
        }
        assertEquals("first", read(RepoPath.of("blobs/x"), null));
    }

    @Test
    void aStagedBlobCommitsOnceAndTheObjectOutlivesTheHandle() throws IOException {
        StagedBlob staged = store.stage(bytes("once"), 100);

        assertTrue(staged.commitIfAbsent(RepoPath.of("blobs/once")).created());
        assertThrows(IllegalStateException.class, () -> staged.commitIfAbsent(RepoPath.of("blobs/twice")));
        staged.close();

        assertEquals("once", read(RepoPath.of("blobs/once"), null));
        assertEquals(List.of(RepoPath.of("blobs/once")), store.list(RepoPath.of("blobs")));
    }

    @Test
    void aFreshStoreIsWritable() throws IOException {
        store.checkWritable();
    }
}
