package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.cache.CacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** pkgr lock (specs, tasks file, --check), run/install --lock, and pkgr cache. */
class LockAndCacheTest extends RegistryTest {

    @Test
    void lockResolvesARangeToTheHighestNonYankedVersion() throws IOException {
        registry.publishExec("etl", "1.0.0", "exit 0\n");
        Sha256 v11 = registry.publishExec("etl", "1.1.0", "exit 0\n");
        registry.publishExec("etl", "1.2.0", "exit 0\n");
        registry.publishExec("etl", "2.0.0", "exit 0\n");
        registry.client().yank(BundleName.parse("etl"), Version.parse("1.2.0"), "broken");

        Registry.Result r = registry.pkgr("lock", "etl^1");

        assertEquals(0, r.exitCode(), r.err());
        Lockfile.Entry e = Lockfile.read(tmp.resolve("pkgr.lock")).entry("etl");
        assertEquals("1.1.0", e.version().toString());
        assertEquals(v11, e.sha256());
        assertEquals("local", e.repository());
        assertNull(e.entrypoint());
    }

    @Test
    void checkPassesWhenCurrentAndExits5WhenANewerMatchingVersionExists() throws IOException {
        registry.publishExec("model", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("lock", "model^1").exitCode());
        Registry.Result fresh = registry.pkgr("lock", "--check", "model^1");

        registry.publishExec("model", "1.0.1", "exit 0\n");
        byte[] before = Files.readAllBytes(tmp.resolve("pkgr.lock"));
        Registry.Result stale = registry.pkgr("lock", "--check", "model^1");

        assertEquals(0, fresh.exitCode(), fresh.err());
        assertTrue(fresh.out().contains("up to date"), fresh.out());
        assertEquals(5, stale.exitCode(), stale.err());
        assertTrue(stale.err().contains("now resolves to 1.0.1") && stale.err().contains("stale"), stale.err());
        assertEquals(new String(before), Files.readString(tmp.resolve("pkgr.lock")), "--check writes nothing");
    }

    @Test
    void tasksFileLocksEntrypointsAndRunLockRunsThem() throws IOException {
        registry.publishExec("churn", "1.4.0", "echo \"{\\\"task\\\": \\\"$PKGR_VERSION $*\\\"}\" > \"$PKGR_OUTPUT\"\n");
        Files.writeString(tmp.resolve("pkgr.tasks.yaml"), """
                repository: local
                tasks:
                  train:
                    bundle: churn^1.4
                    entrypoint: task
                """);

        Registry.Result locked = registry.pkgr("lock", "--tasks", "pkgr.tasks.yaml");
        Registry.Result check = registry.pkgr("lock", "--check");
        Registry.Result ran = registry.pkgr("run", "--lock", "pkgr.lock", "train", "--day=2024-05-01");

        assertEquals(0, locked.exitCode(), locked.err());
        assertEquals("task", Lockfile.read(tmp.resolve("pkgr.lock")).entry("train").entrypoint());
        assertEquals(0, check.exitCode(), check.err() + check.out());
        assertEquals(0, ran.exitCode(), ran.err());
        assertEquals("{\"task\":\"1.4.0 --day=2024-05-01 --epochs=10\"}", ran.lastLine());
    }

    @Test
    void aLockEntryWhoseDigestDiffersFromTheRegistryExits7AndInstallsNothing() throws IOException {
        registry.publishExec("drift", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("lock", "drift==1.0.0").exitCode());
        Path lock = tmp.resolve("pkgr.lock");
        String content = Files.readString(lock);
        String hex = Lockfile.read(lock).entry("drift").sha256().hex();
        Files.writeString(lock, content.replace(hex, "a".repeat(64)));

        Registry.Result r = registry.pkgr("run", "--lock", "pkgr.lock", "drift", "task", "--day=2024-05-01");

        assertEquals(7, r.exitCode(), r.err());
        assertTrue(r.err().contains("was pinned"), r.err());
        assertEquals(List.of(), registry.cachedBundles());
        assertEquals(List.of(), registry.environments());
    }

    @Test
    void lockRefusesAnEntrypointTheBundleDoesNotHave() throws IOException {
        registry.publishExec("nope", "1.0.0", "exit 0\n");
        Files.writeString(tmp.resolve("pkgr.tasks.yaml"), "tasks:\n  t:\n    bundle: nope==1.0.0\n    entrypoint: tarin\n");

        Registry.Result r = registry.pkgr("lock", "--tasks", "pkgr.tasks.yaml");

        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no entrypoint 'tarin'"), r.err());
        assertTrue(Files.notExists(tmp.resolve("pkgr.lock")));
    }

    @Test
    void installFromALockInstallsEveryEntry() throws IOException {
        registry.publishExec("a", "1.0.0", "exit 0\n");
        registry.publishExec("b", "2.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("lock", "a==1.0.0", "b^2").exitCode());

        Registry.Result r = registry.pkgr("install", "--lock", "pkgr.lock");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, r.out().lines().count(), r.out());
        assertEquals(2, registry.environments().size());
    }

    @Test
    void cacheGcRemovesWhatWasNotUsedRecentlyAndKeepsTheRest() throws IOException {
        // different scripts: equal ones would be one files layer, held once for both
        registry.publishExec("old", "1.0.0", "true\n");
        registry.publishExec("recent", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("run", "--keep-run-dir", "old==1.0.0", "task", "--day=2024-05-01").exitCode());
        assertEquals(0, registry.pkgr("run", "recent==1.0.0", "task", "--day=2024-05-01").exitCode());
        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(40)));
        for (Path env : registry.environments()) {
            if (Files.readString(env.resolve(CacheLayout.READY_MARKER)).contains("\"old\"")) {
                Files.setLastModifiedTime(env.resolve(CacheLayout.READY_MARKER), longAgo);
            }
        }
        for (Path f : Files.list(registry.cache().resolve("bundles/sha256")).toList()) {
            Files.setLastModifiedTime(f, longAgo);
        }
        for (Path d : Files.list(registry.cache().resolve("runs")).toList()) {
            Files.setLastModifiedTime(d, longAgo);
        }
        try (var blobs = Files.walk(registry.cache().resolve("blobs"))) {
            for (Path b : blobs.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(b, longAgo);
            }
        }

        Registry.Result gc = registry.pkgr("cache", "gc", "--keep-days", "30");
        Registry.Result list = registry.pkgr("cache", "list");

        assertEquals(0, gc.exitCode(), gc.err());
        // installed from layers: no whole bundle file in the cache; the old one's files layer goes,
        // the recent one's stays
        assertTrue(gc.out().contains("removed 1 environment(s), 0 bundle(s), 1 blob(s), 1 run directory"), gc.out());
        assertEquals(1, registry.environments().size());
        try (var blobs = Files.walk(registry.cache().resolve("blobs"))) {
            assertEquals(1, blobs.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count());
        }
        assertTrue(list.out().contains("recent") && !list.out().contains("old "), list.out());
        assertEquals(0, registry.pkgr("run", "recent==1.0.0", "task", "--day=2024-05-01").exitCode());
        assertEquals(2, registry.installs(), "the kept environment is still warm");
    }

    @Test
    void cacheListBuildsOnlyItsOwnCommandAndLoadsNoDataBinding() throws Exception {
        registry.publishExec("listed", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("run", "listed==1.0.0", "task", "--day=2024-05-01").exitCode());

        ProcessBuilder pb = registry.pkgrProcess("cache", "list");
        pb.command().add(1, "-verbose:class");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));

        // then: the environment is listed; neither another command's model (install's options, the
        // server's) nor data binding was loaded for it
        assertEquals(0, p.exitValue());
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("listed ") && l.contains("1.0.0") && l.contains("exec")), printed);
        List<String> unwanted = printed.lines()
                .filter(l -> l.contains("io.pkgr.cli.install.EnvironmentOptions") || l.contains("io.pkgr.registry.ServerOptions")
                        || l.contains("jackson.databind.ObjectMapper"))
                .toList();
        assertEquals(List.of(), unwanted);
    }

    @Test
    void cacheListAsJsonDescribesEachEnvironment() throws IOException {
        registry.publishExec("listed", "1.0.0", "exit 0\n");
        assertEquals(0, registry.pkgr("run", "listed==1.0.0", "task", "--day=2024-05-01").exitCode());

        Registry.Result r = registry.pkgr("cache", "list", "--json");

        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("{\"name\":\"listed\",\"version\":\"1.0.0\",\"runtime\":\"exec\",\"sha256\":\""),
                lines.get(0));
        assertTrue(lines.get(0).endsWith(",\"ready\":true}"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"store\":"), lines.get(1));
    }

    @Test
    void cachePathPrintsTheCacheDirectory() {
        Registry.Result r = registry.pkgr("cache", "path");

        assertEquals(0, r.exitCode());
        assertEquals(registry.cache().toString(), r.out().trim());
    }
}
