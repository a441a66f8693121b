package io.pkgr.registry.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.PypiFile;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.CatalogRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The PyPI catalog built from names: the root index needs no project's files, a project's are read once. */
class PypiCatalogNamesTest {

    @Test
    void projectsAreListedWithoutReadingTheirFilesAndEachIsReadOnceOnFirstUse() {
        AtomicInteger reads = new AtomicInteger();
        PypiFile sdist = file("demo", "demo-1.0.tar.gz");
        CatalogRecords.Names names = new CatalogRecords.Names(Map.of(), Map.of(
                "demo", () -> {
                    reads.incrementAndGet();
                    return List.of(sdist);
                },
                "never-read", () -> {
                    throw new AssertionError("read without being asked for");
                }));

        PypiCatalog catalog = PypiCatalog.of(null, null, names);

        assertEquals(List.of("demo", "never-read"), catalog.projectNames());
        assertTrue(catalog.exists("never-read"));
        assertEquals(2, catalog.projectCount());
        assertEquals(0, reads.get());
        assertEquals(List.of(sdist), catalog.files("demo"));
        assertEquals(sdist, catalog.find("demo", "demo-1.0.tar.gz").orElseThrow());
        assertEquals(1, reads.get());
        // a change made elsewhere replaces a project not read yet without reading it
        catalog.refresh("never-read", List.of());
        assertFalse(catalog.exists("never-read"));
        assertEquals(List.of("demo"), catalog.projectNames());
    }

    private static PypiFile file(String project, String filename) {
        String sha = "a".repeat(64);
        return new PypiFile(new BundleName(project), "1.0", filename, "sdist", new Sha256(sha), sha.substring(0, 32), sha, 100,
                null, null, 0, "alice", Instant.parse("2025-01-01T00:00:00Z"), false, null);
    }
}
