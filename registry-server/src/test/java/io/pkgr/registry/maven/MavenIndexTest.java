package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StorageLocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory index of Maven artifacts: two repositories on one store stand for two replicas on
 * one bucket. Searches read the index, never the store, so what another replica deployed is found
 * after a re-listing or once this one served a file of it.
 */
class MavenIndexTest {

    @TempDir
    Path root;
    BlobStore store;
    MavenRepository here;
    MavenRepository elsewhere;

    @BeforeEach
    void open() throws IOException {
        store = BlobStoreProvider.openStore(StorageLocation.of(root));
        here = new MavenRepository(store, 0);
        elsewhere = new MavenRepository(store, 0);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void whatIsStoredAtStartIsIndexed() throws IOException {
        deploy(elsewhere, "com/example/lib/1.0/lib-1.0.jar");
        deploy(elsewhere, "org/other/tool/2.0/tool-2.0.pom");

        try (MavenIndex index = new MavenIndex(here, Duration.ZERO)) {
            assertEquals(List.of("com.example:lib", "org.other:tool"), index.find(c -> true, 10));
            assertEquals(List.of("org.other:tool"), index.find(c -> c.startsWith("org."), 10));
            assertEquals(List.of("com.example:lib"), index.find(c -> true, 1));
        }
    }

    @Test
    void anotherReplicasDeployIsFoundAfterARelistingNotBefore() throws IOException {
        try (MavenIndex index = new MavenIndex(here, Duration.ZERO)) {
            deploy(elsewhere, "com/example/lib/1.0/lib-1.0.jar");

            List<String> before = index.find(c -> true, 10);
            index.refresh();

            assertEquals(List.of(), before, "a search does not list the store");
            assertEquals(List.of("com.example:lib"), index.find(c -> true, 10));
        }
    }

    @Test
    void anArtifactWithNoStoredFileLeavesTheIndexAtTheNextRelisting() throws IOException {
        try (MavenIndex index = new MavenIndex(here, Duration.ZERO)) {
            index.add("com.example:gone"); // noted when served; its last file was withdrawn since

            List<String> before = index.find(c -> true, 10);
            index.refresh();

            assertEquals(List.of("com.example:gone"), before);
            assertEquals(List.of(), index.find(c -> true, 10));
        }
    }

    @Test
    void thePeriodicRelistingFindsAnotherReplicasDeploy() throws Exception {
        try (MavenIndex index = new MavenIndex(here, Duration.ofMillis(50))) {
            deploy(elsewhere, "com/example/lib/1.0/lib-1.0.jar");

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (index.find(c -> true, 10).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertEquals(List.of("com.example:lib"), index.find(c -> true, 10));
        }
    }

    private void deploy(MavenRepository repository, String path) throws IOException {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        try (StagedBlob staged = store.stage(new ByteArrayInputStream(bytes), Long.MAX_VALUE)) {
            repository.deploy(MavenPath.parse(path), staged, "sha1", "sha512", "admin");
        }
    }
}
