package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore openStore() throws IOException {
        return BlobStoreProvider.openStore(StorageLocation.of(root));
    }

    @Test
    void aStagedTempFileIsGoneOnceTheHandleIsClosedCommittedOrNot() throws IOException {
        StagedBlob discarded = store.stage(new ByteArrayInputStream(new byte[] {1, 2}), 100);
        StagedBlob committed = store.stage(new ByteArrayInputStream(new byte[] {3}), 100);
        committed.commitIfAbsent(RepoPath.of("blobs/kept"));

        discarded.close();
        committed.close();

        assertEquals(List.of(root.resolve("blobs/kept")), regularFiles());
    }

    @Test
    void itTellsWhetherItsFileSystemSeparatesCaseAndLeavesNoProbeBehind() throws IOException {
        // what the file system here does, found without the store: two names that differ in case
        Path upper = Files.createFile(root.resolve("Probe-Of-The-Test"));
        boolean separate = !Files.exists(root.resolve("probe-of-the-test"));
        Files.delete(upper);

        assertEquals(separate, store.caseSensitive());
        assertEquals(separate, store.caseSensitive(), "asked again");
        assertEquals(List.of(), regularFiles());
    }

    @Test
    void whileABatchIsSetAsideNoReadListingOrPutIfAbsentFindsItsObjects() throws IOException {
        RepoPath path = RepoPath.of("blobs/sha256/ab/abc");
        store.putIfAbsent(path, new ByteArrayInputStream("old".getBytes()));
        List<String> seen = new java.util.ArrayList<>();

        List<RepoPath> deleted = store.deleteAllUnless(List.of(path), candidates -> {
            seen.add("stat " + store.stat(path).isPresent());
            seen.add("listed " + store.list(RepoPath.of("blobs")).size());
            seen.add("get " + assertThrows(BlobNotFoundException.class, () -> store.get(path, null)).getClass().getSimpleName());
            // a publish that looks now finds nothing and stores the bytes again: it keeps its copy
            seen.add("created " + store.putIfAbsent(path, new ByteArrayInputStream("old".getBytes())).created());
            return java.util.Set.of(path);
        });

        assertEquals(List.of("stat false", "listed 0", "get BlobNotFoundException", "created true"), seen);
        assertEquals(List.of(), deleted);
        assertEquals(List.of(root.resolve("blobs/sha256/ab/abc")), regularFiles(), "one copy, nothing left aside");
        assertEquals("old", new String(Files.readAllBytes(root.resolve("blobs/sha256/ab/abc"))));
    }

    @Test
    void whatACrashLeftSetAsideIsPutBackAtStartUpOrDroppedWhenStoredAgain() throws IOException {
        // a collection killed between the move and its decision: two blobs set aside, one stored again since
        Path aside = Files.createDirectories(root.resolve(FileSystemBlobStore.ASIDE_DIR));
        Files.writeString(aside.resolve(FileSystemBlobStore.asideName(RepoPath.of("blobs/sha256/ab/one"), "crashed")), "one");
        Files.writeString(aside.resolve(FileSystemBlobStore.asideName(RepoPath.of("blobs/sha256/cd/two"), "crashed")), "two");
        store.putIfAbsent(RepoPath.of("blobs/sha256/cd/two"), new ByteArrayInputStream("two".getBytes()));
        Files.writeString(aside.resolve("not-a-name-we-set-aside"), "x");

        BlobStore reopened = openStore();

        assertEquals(List.of(RepoPath.of("blobs/sha256/ab/one"), RepoPath.of("blobs/sha256/cd/two")),
                reopened.list(RepoPath.of("blobs")));
        assertEquals("one", new String(Files.readAllBytes(root.resolve("blobs/sha256/ab/one"))));
        assertEquals(List.of(aside.resolve("not-a-name-we-set-aside")), regularFiles().stream()
                .filter(f -> f.startsWith(aside)).toList(), "put back or dropped; what is not ours stays");
        assertEquals(0, reopened.recoverSetAside(), "only the foreign file is left, and left alone");
    }

    private List<Path> regularFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
