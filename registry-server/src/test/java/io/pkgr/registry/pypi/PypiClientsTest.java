package io.pkgr.registry.pypi;

import static io.pkgr.registry.pypi.PypiTestServer.ADMIN;
import static io.pkgr.registry.pypi.PypiTestServer.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyPI face with the real clients a team brings from pypiserver: twine, poetry and pip (from
 * apt, run with {@code /usr/bin/python3}), against a real server on port 0. Distributions are
 * built once with {@code python3 -m build --no-isolation}: no public index is ever reached.
 */
class PypiClientsTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PASSWORD = ADMIN.substring(ADMIN.indexOf(':') + 1);

    @TempDir
    static Path dists;
    static Path v100;
    static Path v100Other;
    static Path v110;

    @TempDir
    Path tmp;
    PypiTestServer registry;

    @BeforeAll
    static void buildDistributions() throws IOException {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON + " (apt python3, python3-build)");
        v100 = build("demo-pkg", "1.0.0", "one");
        v100Other = build("demo-pkg", "1.0.0", "other bytes");
        v110 = build("demo-pkg", "1.1.0", "two");
    }

    private static Path build(String name, String version, String payload) throws IOException {
        Path project = dists.resolve("src-" + version + "-" + payload.hashCode());
        Path pkg = project.resolve("src").resolve(name.replace('-', '_'));
        Files.createDirectories(pkg);
        Files.writeString(project.resolve("pyproject.toml"), """
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "%s"
                version = "%s"
                description = "a test project"
                requires-python = ">=3.7"
                """.formatted(name, version));
        Files.writeString(pkg.resolve("__init__.py"), "PAYLOAD = '" + payload + "'\n");
        Path out = project.resolve("dist");
        Result built = run(project, Map.of(), PYTHON, "-m", "build", "--no-isolation", "-o", out.toString(), ".");
        assertEquals(0, built.exit, built.output);
        return out;
    }

    @BeforeEach
    void start() throws IOException {
        registry = PypiTestServer.start(tmp.resolve("data"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    // --- running clients ---

    record Result(int exit, String output) {
    }

    static Result run(Path dir, Map<String, String> env, String... command) {
        try {
            Path log = Files.createTempFile("client", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("PIP_CONFIG_FILE", "/dev/null");
            builder.environment().put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
            builder.environment().put("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring");
            builder.environment().put("NO_COLOR", "1");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Result twine(String password, String... args) {
        return twineAs("admin", password, args);
    }

    private Result twineAs(String user, String password, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "twine", "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", registry.url("/legacy/"), "-u", user, "-p", password));
        command.addAll(List.of(args));
        return run(tmp, Map.of("HOME", tmp.toString()), command.toArray(String[]::new));
    }

    private static String[] files(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(Path::toString).sorted().toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path venv(String python) {
        Path venv = tmp.resolve("venv-" + Math.abs(python.hashCode()));
        if (!Files.exists(venv)) {
            Result created = run(tmp, Map.of(), python, "-m", "venv", venv.toString());
            assertEquals(0, created.exit, created.output);
        }
        return venv;
    }

    private Result pip(Path venv, String... args) {
        List<String> command = new ArrayList<>(List.of(venv.resolve("bin/python").toString(), "-m", "pip", "--isolated"));
        command.addAll(List.of(args));
        return run(tmp, Map.of("HOME", tmp.toString()), command.toArray(String[]::new));
    }

    private Result pipInstall(Path venv, String requirement) {
        return pip(venv, "install", "-v", "--no-cache-dir", "--index-url", registry.indexUrl(BOB), requirement);
    }

    private String installedPayload(Path venv) {
        Result result = run(tmp, Map.of(), venv.resolve("bin/python").toString(), "-c",
                "import demo_pkg, importlib.metadata as m; print(m.version('demo-pkg'), demo_pkg.PAYLOAD)");
        assertEquals(0, result.exit, result.output);
        return result.output.trim();
    }

    // --- twine ---

    @Test
    void twineUploadsAnSdistAndAWheel() {
        Result result = twine(PASSWORD, files(v100));

        assertEquals(0, result.exit, result.output);
        String html = registry.get("/simple/demo-pkg/", BOB, null).body();
        assertTrue(html.contains(">demo-pkg-1.0.0.tar.gz</a>") || html.contains(">demo_pkg-1.0.0.tar.gz</a>"), html);
        assertTrue(html.contains(">demo_pkg-1.0.0-py3-none-any.whl</a>"), html);
        assertTrue(registry.storedFiles().contains("pypi/demo-pkg/demo_pkg-1.0.0-py3-none-any.whl.json"));
    }

    @Test
    void twineReportsAConflictForOtherBytesAndSkipExistingPasses() {
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        List<String> before = registry.storedFiles();

        Result conflict = twine(PASSWORD, files(v100Other));
        assertNotEquals(0, conflict.exit, conflict.output);
        assertTrue(conflict.output.contains("409") && conflict.output.contains("File already exists"), conflict.output);
        Result skipped = twine(PASSWORD, concat("--skip-existing", files(v100Other)));
        assertEquals(0, skipped.exit, skipped.output);
        assertTrue(skipped.output.contains("Skipping"), skipped.output);
        assertEquals(0, twine(PASSWORD, files(v100)).exit, "identical bytes again are fine");
        assertEquals(before, registry.storedFiles());
    }

    @Test
    void twineWithAWrongPasswordFailsAndStoresNothing() {
        List<String> before = registry.storedFiles();

        Result result = twine("wrong-password", files(v100));

        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("401"), result.output);
        assertEquals(before, registry.storedFiles());
    }

    private static String[] concat(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    // --- poetry ---

    private Path poetryProject(String version) throws IOException {
        Path project = tmp.resolve("poetry-" + version);
        Files.createDirectories(project.resolve("poetry_demo"));
        Files.writeString(project.resolve("pyproject.toml"), """
                [tool.poetry]
                name = "poetry-demo"
                version = "%s"
                description = "a poetry test project"
                authors = ["Test <test@example.com>"]
                packages = [{include = "poetry_demo"}]

                [tool.poetry.dependencies]
                python = ">=3.8"

                [build-system]
                requires = ["poetry-core"]
                build-backend = "poetry.core.masonry.api"
                """.formatted(version));
        Files.writeString(project.resolve("poetry_demo/__init__.py"), "X = 1\n");
        return project;
    }

    private static void poetryBuild(Path project, Map<String, String> env) throws IOException {
        Path dist = project.resolve("dist");
        if (Files.exists(dist)) {
            try (Stream<Path> old = Files.list(dist)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Result built = run(project, env, "poetry", "build", "-n");
        assertEquals(0, built.exit, built.output);
    }

    private Map<String, String> poetryEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", tmp.toString());
        env.put("POETRY_CONFIG_DIR", Files.createDirectories(tmp.resolve("poetry-config")).toString());
        env.put("POETRY_CACHE_DIR", Files.createDirectories(tmp.resolve("poetry-cache")).toString());
        env.put("POETRY_VIRTUALENVS_CREATE", "false");
        return env;
    }

    @Test
    void poetryPublishesWithRepositoryConfiguredByCommands() throws IOException {
        Path project = poetryProject("0.1.0");
        Map<String, String> env = poetryEnv();
        assertEquals(0, run(project, env, "poetry", "config", "repositories.private", registry.url("/legacy/")).exit);
        assertEquals(0, run(project, env, "poetry", "config", "http-basic.private", "admin", PASSWORD).exit);

        poetryBuild(project, env);
        Result result = run(project, env, "poetry", "publish", "-r", "private", "-n");

        assertEquals(0, result.exit, result.output);
        String html = registry.get("/simple/poetry-demo/", BOB, null).body();
        assertTrue(html.contains(">poetry_demo-0.1.0-py3-none-any.whl</a>"), html);
        assertTrue(html.contains(">poetry_demo-0.1.0.tar.gz</a>") || html.contains(">poetry-demo-0.1.0.tar.gz</a>"), html);
    }

    @Test
    void poetryPublishesWithRepositoryFromEnvironmentAndSkipsExisting() throws IOException {
        Path project = poetryProject("0.2.0");
        Map<String, String> env = poetryEnv();
        env.put("POETRY_REPOSITORIES_PRIVATE_URL", registry.url("/legacy/"));
        env.put("POETRY_HTTP_BASIC_PRIVATE_USERNAME", "admin");
        env.put("POETRY_HTTP_BASIC_PRIVATE_PASSWORD", PASSWORD);

        poetryBuild(project, env);
        Result result = run(project, env, "poetry", "publish", "-r", "private", "-n");
        assertEquals(0, result.exit, result.output);
        assertTrue(registry.get("/simple/poetry-demo/", BOB, null).body().contains("poetry_demo-0.2.0-py3-none-any.whl"));

        Files.writeString(project.resolve("poetry_demo/__init__.py"), "X = 2\n");
        poetryBuild(project, env);
        Result again = run(project, env, "poetry", "publish", "-r", "private", "-n");
        assertNotEquals(0, again.exit, "other bytes under the same filename: " + again.output);
        assertTrue(again.output.contains("409"), again.output);
        Result skipped = run(project, env, "poetry", "publish", "-r", "private", "-n", "--skip-existing");
        assertEquals(0, skipped.exit, skipped.output);
    }

    // --- pip ---

    @Test
    void pipInstallsAndDownloadsThroughPep691Json() {
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        Path venv = venv(PYTHON);

        Result install = pip(venv, "install", "-vvv", "--no-cache-dir", "--index-url", registry.indexUrl(BOB),
                "demo-pkg==1.0.0");

        assertEquals(0, install.exit, install.output);
        assertTrue(install.output.contains("/simple/demo-pkg/ as application/vnd.pypi.simple.v1+json"), install.output);
        assertEquals("1.0.0 one", installedPayload(venv));
        Result download = pip(venv, "download", "--no-cache-dir", "-d", tmp.resolve("dl").toString(),
                "--index-url", registry.indexUrl(BOB), "demo-pkg==1.0.0");
        assertEquals(0, download.exit, download.output);
        assertTrue(Files.exists(tmp.resolve("dl/demo_pkg-1.0.0-py3-none-any.whl")), download.output);
    }

    @Test
    void pipSkipsAYankedReleaseUnlessPinned() {
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        assertEquals(0, twine(PASSWORD, files(v110)).exit);
        assertEquals(200, registry.post("/api/v1/pypi/demo-pkg/1.1.0/yank", ADMIN, "application/json",
                "{\"reason\":\"broken\"}".getBytes(StandardCharsets.UTF_8)).statusCode());
        Path venv = venv(PYTHON);

        Result latest = pipInstall(venv, "demo-pkg");
        assertEquals(0, latest.exit, latest.output);
        assertEquals("1.0.0 one", installedPayload(venv));

        Result pinned = pipInstall(venv, "demo-pkg==1.1.0");
        assertEquals(0, pinned.exit, pinned.output);
        assertTrue(pinned.output.contains("yanked") && pinned.output.contains("broken"), pinned.output);
        assertEquals("1.1.0 two", installedPayload(venv));
    }

    @Test
    void pipWithAWrongPasswordIsRefused() {
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        Path venv = venv(PYTHON);

        Result result = pip(venv, "install", "--no-cache-dir", "--index-url", registry.indexUrl("bob:wrong"),
                "demo-pkg==1.0.0");

        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("401"), result.output);
    }

    @Test
    void pipReadsCoreMetadataInsteadOfDownloadingTheWheel() {
        // PEP 714 core-metadata in JSON is read by pip >= 23.2; Debian 12's pip is 23.0.1, so use the
        // newest python3 on PATH that bundles one (skipped where there is none)
        String python = Stream.of("python3", PYTHON)
                .filter(p -> run(tmp, Map.of(), p, "-c",
                        "import ensurepip,sys; v=tuple(int(x) for x in ensurepip.version().split('.')[:2]);"
                                + " sys.exit(0 if v >= (23, 2) else 1)").exit == 0)
                .findFirst().orElse(null);
        assumeTrue(python != null, "no python3 whose bundled pip reads PEP 714 core-metadata");
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        Path venv = venv(python);

        Result install = pipInstall(venv, "demo-pkg==1.0.0");

        assertEquals(0, install.exit, install.output);
        assertTrue(install.output.contains("Obtaining dependency information for demo-pkg==1.0.0 from "
                + registry.url("/packages/demo-pkg/demo_pkg-1.0.0-py3-none-any.whl.metadata")), install.output);
        assertFalse(install.output.contains("Metadata-Version"), "no error about the metadata");
    }

    // --- API tokens: the user __token__, as on PyPI ---

    @Test
    void twineUploadsWithATokenAsThePasswordOfTokenUser() {
        String token = registry.token(ADMIN, "ci-demo", "demo-*:publish");

        Result result = twineAs("__token__", token, files(v100));

        assertEquals(0, result.exit, result.output);
        assertTrue(registry.get("/simple/demo-pkg/", BOB, null).body().contains("demo_pkg-1.0.0-py3-none-any.whl"));
        var uploads = registry.auditLines().stream().filter(l -> l.path("action").asText().equals("pypi-upload")).toList();
        assertEquals(2, uploads.size(), "an sdist and a wheel: " + uploads);
        for (var line : uploads) {
            assertEquals("ok", line.path("outcome").asText());
            assertEquals("admin", line.path("user").asText());
            assertEquals("ci-demo", line.path("token_name").asText());
            assertEquals("demo-pkg", line.path("name").asText());
            assertEquals(64, line.path("sha256").asText().length());
            assertEquals("127.0.0.1", line.path("address").asText());
        }
    }

    @Test
    void twineWithAnOutOfScopeTokenIsRefusedWith403AndStoresNothing() {
        String token = registry.token(ADMIN, "ci-other", "other-*:publish");
        List<String> before = registry.storedFiles();

        Result result = twineAs("__token__", token, files(v100));

        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("403"), result.output);
        assertTrue(result.output.contains("may not publish demo-pkg"), result.output);
        assertEquals(before, registry.storedFiles());
        var refused = registry.auditLines().stream().filter(l -> l.path("outcome").asText().equals("refused")).toList();
        assertFalse(refused.isEmpty());
        assertEquals("TOKEN_DENIED", refused.get(0).path("code").asText());
        assertEquals("pypi-upload", refused.get(0).path("action").asText());
    }

    @Test
    void twineWithARevokedTokenIsRefusedWith401AndStoresNothing() {
        String token = registry.token(ADMIN, "ci-gone", "demo-*:publish");
        String id = token.substring(5, 15);
        assertEquals(200, registry.send(registry.request("/api/v1/tokens/" + id, ADMIN).DELETE().build()).statusCode());
        List<String> before = registry.storedFiles();

        Result result = twineAs("__token__", token, files(v100));

        assertNotEquals(0, result.exit, result.output);
        assertTrue(result.output.contains("401") || result.output.contains("403"), result.output);
        assertEquals(before, registry.storedFiles());
        assertEquals(401, registry.get("/simple/", "__token__:" + token, null).statusCode());
    }

    @Test
    void poetryPublishesWithAToken() throws IOException {
        String token = registry.token(ADMIN, "ci-poetry", "poetry-*:publish");
        Path project = poetryProject("0.3.0");
        Map<String, String> env = poetryEnv();
        assertEquals(0, run(project, env, "poetry", "config", "repositories.private", registry.url("/legacy/")).exit);
        assertEquals(0, run(project, env, "poetry", "config", "http-basic.private", "__token__", token).exit);
        poetryBuild(project, env);

        Result result = run(project, env, "poetry", "publish", "-r", "private", "-n");

        assertEquals(0, result.exit, result.output);
        assertTrue(registry.get("/simple/poetry-demo/", BOB, null).body().contains("poetry_demo-0.3.0-py3-none-any.whl"));
    }

    @Test
    void pipInstallsWithAReadTokenAndIsRefusedWithoutScope() {
        assertEquals(0, twine(PASSWORD, files(v100)).exit);
        String read = registry.token(ADMIN, "pip-read", "demo-*:read");
        String elsewhere = registry.token(ADMIN, "pip-other", "other-*:read");
        Path venv = venv(PYTHON);

        Result refused = pip(venv, "install", "--no-cache-dir", "--index-url", registry.indexUrl("__token__:" + elsewhere),
                "demo-pkg==1.0.0");
        Result install = pip(venv, "install", "--no-cache-dir", "--index-url", registry.indexUrl("__token__:" + read),
                "demo-pkg==1.0.0");

        assertNotEquals(0, refused.exit, refused.output);
        assertTrue(refused.output.contains("No matching distribution found for demo-pkg==1.0.0"), refused.output);
        assertEquals(403, registry.get("/simple/demo-pkg/", "__token__:" + elsewhere, null).statusCode(),
                "pip only says it found nothing; the index refused the token");
        assertEquals(0, install.exit, install.output);
        assertEquals("1.0.0 one", installedPayload(venv));
    }
}
