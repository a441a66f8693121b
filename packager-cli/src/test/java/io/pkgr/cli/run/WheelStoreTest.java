package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pkgr.cli.cache.CacheLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The wheel store with small wheels written here: environments of two versions share one unpacked,
 * byte-compiled copy, look like a real install to pip and importlib.metadata, notice a changed
 * store file, fall back to copies across filesystems, and gc keeps what is linked.
 */
class WheelStoreTest extends RegistryTest {

    private static final String ENTRYPOINT = """
            import json, os, sys
            import storelib
            from importlib.metadata import version
            out = {"value": storelib.VALUE, "version": version("storelib"), "file": storelib.__file__}
            try:
                import storeextra
                out["pth"] = storeextra.EXTRA
            except ImportError:
                out["pth"] = None
            with open(os.environ["PKGR_OUTPUT"], "w") as f:
                json.dump(out, f)
            """;

    @Test
    void twoVersionsLinkOneUnpackedCopyAndLookInstalledToPip() throws Exception {
        List<Path> wheels = List.of(storelib("1.0"));
        publish("1.0.0", wheels);
        publish("1.0.1", wheels);

        Registry.Result first = registry.pkgr("run", "store-app==1.0.0", "main");
        Registry.Result second = registry.pkgr("run", "-v", "store-app==1.0.1", "main");

        assertEquals(0, first.exitCode(), first.err());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(first.lastLine().contains("\"value\":\"original\"") && first.lastLine().contains("\"pth\":\"via pth\"")
                && first.lastLine().contains("\"version\":\"1.0\""), first.lastLine());
        assertTrue(second.err().contains("1 wheel(s) from the store (0 unpacked and compiled now"), second.err());
        Path site1 = site("1.0.0");
        Path site2 = site("1.0.1");
        Path stored = storeEntries().get(0).resolve("site/storelib/__init__.py");
        assertEquals(inode(stored), inode(site1.resolve("storelib/__init__.py")), "linked, not copied");
        assertEquals(inode(stored), inode(site2.resolve("storelib/__init__.py")));
        assertTrue(Files.exists(site1.resolve("storelib/__pycache__/__init__.cpython-311.pyc")), "compiled once, in the store");
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)), "store files are read-only");
        Path record = site1.resolve("storelib-1.0.dist-info/RECORD");
        assertEquals(1, links(record), "RECORD is the environment's own file");
        assertEquals("pkgr\n", Files.readString(site1.resolve("storelib-1.0.dist-info/INSTALLER")));
        String recordText = Files.readString(record);
        assertTrue(recordText.contains("storelib/__init__.py,sha256=") && recordText.contains("../../../bin/storelib-hello,sha256=")
                && recordText.contains("storelib/__pycache__/__init__.cpython-311.pyc,,"), recordText);
        Path venv = site1.getParent().getParent().getParent();
        assertEquals("hello from storelib\n", exec(venv.resolve("bin/storelib-hello").toString()));
        assertEquals("raw script\n", exec(venv.resolve("bin/storelib-raw").toString()));
        assertEquals("shared data\n", Files.readString(venv.resolve("share/storelib/data.txt")));
        String pipList = exec(Registry.SYSTEM_PYTHON, "-m", "pip", "--isolated", "--python", venv.resolve("bin/python").toString(),
                "list", "--format", "freeze");
        assertTrue(pipList.contains("storelib==1.0"), pipList);
        String check = exec(Registry.SYSTEM_PYTHON, "-m", "pip", "--isolated", "--python", venv.resolve("bin/python").toString(),
                "check");
        assertTrue(check.contains("No broken requirements"), check);
    }

    @Test
    void aVenvWrittenWithoutStartingPythonIsANormalVenvEvenWhenTheInterpreterIsAVenvsPython() throws Exception {
        Path outer = tmp.resolve("outer-venv");
        exec(Registry.SYSTEM_PYTHON, "-m", "venv", "--without-pip", outer.toString());
        registry.env.put("PKGR_PYTHON", outer.resolve("bin/python").toString());
        publish("1.0.0", List.of(storelib("1.0")));

        Registry.Result run = registry.pkgr("run", "store-app==1.0.0", "main");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.lastLine().contains("\"value\":\"original\"") && run.lastLine().contains("\"version\":\"1.0\""),
                run.lastLine());
        Path venv = site("1.0.0").getParent().getParent().getParent();
        String base = exec(Registry.SYSTEM_PYTHON, "-c", "import os, sys; print(os.path.dirname(os.path.abspath(sys._base_executable)))")
                .strip();
        String cfg = Files.readString(venv.resolve("pyvenv.cfg"));
        assertTrue(cfg.contains("home = " + base + "\n") && cfg.contains("include-system-site-packages = false\n"),
                "home is the base interpreter's directory, not the outer venv's: " + cfg);
        String prefixes = exec(venv.resolve("bin/python").toString(), "-c",
                "import sys; print(sys.prefix); print(sys.base_prefix); print(sys.prefix != sys.base_prefix)");
        assertTrue(prefixes.startsWith(venv + "\n") && prefixes.strip().endsWith("True"), prefixes);
        String metadata = exec(venv.resolve("bin/python").toString(), "-c",
                "from importlib.metadata import version, entry_points; print(version('storelib'));"
                        + " print([e.name for e in entry_points(group='console_scripts')])");
        assertTrue(metadata.startsWith("1.0\n") && metadata.contains("storelib-hello"), metadata);
        assertEquals("hello from storelib\n", exec(venv.resolve("bin/storelib-hello").toString()));
        String pipList = exec(Registry.SYSTEM_PYTHON, "-m", "pip", "--isolated", "--python", venv.resolve("bin/python").toString(),
                "list", "--format", "freeze");
        assertTrue(pipList.contains("storelib==1.0"), pipList);
    }

    @Test
    void aStoreFileReplacedOnDiskIsDetectedRebuiltAndNeverUsedAgain() throws Exception {
        List<Path> wheels = List.of(storelib("1.0"));
        publish("1.0.0", wheels);
        publish("1.0.1", wheels);
        assertEquals(0, registry.pkgr("run", "store-app==1.0.0", "main").exitCode());
        // what an editor that saves by a rename, sed -i, cp --remove-destination or a cleaner of old files does
        Path stored = storeEntries().get(0).resolve("site/storelib/__init__.py");
        Files.delete(stored);
        Files.writeString(stored, "VALUE = 'tampered'\n");

        Registry.Result newVersion = registry.pkgr("run", "store-app==1.0.1", "main");
        Registry.Result oldVersion = registry.pkgr("run", "store-app==1.0.0", "main");

        assertEquals(0, newVersion.exitCode(), newVersion.err());
        assertTrue(newVersion.err().contains("wheel store's entry") && newVersion.err().contains("storelib 1.0) is damaged"
                + " (site/storelib/ changed); rebuilding it"), newVersion.err());
        assertTrue(newVersion.lastLine().contains("\"value\":\"original\""), newVersion.lastLine());
        assertTrue(Files.readString(storeEntries().get(0).resolve("site/storelib/__init__.py")).contains("original"));
        assertEquals(0, oldVersion.exitCode(), oldVersion.err());
        assertTrue(oldVersion.err().contains("is damaged"), "the environment linked to the changed copy is relinked: "
                + oldVersion.err());
        assertTrue(oldVersion.lastLine().contains("\"value\":\"original\""), oldVersion.lastLine());
    }

    @Test
    void aStoreFileRewrittenInPlaceIsSeenOnlyByTheCheckOfEveryFile() throws Exception {
        List<Path> wheels = List.of(storelib("1.0"));
        publish("1.0.0", wheels);
        publish("1.0.1", wheels);
        publish("1.0.2", wheels);
        assertEquals(0, registry.pkgr("run", "store-app==1.0.0", "main").exitCode());
        Path stored = storeEntries().get(0).resolve("site/storelib/__init__.py");
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(stored, "VALUE = 'tampered, longer'\n");

        Registry.Result cheap = registry.pkgr("run", "store-app==1.0.1", "main");
        registry.env.put("PKGR_STORE_CHECK", "files");
        Registry.Result full = registry.pkgr("run", "store-app==1.0.2", "main");

        assertEquals(0, cheap.exitCode(), cheap.err());
        assertTrue(cheap.lastLine().contains("tampered"), "the documented limit of the default check (same inode, same"
                + " directory): " + cheap.lastLine());
        assertEquals(0, full.exitCode(), full.err());
        assertTrue(full.err().contains("storelib 1.0) is damaged (site/storelib/__init__.py changed); rebuilding it"),
                full.err());
        assertTrue(full.lastLine().contains("\"value\":\"original\""), full.lastLine());
        Registry.Result relinked = registry.pkgr("run", "store-app==1.0.1", "main");
        assertTrue(relinked.lastLine().contains("\"value\":\"original\""), "an environment linked to the changed build is"
                + " relinked on its next run: " + relinked.lastLine());
    }

    @Test
    void environmentsOnAnotherFilesystemGetCopiesWithTheStoresMtimesSoItsPycsStillCount() throws Exception {
        Path other = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(other) && !Files.getFileStore(other).equals(Files.getFileStore(tmp)),
                "needs /dev/shm as a filesystem other than the temp directory's");
        Path envs = Files.createTempDirectory(other, "pkgr-envs");
        try {
            Files.createDirectories(registry.cache());
            Files.createSymbolicLink(registry.cache().resolve("envs"), envs);
            publish("1.0.0", List.of(storelib("1.0")));

            Registry.Result run = registry.pkgr("run", "-v", "store-app==1.0.0", "main");

            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.err().contains("linked by copy"), run.err());
            Path stored = storeEntries().get(0).resolve("site/storelib/__init__.py");
            Path copy = site("1.0.0").resolve("storelib/__init__.py");
            assertNotEquals(Files.getFileStore(stored), Files.getFileStore(copy));
            assertEquals(Files.getLastModifiedTime(stored), Files.getLastModifiedTime(copy));
            Path python = site("1.0.0").getParent().getParent().getParent().resolve("bin/python");
            String verbose = execErr(Map.of("PYTHONDONTWRITEBYTECODE", "1"), python.toString(), "-v", "-c", "import storelib");
            assertTrue(verbose.contains("code object from '" + copy.getParent() + "/__pycache__/__init__.cpython-311.pyc'"),
                    "Python loads the copied .pyc instead of compiling again");
        } finally {
            try (Stream<Path> walk = Files.walk(envs)) {
                walk.forEach(p -> p.toFile().setWritable(true));
            }
            io.pkgr.cli.cache.FileOps.deleteTree(envs);
        }
    }

    @Test
    void gcRemovesOnlyWheelsThatNoEnvironmentLinksAndNeverOneInUse() throws Exception {
        Path shared = storelib("1.0");
        Path onlyOld = Wheels.write(tmp.resolve("wheels"), "oldlib", "1.0", List.of(), Map.of("oldlib.py", bytes("X = 1\n")));
        Path onlyNew = Wheels.write(tmp.resolve("wheels"), "newlib", "1.0", List.of(), Map.of("newlib.py", bytes("X = 2\n")));
        publish("1.0.0", List.of(shared, onlyOld));
        publish("1.0.1", List.of(shared, onlyNew));
        assertEquals(0, registry.pkgr("install", "store-app==1.0.0").exitCode());
        assertEquals(0, registry.pkgr("install", "store-app==1.0.1").exitCode());
        assertEquals(3, storeEntries().size());
        Path oldEnv = environment("1.0.0");
        Files.setLastModifiedTime(oldEnv.resolve(CacheLayout.READY_MARKER), FileTime.from(Instant.now().minus(Duration.ofDays(40))));

        Registry.Result gc = registry.pkgr("cache", "gc", "--keep-days", "30");

        assertEquals(0, gc.exitCode(), gc.err());
        assertTrue(gc.out().contains("removed 1 environment(s), 0 bundle(s), 0 blob(s), 0 run directories, 1 store wheel(s)"),
                gc.out());
        assertEquals(List.of("newlib", "storelib"), storeNames());
        Registry.Result list = registry.pkgr("cache", "list");
        assertTrue(list.out().contains("wheel store: 2 wheel(s)") && list.out().contains("0 by none"), list.out());

        Path newEnv = environment("1.0.1");
        io.pkgr.cli.cache.FileOps.deleteTree(newEnv);
        Path newlib = storeEntries().stream().filter(p -> names(p).equals("newlib")).findFirst().orElseThrow();
        Path lockFile = registry.cache().resolve("wheels").resolve("." + newlib.getFileName() + ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = ch.lock()) {
            Registry.Result busy = registry.pkgr("cache", "gc", "--keep-days", "30");
            assertTrue(busy.out().contains("1 store wheel(s)"), busy.out());
            assertEquals(List.of("newlib"), storeNames(), "an entry whose lock is held (an install is linking it) stays");
        }
        Registry.Result free = registry.pkgr("cache", "gc", "--keep-days", "30");
        assertTrue(free.out().contains("1 store wheel(s)"), free.out());
        assertEquals(List.of(), storeNames());
    }

    @Test
    void aWheelTheStoreHoldsIsNotFetchedAgainNorKeptTwiceAndADamagedOneIsFetchedAgain() throws Exception {
        byte[] padding = new byte[2 << 20];
        new java.util.Random(7).nextBytes(padding);
        Path wheel = Wheels.write(tmp.resolve("wheels"), "storelib", "1.0", List.of(), Map.of(
                "storelib/__init__.py", bytes("VALUE = 'original'\n"), "storelib/data.bin", padding));
        String hex = io.pkgr.bundle.Sha256.ofFile(wheel).hex();
        publish("1.0.0", List.of(wheel));
        publish("1.0.1", List.of(wheel));
        publish("1.0.2", List.of(wheel));
        Registry.Result first = registry.pkgr("install", "store-app==1.0.0");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("1 blob(s) fetched") || first.err().contains("2 blob(s) fetched"), first.err());
        Path entry = storeEntries().get(0);
        Path blob = registry.cache().resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
        assertEquals(inode(entry.resolve("wheel.whl")), inode(blob), "the store took the fetched blob by a link");
        assertEquals(inode(blob), inode(environment("1.0.0").resolve("deps/" + wheel.getFileName())));
        // a host whose blobs/ lost the wheel (gc, or a store filled before layers): the store's copy counts as held
        Files.delete(blob);

        Registry.Result second = registry.pkgr("install", "store-app==1.0.1");

        assertEquals(0, second.exitCode(), second.err());
        Matcher m = Pattern.compile("(\\d+) blob\\(s\\) fetched \\(([^)]*) received\\), (\\d+) held").matcher(second.err());
        assertTrue(m.find(), second.err());
        assertEquals("1", m.group(3), "the wheel is held by the store: " + second.err());
        assertTrue(m.group(2).endsWith(" B") || m.group(2).endsWith("KiB"), "v2 receives only its code: " + second.err());
        assertFalse(Files.exists(blob), "no second copy under blobs/");
        assertEquals(inode(entry.resolve("wheel.whl")), inode(environment("1.0.1").resolve("deps/" + wheel.getFileName())),
                "one copy of the wheel on disk");

        // the held store wheel is taken on the store's word (size, mtime and inode as recorded), not hashed again:
        // a wheel replaced by another file of the same size with the mtime set back has another inode
        Path stored = entry.resolve("wheel.whl");
        FileTime mtime = Files.getLastModifiedTime(stored);
        byte[] damaged = Files.readAllBytes(stored);
        damaged[damaged.length / 2] ^= 1;
        Path replacement = entry.resolve("wheel.whl.new");
        Files.write(replacement, damaged);
        Files.setLastModifiedTime(replacement, mtime);
        Files.move(replacement, stored, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Files.size(wheel), Files.size(stored));

        Registry.Result third = registry.pkgr("run", "store-app==1.0.2", "main");

        assertEquals(0, third.exitCode(), third.err());
        assertTrue(received(third).endsWith("MiB"), "the wheel is not held, it is fetched: " + third.err());
        assertTrue(third.err().contains("storelib 1.0) is damaged (wheel.whl changed); rebuilding it"), third.err());
        assertTrue(third.lastLine().contains("\"value\":\"original\""), third.lastLine());
        assertEquals(io.pkgr.bundle.Sha256.ofFile(wheel), io.pkgr.bundle.Sha256.ofFile(blob), "fetched again by digest");
        assertEquals(inode(blob), inode(storeEntries().get(0).resolve("wheel.whl")), "the entry was rebuilt from it");

        // an edit in place that changes the mtime (anything but a deliberate set-back) is caught the same way
        Path rebuilt = storeEntries().get(0).resolve("wheel.whl");
        Files.delete(blob);
        Files.setPosixFilePermissions(rebuilt, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] edited = Files.readAllBytes(rebuilt);
        edited[edited.length / 3] ^= 1;
        Files.write(rebuilt, edited);
        Files.setLastModifiedTime(rebuilt, FileTime.from(Files.getLastModifiedTime(rebuilt).toInstant().plusSeconds(5)));
        for (Path env : registry.environments()) {
            Files.deleteIfExists(env.resolve(CacheLayout.READY_MARKER));
        }

        Registry.Result fourth = registry.pkgr("run", "store-app==1.0.1", "main");

        assertEquals(0, fourth.exitCode(), fourth.err());
        assertTrue(received(fourth).endsWith("MiB"), "the wheel is not held, it is fetched: " + fourth.err());
        assertTrue(fourth.err().contains("(wheel.whl changed); rebuilding it"), fourth.err());
        assertTrue(fourth.lastLine().contains("\"value\":\"original\""), fourth.lastLine());
        assertEquals(io.pkgr.bundle.Sha256.ofFile(wheel), io.pkgr.bundle.Sha256.ofFile(storeEntries().get(0).resolve("wheel.whl")));
    }

    @Test
    void aHeldStoreWheelIsHashedBeforeAnEntryIsRebuiltFromIt() throws Exception {
        Path wheel = storelib("1.0");
        publish("1.0.0", List.of(wheel));
        publish("1.0.1", List.of(wheel));
        assertEquals(0, registry.pkgr("install", "store-app==1.0.0").exitCode());
        Path entry = storeEntries().get(0);
        String hex = io.pkgr.bundle.Sha256.ofFile(wheel).hex();
        Files.deleteIfExists(registry.cache().resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex));
        // the wheel rots in place with its size and mtime kept (the store's check cannot see that), and a
        // file of the entry is replaced (which it does see): the entry must not be rebuilt from the rotten wheel
        Path stored = entry.resolve("wheel.whl");
        FileTime mtime = Files.getLastModifiedTime(stored);
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] rotten = Files.readAllBytes(stored);
        rotten[rotten.length / 2] ^= 1;
        Files.write(stored, rotten);
        Files.setLastModifiedTime(stored, mtime);
        Path module = entry.resolve("site/storelib/__init__.py");
        Files.delete(module);
        Files.writeString(module, "VALUE = 'edited'\n");

        Registry.Result r = registry.pkgr("install", "store-app==1.0.1");

        assertEquals(7, r.exitCode(), r.err());
        assertTrue(r.err().contains("held on this host has sha256:") && r.err().contains("nothing was installed"), r.err());
        assertEquals(1, registry.environments().size(), "only 1.0.0's environment: " + registry.environments());
        Registry.Result again = registry.pkgr("run", "store-app==1.0.1", "main");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.lastLine().contains("\"value\":\"original\""), again.lastLine());
    }

    @Test
    void wheelsThatShareATopLevelNameAreLinkedBesideTheOthersAndEveryFileArrives() throws Exception {
        // two single-module wheels (whose .pyc share site-packages/__pycache__), a namespace package split
        // over two wheels, and a larger wheel: linked by two processes side by side, no directory by both
        Map<String, byte[]> big = new java.util.TreeMap<>();
        for (int i = 0; i < 40; i++) {
            big.put("biglib/m" + i + ".py", bytes("X = " + i + "\n"));
        }
        List<Path> wheels = List.of(
                Wheels.write(tmp.resolve("wheels"), "biglib", "1.0", List.of(), big),
                Wheels.write(tmp.resolve("wheels"), "onemod", "1.0", List.of(), Map.of("onemod.py", bytes("A = 'one'\n"))),
                Wheels.write(tmp.resolve("wheels"), "twomod", "1.0", List.of(), Map.of("twomod.py", bytes("B = 'two'\n"))),
                Wheels.write(tmp.resolve("wheels"), "ns-left", "1.0", List.of(), Map.of("nspkg/left/__init__.py", bytes("L = 'l'\n"))),
                Wheels.write(tmp.resolve("wheels"), "ns-right", "1.0", List.of(), Map.of("nspkg/right/__init__.py", bytes("R = 'r'\n"))));
        publish("1.0.0", wheels);

        Registry.Result install = registry.pkgr("install", "-v", "store-app==1.0.0");

        assertEquals(0, install.exitCode(), install.err());
        assertTrue(install.err().contains("linked by hardlink"), install.err());
        Path site = site("1.0.0");
        int linked = 0;
        for (Path entry : storeEntries()) {
            Path root = entry.resolve("site");
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    String rel = root.relativize(f).toString();
                    Path there = site.resolve(rel);
                    assertTrue(Files.isRegularFile(there), rel + " is missing from site-packages");
                    if (!rel.endsWith(".dist-info/RECORD") && !rel.endsWith(".dist-info/INSTALLER")) {
                        assertEquals(inode(f), inode(there), rel + " is linked, not copied");
                        linked++;
                    }
                }
            }
        }
        assertTrue(linked > 40, "linked " + linked);
        assertTrue(Files.exists(site.resolve("__pycache__/onemod.cpython-311.pyc"))
                && Files.exists(site.resolve("__pycache__/twomod.cpython-311.pyc")), "both wheels' .pyc in one __pycache__");
        Path python = site.getParent().getParent().getParent().resolve("bin/python");
        assertEquals("one two l r 39\n", exec(python.toString(), "-c",
                "import onemod, twomod, nspkg.left, nspkg.right, biglib.m39 as m;"
                        + " print(onemod.A, twomod.B, nspkg.left.L, nspkg.right.R, m.X)"));
    }

    @Test
    void aVersionWhoseBlobsThisHostHoldsIsLaidOutWithoutStartingARegistryClient() throws Exception {
        publish("1.0.0", List.of(storelib("1.0")));
        Registry.Result first = registry.pkgr("install", "store-app==1.0.0");
        assertEquals(0, first.exitCode(), first.err());
        io.pkgr.cli.cache.FileOps.deleteTree(environment("1.0.0"));
        java.util.Set<String> before = httpClientThreads();

        Registry.Result again = registry.pkgr("install", "-v", "store-app==1.0.0");

        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("0 blob(s) fetched"), again.err());
        java.util.Set<String> started = httpClientThreads();
        started.removeAll(before);
        // an HTTP client's selector thread, left running, also holds up the JVM's exit by 0.3 s
        assertEquals(java.util.Set.of(), started, "no HTTP client was started: nothing was fetched");
        Registry.Result run = registry.pkgr("run", "store-app==1.0.0", "main");
        assertTrue(run.lastLine().contains("\"value\":\"original\""), run.lastLine());
    }

    // ---- fixtures ----

    /** The names of the live threads of HTTP clients ({@code HttpClient-7-SelectorManager}). */
    private static java.util.Set<String> httpClientThreads() {
        java.util.Set<String> names = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> {
            if (t.getName().startsWith("HttpClient-")) {
                names.add(t.getName());
            }
        });
        return names;
    }

    /** What an install says it received ({@code 2.0 MiB}). */
    private static String received(Registry.Result r) {
        Matcher m = Pattern.compile("blob\\(s\\) fetched \\(([^)]*) received\\)").matcher(r.err());
        assertTrue(m.find(), r.err());
        return m.group(1);
    }

    /** storelib: a module, a console script, a .data script, a data file and a .pth file. */
    private Path storelib(String version) throws IOException {
        String data = "storelib-" + version + ".data/";
        return Wheels.write(tmp.resolve("wheels"), "storelib", version, List.of(), Map.of(
                "storelib/__init__.py", bytes("VALUE = 'original'\ndef hello():\n    print('hello from storelib')\n"),
                "storelib-" + version + ".dist-info/entry_points.txt", bytes("[console_scripts]\nstorelib-hello = storelib:hello\n"),
                data + "scripts/storelib-raw", bytes("#!python\nprint('raw script')\n"),
                data + "data/share/storelib/data.txt", bytes("shared data\n"),
                "storelib.pth", bytes("storelib_extra\n"),
                "storelib_extra/storeextra.py", bytes("EXTRA = 'via pth'\n")));
    }

    private void publish(String version, List<Path> wheels) throws IOException {
        Path project = registry.project("store-app-" + version, """
                name: store-app
                version: %s
                runtime: python
                include: ["src/**"]
                entrypoints:
                  main:
                    command: ["python", "-m", "storeapp"]
                """.formatted(version), Map.of("src/storeapp/__init__.py", "", "src/storeapp/__main__.py",
                ENTRYPOINT + "# " + version + "\n"));
        registry.publishWithWheels(project, wheels);
    }

    private Path environment(String version) throws IOException {
        for (Path env : registry.environments()) {
            Path marker = env.resolve(CacheLayout.READY_MARKER);
            if (Files.isRegularFile(marker) && Files.readString(marker).contains("\"version\":\"" + version + "\"")) {
                return env;
            }
        }
        throw new AssertionError("no environment of " + version);
    }

    private Path site(String version) throws IOException {
        try (Stream<Path> s = Files.list(environment(version).resolve("venv/lib"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("python3")).findFirst().orElseThrow()
                    .resolve("site-packages");
        }
    }

    private List<Path> storeEntries() throws IOException {
        Path dir = registry.cache().resolve("wheels");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private List<String> storeNames() throws IOException {
        return storeEntries().stream().map(WheelStoreTest::names).sorted().toList();
    }

    private static String names(Path entry) {
        try (Stream<Path> s = Files.list(entry.resolve("site"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dist-info")).findFirst().orElseThrow()
                    .split("-")[0];
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    static int links(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String exec(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String execErr(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
