package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publishing side of the CLI against a real {@code pkgr serve} process. */
class PublishingEndToEndTest extends RegistryProcessTest {

    @BeforeEach
    void configure() {
        assertOk(cli.run("config", "repositories.private", server.url.toString()));
        assertOk(cli.run("config", "http-basic.private", "admin", server.adminPassword));
    }

    static Cli.Result assertOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    private Path project(String name) throws IOException {
        Path dir = Files.createDirectories(home.resolve(name));
        assertOk(cli.in(dir).run("init", "--runtime", "exec", "--name", name));
        return dir;
    }

    private List<String> storedFiles() throws IOException {
        try (Stream<Path> s = Files.walk(serverDir.resolve("data"))) {
            return s.filter(Files::isRegularFile).map(p -> serverDir.relativize(p).toString())
                    .filter(p -> !p.contains("tmp")).sorted().toList();
        }
    }

    @Test
    void initBuildPublishShowSearchYankAndRepublish() throws IOException {
        Path dir = project("nightly-export");

        Cli.Result build = assertOk(cli.in(dir).run("build"));
        assertTrue(build.out().startsWith("built dist/nightly-export-0.1.0.pkgr  sha256:"), build.out());

        Cli.Result publish = assertOk(cli.run("publish", "-r", "private"));
        assertTrue(publish.out().startsWith("published nightly-export 0.1.0  sha256:"), publish.out());

        Cli.Result show = assertOk(cli.run("show", "-r", "private", "nightly-export==0.1.0"));
        assertTrue(show.out().contains("hello: bin/hello.sh"), show.out());
        assertTrue(show.out().contains("--who=STRING  (default world)"), show.out());
        assertTrue(show.out().contains("pin:       nightly-export==0.1.0"), show.out());

        Cli.Result versions = assertOk(cli.run("show", "nightly-export", "--json"));
        JsonNode list = new ObjectMapper().readTree(versions.out());
        assertEquals("0.1.0", list.path("latest").asText());

        Cli.Result search = assertOk(cli.run("search", "nightly"));
        assertTrue(search.out().contains("nightly-export  0.1.0"), search.out());

        Cli.Result again = assertOk(cli.run("publish"));
        assertTrue(again.out().contains("already on private with the same bytes"), again.out());

        assertOk(cli.run("yank", "nightly-export==0.1.0", "--reason", "wrong output path"));
        Cli.Result yanked = assertOk(cli.run("show", "nightly-export"));
        assertTrue(yanked.out().contains("yanked: wrong output path"), yanked.out());

        Files.writeString(dir.resolve("bin/hello.sh"), "#!/bin/sh\necho changed\n");
        assertOk(cli.run("build"));
        Cli.Result conflict = cli.run("publish", "-r", "private");
        assertEquals(ExitCode.CONFLICT, conflict.exitCode(), conflict.toString());
        assertTrue(conflict.err().contains("already exists with sha256"), conflict.err());
        assertTrue(conflict.err().contains("bump the version"), conflict.err());

        Cli.Result skipped = assertOk(cli.run("publish", "-r", "private", "--skip-existing"));
        assertTrue(skipped.err().contains("skipped nightly-export 0.1.0"), skipped.err());
    }

    @Test
    void jvmBundleVendorsDependenciesResolvedFromAFileRepository() throws IOException {
        Path repo = home.resolve("m2-remote");
        mavenArtifact(repo, "com.example", "greeting", "1.0.0", List.of("com.example:words:2.0.0"));
        mavenArtifact(repo, "com.example", "words", "2.0.0", List.of());
        Path dir = Files.createDirectories(home.resolve("scorer"));
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Main.java"), "class Main {}\n");
        Files.writeString(dir.resolve("pkgr.yaml"), """
                name: scorer
                version: 2.1.0
                runtime: jvm
                dependencies: ["com.example:greeting:1.0.0"]
                include: ["src/**"]
                entrypoints:
                  score: {command: [java, Main]}
                """);

        Cli.Result build = assertOk(cli.in(dir).run("build", "--maven-repo", repo.toUri().toString(), "--no-central", "--json"));

        JsonNode result = new ObjectMapper().readTree(build.out());
        Path bundle = dir.resolve(result.path("file").asText());
        var manifest = io.pkgr.bundle.BundleReader.verify(bundle).manifest();
        assertEquals(List.of("deps/com.example/greeting-1.0.0.jar", "deps/com.example/words-2.0.0.jar", "files/src/Main.java"),
                List.copyOf(manifest.files().keySet()));
        assertOk(cli.run("publish", "-r", "private"));
    }

    @Test
    void pythonBundleVendorsARequirementServedByTheRegistrysPypiFace() throws Exception {
        Path wheels = PythonFixtures.wheel(home, "tinylib", "1.2.0");
        PythonFixtures.twineUpload(wheels.resolve("tinylib-1.2.0-py3-none-any.whl"), server.url.resolve("legacy/"),
                "admin", server.adminPassword);
        Path dir = Files.createDirectories(home.resolve("churn"));
        Files.createDirectories(dir.resolve("src/churn"));
        Files.writeString(dir.resolve("src/churn/__init__.py"), "");
        Files.writeString(dir.resolve("pkgr.yaml"), """
                name: churn-model
                version: 1.4.0
                runtime: python
                python: ">=3.9"
                requirements: [tinylib==1.2.0]
                include: ["src/**"]
                entrypoints:
                  train: {command: [python, -m, churn.train], params: {start-date: {type: date, required: true}}}
                """);

        Cli.Result build = assertOk(cli.in(dir).run("build", "-r", "private", "--python", PythonFixtures.PYTHON));

        assertTrue(build.out().contains("(2 files,"), build.out());
        var manifest = io.pkgr.bundle.BundleReader.verify(dir.resolve("dist/churn-model-1.4.0.pkgr")).manifest();
        assertEquals(Files.size(wheels.resolve("tinylib-1.2.0-py3-none-any.whl")),
                manifest.files().get("deps/tinylib-1.2.0-py3-none-any.whl").size());
    }

    @Test
    void pythonRequirementMissingFromTheRegistryFailsNamingTheRegistryWithoutItsPassword() throws Exception {
        Path dir = Files.createDirectories(home.resolve("needy"));
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/x.py"), "");
        Files.writeString(dir.resolve("pkgr.yaml"), """
                name: needy
                version: 1.0.0
                runtime: python
                requirements: [not-published==9.9.9]
                entrypoints:
                  go: {command: [python, src/x.py]}
                """);

        Cli.Result r = cli.in(dir).run("build", "-r", "private", "--python", PythonFixtures.PYTHON);

        assertEquals(ExitCode.REGISTRY, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pip could not fetch the requirements from " + server.url + "simple/"), r.err());
        assertFalse(r.err().contains(server.adminPassword), r.err());
        assertFalse(Files.exists(dir.resolve("dist")));
    }

    @Test
    void wrongPasswordExitsWith4AndStoresNothing() throws IOException {
        Path dir = project("secret-job");
        assertOk(cli.in(dir).run("build"));
        List<String> before = storedFiles();
        assertOk(cli.run("config", "http-basic.private", "admin", "not-the-password"));

        Cli.Result r = cli.run("publish", "-r", "private");

        assertEquals(ExitCode.AUTH, r.exitCode(), r.toString());
        assertTrue(r.err().contains("refused the credentials"), r.err());
        assertTrue(r.err().contains("pkgr config http-basic.private USER"), r.err());
        assertEquals(before, storedFiles());
    }

    @Test
    void unknownRepositoryIsAUsageError() throws IOException {
        Path dir = project("lonely");
        assertOk(cli.in(dir).run("build"));

        Cli.Result r = cli.run("publish", "-r", "nowhere");

        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown repository 'nowhere'"), r.err());
    }

    @Test
    void registryDownExitsWith6NamingTheUrl() throws IOException {
        Path dir = project("offline-job");
        assertOk(cli.in(dir).run("build"));
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertOk(cli.run("config", "repositories.down", "http://127.0.0.1:" + port + "/"));

        Cli.Result r = cli.run("publish", "-r", "down");

        assertEquals(ExitCode.REGISTRY, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot reach registry 'down' at http://127.0.0.1:" + port), r.err());
    }

    @Test
    void badManifestExitsWith2NamingTheLine() throws IOException {
        Path dir = project("broken");
        Files.writeString(dir.resolve("pkgr.yaml"), Files.readString(dir.resolve("pkgr.yaml")).replace("version: 0.1.0", "version: 0.1"));

        Cli.Result r = cli.in(dir).run("build");

        assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("pkgr.yaml:3: version: invalid version '0.1'"), r.err());
        assertFalse(Files.exists(dir.resolve("dist")));
    }

    @Test
    void credentialsFileIsOwnerOnlyAndPasswordsAreMasked() throws IOException {
        Path credentials = home.resolve("config/credentials.json");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        Cli.Result list = assertOk(cli.run("config", "--list"));
        assertTrue(list.out().contains("http-basic.private.password = ********"), list.out());
        assertFalse(list.out().contains(server.adminPassword), list.out());
    }

    @Test
    void loginChecksCredentialsAgainstWhoami() {
        Cli.Result ok = assertOk(cli.run("login", "-r", "private"));
        assertTrue(ok.out().contains("as admin"), ok.out());

        assertOk(cli.run("config", "http-basic.private", "admin", "wrong"));
        assertEquals(ExitCode.AUTH, cli.run("login", "-r", "private").exitCode());
    }

    @Test
    void environmentVariablesConfigureARepositoryWithoutFiles() throws IOException {
        Path dir = project("env-job");
        assertOk(cli.in(dir).run("build"));
        cli.env.put("PKGR_REPOSITORIES_CI_URL", server.url.toString());
        cli.env.put("PKGR_HTTP_BASIC_CI_USERNAME", "admin");
        cli.env.put("PKGR_HTTP_BASIC_CI_PASSWORD", server.adminPassword);

        assertOk(cli.run("publish", "-r", "ci"));
    }

    @Test
    void aPasswordFromTheEnvironmentOverridesTheStoredOneSoAWrongOneExitsWith4() throws IOException {
        Path dir = project("env-password");
        assertOk(cli.in(dir).run("build"));
        List<String> before = storedFiles();
        cli.env.put("PKGR_HTTP_BASIC_PRIVATE_PASSWORD", "wrong");

        Cli.Result publish = cli.run("publish", "-r", "private");
        Cli.Result login = cli.run("login", "-r", "private");

        assertEquals(ExitCode.AUTH, publish.exitCode(), publish.toString());
        assertTrue(publish.err().contains("refused the credentials"), publish.err());
        assertEquals(before, storedFiles());
        assertEquals(ExitCode.AUTH, login.exitCode(), login.toString());
        assertFalse(login.out().contains("logged in"), login.out());
    }

    @Test
    void aUsernameFromTheEnvironmentIsUsedWithTheStoredPassword() {
        assertOk(cli.run("config", "http-basic.private", "someone-else", server.adminPassword));
        cli.env.put("PKGR_HTTP_BASIC_PRIVATE_USERNAME", "admin");

        Cli.Result login = assertOk(cli.run("login", "-r", "private"));

        assertTrue(login.out().contains("as admin"), login.out());
    }

    @Test
    void twoBuildsInDifferentDirectoriesAreByteIdentical() throws IOException {
        Path a = project("twin");
        Path b = Files.createDirectories(home.resolve("elsewhere/twin"));
        try (Stream<Path> files = Files.walk(a)) {
            for (Path p : files.toList()) {
                Path target = b.resolve(a.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(0));
                }
            }
        }

        assertOk(cli.in(a).run("build"));
        assertOk(cli.in(b).run("build"));

        assertArrayEquals(Files.readAllBytes(a.resolve("dist/twin-0.1.0.pkgr")), Files.readAllBytes(b.resolve("dist/twin-0.1.0.pkgr")));
    }

    @Test
    void initRefusesToOverwrite() throws IOException {
        Path dir = project("once");
        String before = Files.readString(dir.resolve("pkgr.yaml"));

        Cli.Result r = cli.in(dir).run("init", "--runtime", "python");

        assertEquals(ExitCode.CONFLICT, r.exitCode(), r.toString());
        assertEquals(before, Files.readString(dir.resolve("pkgr.yaml")));
    }

    @Test
    void userCommandWritesBcryptThatTheServerAccepts() throws Exception {
        Path htpasswd = serverDir.resolve("data/htpasswd");
        System.setIn(new java.io.ByteArrayInputStream("s3cret-pass\n".getBytes()));
        try {
            assertOk(cli.run("user", "add", "carol", "--htpasswd", htpasswd.toString(), "--password-stdin", "--cost", "5"));
        } finally {
            System.setIn(new java.io.FileInputStream(java.io.FileDescriptor.in));
        }
        assertTrue(Files.readString(htpasswd).contains("carol:$2y$05$"));
        Cli.Result list = assertOk(cli.run("user", "list", "--htpasswd", htpasswd.toString()));
        assertTrue(list.out().contains("carol"), list.out());
        assertOk(cli.run("config", "http-basic.private", "carol", "s3cret-pass"));

        // the registry reloads the file; carol is known but has no permissions yet → 403 on publish, whoami works
        Thread.sleep(1100);
        assertOk(cli.run("login", "-r", "private"));
        assertOk(cli.run("user", "remove", "carol", "--htpasswd", htpasswd.toString()));
        assertEquals(ExitCode.NOT_FOUND, cli.run("user", "remove", "carol", "--htpasswd", htpasswd.toString()).exitCode());
    }

    /** A jar with one resource and a pom, in Maven repository layout. */
    static void mavenArtifact(Path repo, String group, String artifact, String version, List<String> deps) throws IOException {
        Path dir = Files.createDirectories(repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version));
        try (OutputStream out = Files.newOutputStream(dir.resolve(artifact + "-" + version + ".jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry(artifact + ".txt"));
            jar.write(artifact.getBytes());
            jar.closeEntry();
        }
        StringBuilder dependencies = new StringBuilder();
        for (String d : deps) {
            String[] c = d.split(":");
            dependencies.append("<dependency><groupId>").append(c[0]).append("</groupId><artifactId>").append(c[1])
                    .append("</artifactId><version>").append(c[2]).append("</version></dependency>");
        }
        Files.writeString(dir.resolve(artifact + "-" + version + ".pom"), """
                <project><modelVersion>4.0.0</modelVersion><groupId>%s</groupId><artifactId>%s</artifactId>
                <version>%s</version><dependencies>%s</dependencies></project>
                """.formatted(group, artifact, version, dependencies));
    }

}
