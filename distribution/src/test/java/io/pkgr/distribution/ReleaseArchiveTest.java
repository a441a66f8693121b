package io.pkgr.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release archive as a worker gets it: unpacked anywhere, run through symlinks, with or without Java. */
class ReleaseArchiveTest {

    @TempDir
    static Path tmp;
    static Path home;

    @BeforeAll
    static void unpackTheArchive() throws Exception {
        Path installDir = Files.createDirectories(tmp.resolve("opt"));
        Processes.run(List.of("tar", "-xzf", Release.archive().toString(), "-C", installDir.toString()), tmp, Map.of())
                .requireSuccess();
        home = installDir.resolve("pkgr-" + Release.version());
    }

    @Test
    void theChecksumFileBesideTheArchiveMatchesItInSha256sumFormat() throws Exception {
        // given the archive and the .sha256 file the build wrote beside it
        Path archive = Release.archive();
        Path sums = archive.resolveSibling(archive.getFileName() + ".sha256");

        // when the digest is computed here
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive));

        // then the file holds `HEX  NAME`, which `sha256sum -c` accepts
        assertEquals(HexFormat.of().formatHex(digest) + "  " + archive.getFileName() + "\n", Files.readString(sums));
        Processes.Result check = Processes.run(List.of("sha256sum", "-c", sums.getFileName().toString()),
                archive.getParent(), Map.of());
        check.requireSuccess();
    }

    @Test
    void theArchiveHoldsTheLauncherTheJarsAndTheStartUpClassLists() throws Exception {
        // when the archive is listed
        String listing = Processes.run(List.of("tar", "-tvzf", Release.archive().toString()), tmp, Map.of())
                .requireSuccess().stdout();

        // then everything sits under pkgr-VERSION/, bin/pkgr is executable, and the jars and class list are there
        String top = "pkgr-" + Release.version() + "/";
        assertTrue(listing.lines().allMatch(line -> line.contains(" " + top)), listing);
        assertTrue(listing.lines().anyMatch(line -> line.startsWith("-rwxr-xr-x") && line.endsWith(top + "bin/pkgr")), listing);
        assertTrue(listing.contains(top + "lib/packager-cli-" + Release.version() + ".jar"), listing);
        assertTrue(listing.contains(top + "lib/registry-server-" + Release.version() + ".jar"), listing);
        assertTrue(listing.contains(top + "lib/catalog-postgresql-" + Release.version() + ".jar"), listing);
        assertTrue(listing.contains(top + "lib/postgresql-42.7.14.jar"), listing);
        assertTrue(listing.contains(top + "lib/storage-s3-" + Release.version() + ".jar"), listing);
        assertTrue(listing.contains(top + "lib/pkgr.classlist"), listing);
        assertTrue(listing.contains(top + "lib/pkgr-run.classlist"), listing);
        // no class-data archive is shipped: one is made for the runtime and path found at install
        assertTrue(listing.lines().noneMatch(line -> line.endsWith(".jsa")), listing);
    }

    @Test
    void pkgrRunsFromAnyDirectoryThroughAChainOfSymlinksAndMapsItsClassDataArchive() throws Exception {
        // given bin/pkgr reached through a relative symlink to an absolute one, as /usr/local/bin/pkgr would be
        Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
        Path absolute = Files.createSymbolicLink(bin.resolve("pkgr-abs"), home.resolve("bin/pkgr"));
        Path link = Files.createSymbolicLink(bin.resolve("pkgr"), Path.of("pkgr-abs"));
        Path elsewhere = Files.createDirectories(tmp.resolve("somewhere/else"));
        assertTrue(Files.isSymbolicLink(absolute));

        // when it is run from an unrelated directory, twice, then another command
        Processes.Result first = Processes.run(List.of(link.toString(), "--version"), elsewhere, Map.of());
        // -Xshare:on makes the JVM fail instead of silently starting without the archive
        String mapped = "-Xshare:on -Xlog:cds=info:stderr";
        Processes.Result second = Processes.run(List.of(link.toString(), "--version"), elsewhere,
                Map.of("PKGR_JAVA_OPTS", mapped));
        Processes.Result other = Processes.run(List.of(link.toString(), "cache", "path"), elsewhere,
                Map.of("PKGR_JAVA_OPTS", mapped, "PKGR_CACHE_DIR", tmp.resolve("cache").toString()));

        // then it prints its version, and the first run made both class-data archives (the warm
        // run's, which --version maps, and the other commands'): the second one maps its own
        first.requireSuccess();
        assertTrue(first.stdout().startsWith("pkgr " + Release.version()), first.stdout());
        second.requireSuccess();
        try (Stream<Path> cds = Files.list(home.resolve("lib/cds"))) {
            List<String> names = cds.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("pkgr-run-") ^ names.get(1).startsWith("pkgr-run-"), names.toString());
        }
        assertTrue(second.stderr().contains("trying to map " + home.resolve("lib/cds/pkgr-run-")), second.stderr());
        other.requireSuccess();
        assertTrue(other.stderr().contains("trying to map " + home.resolve("lib/cds/pkgr-")), other.stderr());
        assertTrue(!other.stderr().contains("lib/cds/pkgr-run-"), other.stderr());
    }

    @Test
    void onceItsArchiveIsMadeItStartsJavaWithNoToolButBash() throws Exception {
        // given the class-data archive made by a first call, and a PATH that holds bash and nothing else
        String javaHome = System.getProperty("java.home");
        Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp, Map.of("JAVA_HOME", javaHome))
                .requireSuccess();
        Path tools = Files.createDirectories(tmp.resolve("bash-only-bin"));
        if (!Files.exists(tools.resolve("bash"))) {
            Path bash = Path.of("/usr/bin/bash");
            Files.createSymbolicLink(tools.resolve("bash"), Files.exists(bash) ? bash : Path.of("/bin/bash"));
        }

        // when it runs again (-Xshare:on: the JVM fails rather than start without the archive)
        Processes.Result r = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("PATH", tools.toString(), "JAVA_HOME", javaHome, "PKGR_JAVA_OPTS", "-Xshare:on"));

        // then it started no dirname, sed, cksum or readlink on its way to java: each is a process
        // start on every task's start
        r.requireSuccess();
        assertTrue(r.stdout().startsWith("pkgr " + Release.version()), r.toString());
    }

    @Test
    void aJavaReachedThroughASymlinkIsResolvedOnceThenCheckedWithoutATool() throws Exception {
        // given java reached through a symlink on PATH (as /usr/bin/java is), no JAVA_HOME, and a first call
        Path tools = Files.createDirectories(tmp.resolve("java-link-bin"));
        Path javaLink = tools.resolve("java");
        if (!Files.exists(javaLink, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(javaLink, Path.of(System.getProperty("java.home"), "bin", "java"));
            Path bash = Path.of("/usr/bin/bash");
            Files.createSymbolicLink(tools.resolve("bash"), Files.exists(bash) ? bash : Path.of("/bin/bash"));
        }
        Processes.Result first = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("PATH", tools + ":/usr/bin:/bin", "JAVA_HOME", ""));

        // when it runs again with nothing on PATH but that java and bash (no readlink), the archive required
        Processes.Result again = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("PATH", tools.toString(), "JAVA_HOME", "", "PKGR_JAVA_OPTS", "-Xshare:on"));

        // then the first call remembered where the link leads, and the second found it the same file
        first.requireSuccess();
        assertEquals(javaLink + "\n" + Path.of(System.getProperty("java.home"), "bin", "java").toRealPath() + "\n",
                Files.readString(home.resolve("lib/cds/java.resolved")));
        again.requireSuccess();
        assertTrue(again.stdout().startsWith("pkgr " + Release.version()), again.toString());
    }

    @Test
    void theReleasesServeHasTheS3BackendAndNamesTheBucketItCannotReach() throws Exception {
        // given a bucket endpoint where nothing listens
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        // when the release's pkgr serve is started on it
        Processes.Result result = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "serve", "--data",
                tmp.resolve("s3-data").toString(), "--port", "0", "--storage", "s3://pkgr-release/test",
                "--s3-endpoint", "http://127.0.0.1:" + port, "--s3-path-style"), tmp,
                Map.of("AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_EC2_METADATA_DISABLED", "true"));

        // then the S3 backend was found (ServiceLoader, from lib/) and the start fails naming the bucket
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("cannot use s3://pkgr-release/test/"), result.stderr());
    }

    @Test
    void onTheJavaRuntimeItWasMadeWithRunAndVersionMapTheShippedAotCache() throws Exception {
        // given an archive built with a Java 25+ runtime at hand, and that very runtime here
        Path named = home.resolve("lib/aot/pkgr.aot.jvm");
        assumeTrue(Files.exists(named), "the build found no Java 25+ runtime, so the archive holds no AOT cache");
        String wanted = Files.readString(named).trim();
        Path javaHome = null;
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jvm : jvms.sorted().toList()) {
                Path release = jvm.resolve("release");
                if (Files.isRegularFile(release) && wanted.equals(implementorAndVersion(Files.readAllLines(release)))) {
                    javaHome = jvm;
                    break;
                }
            }
        }
        assumeTrue(javaHome != null, "the runtime the AOT cache was made with (" + wanted + ") is not under /usr/lib/jvm");

        // when pkgr --version runs on it from the unpacked place (not where the build made the cache);
        // -XX:AOTMode=on makes the JVM fail rather than start without a cache it was given
        Processes.Result r = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("JAVA_HOME", javaHome.toString(), "PKGR_JAVA_OPTS", "-XX:AOTMode=on -Xlog:aot=info:stderr"));

        // then the launcher gave the JVM the shipped cache and the JVM mapped it
        r.requireSuccess();
        assertTrue(r.stderr().contains("Opened AOT cache " + home.resolve("lib/aot/pkgr.aot")), r.stderr());
    }

    private static String implementorAndVersion(List<String> release) {
        String implementor = "";
        String version = "";
        for (String line : release) {
            if (line.startsWith("IMPLEMENTOR=")) {
                implementor = line.substring("IMPLEMENTOR=".length()).replace("\"", "");
            } else if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
                version = line.substring("JAVA_RUNTIME_VERSION=".length()).replace("\"", "");
            }
        }
        return implementor + " " + version;
    }

    @Test
    void withoutAJavaRuntimeItSaysWhatItNeedsAndExitsOne() throws Exception {
        // given a PATH with the shell tools bin/pkgr uses, and no java
        Path tools = Files.createDirectories(tmp.resolve("no-java-bin"));
        for (String tool : List.of("bash", "dirname", "readlink", "sed", "cksum", "cut", "head", "mkdir", "mv", "rm")) {
            Path real = Path.of("/usr/bin", tool);
            if (!Files.exists(tools.resolve(tool))) {
                Files.createSymbolicLink(tools.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
            }
        }

        // when pkgr runs
        Processes.Result result = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("PATH", tools.toString(), "JAVA_HOME", ""));

        // then it exits 1 and names what is missing and what to install
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("no java on PATH and JAVA_HOME is not set"), result.stderr());
        assertTrue(result.stderr().contains("version 17 or newer"), result.stderr());
        assertEquals("", result.stdout());
    }

    @Test
    void aJavaOlderThanSeventeenIsNamedAndRefused() throws Exception {
        // given JAVA_HOME pointing at a Java 11 runtime (its release file and a java that must not be started)
        Path java11 = Files.createDirectories(tmp.resolve("jdk-11/bin"));
        Files.writeString(java11.resolveSibling("release"), "JAVA_VERSION=\"11.0.22\"\n");
        Path java = java11.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho started >&2\nexit 99\n");
        assertTrue(java.toFile().setExecutable(true));

        // when pkgr runs
        Processes.Result result = Processes.run(List.of(home.resolve("bin/pkgr").toString(), "--version"), tmp,
                Map.of("JAVA_HOME", java11.getParent().toString()));

        // then it exits 1 naming the version found, without starting that java
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("is Java 11"), result.stderr());
        assertTrue(!result.stderr().contains("started"), result.stderr());
    }
}
