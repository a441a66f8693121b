package io.pkgr.registry.pypi;

import static io.pkgr.registry.pypi.PypiTestServer.ADMIN;
import static io.pkgr.registry.pypi.PypiTestServer.ALICE;
import static io.pkgr.registry.pypi.PypiTestServer.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pkgr.registry.pypi.PypiClientsTest.Result;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A published release cannot be replaced under another spelling of its filename. Files are
 * identified by the PEP 503 name, the PEP 440 version and the wheel's tags, so every spelling
 * pip would read as the same file is the same file. Checked with the real twine and pip (apt,
 * {@code /usr/bin/python3}) against a real server on port 0; the wheels are built in memory.
 */
class PypiFileIdentityTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PASSWORD = ADMIN.substring(ADMIN.indexOf(':') + 1);
    private static final String ORIGINAL = "team_a_imm-1.0.0-py3-none-any.whl";

    // one registry for the class: every test here is a refused or idempotent upload, and each
    // checks that it left the stored files and the pages as they were
    @TempDir
    static Path tmp;
    static PypiTestServer registry;
    static byte[] original;

    /** What a refused upload must leave as it was: the stored files and both forms of the simple page. */
    record Snapshot(List<String> stored, String html, String json) {
    }

    @BeforeAll
    static void publishTheOriginal() throws IOException {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON + " (apt python3, twine)");
        registry = PypiTestServer.start(tmp.resolve("data"));
        original = TestDists.wheel("team-a-imm", "1.0.0", "original");
        Result published = twine(write("original", ORIGINAL, original));
        assertEquals(0, published.exit(), published.output());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** Another file for release 1.0.0 and tag py3-none-any: filename, then the METADATA name and version twine sends. */
    static Stream<Arguments> otherSpellingsOfTheSameFile() {
        return Stream.of(
                arguments("team_a_imm-1.0.0.0-py3-none-any.whl", "team-a-imm", "1.0.0.0"),
                arguments("Team_A_Imm-1.0.0-py3-none-any.whl", "Team_A_Imm", "1.0.0"),
                arguments("TEAM_A_IMM-1.0.0-py3-none-any.whl", "TEAM_A_IMM", "1.0.0"),
                arguments("team.a.imm-1.0.0-py3-none-any.whl", "team.a.imm", "1.0.0"),
                arguments("team_a_imm-1.0-py3-none-any.whl", "team-a-imm", "1.0"),
                arguments("team_a_imm-v1.0.0-py3-none-any.whl", "team-a-imm", "v1.0.0"),
                arguments(ORIGINAL, "team-a-imm", "1.0"),
                arguments(ORIGINAL, "team-a-imm", "v1.0.0"),
                arguments("team_a_imm-1.0.0-PY3-NONE-ANY.whl", "team-a-imm", "1.0.0"),
                arguments("team_a_imm-1.0.0-py2.py3-none-any.whl", "team-a-imm", "1.0.0"),
                arguments("team_a_imm-1.0.0-1-py3-none-any.whl", "team-a-imm", "1.0.0"),
                // other tags that pip ranks above py3-none-any where they fit: they would shadow it
                arguments("team_a_imm-1.0.0-cp311-none-any.whl", "team-a-imm", "1.0.0"),
                arguments("team_a_imm-1.0.0-py3-none-manylinux1_x86_64.whl", "team-a-imm", "1.0.0"));
    }

    @ParameterizedTest(name = "{0} as {1} {2}")
    @MethodSource("otherSpellingsOfTheSameFile")
    void anotherFileForThePublishedReleaseAndTagsIsAConflictWhateverItsSpelling(String filename, String name,
            String version) throws IOException {
        Path impostor = write("impostor", filename, TestDists.wheel(name, version, "impostor"));
        Snapshot before = snapshot();

        Result result = twine(impostor);

        assertNotEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("409") && result.output().contains("File already exists")
                && result.output().contains(ORIGINAL), result.output());
        assertEquals(before, snapshot(), "nothing stored changed");
    }

    /** A local version of the release: in the filename and METADATA, only in METADATA, only in the filename. */
    static Stream<Arguments> localVersionsOfTheRelease() {
        return Stream.of(
                arguments("team_a_imm-1.0.0+evil-py3-none-any.whl", "team-a-imm", "1.0.0+evil"),
                arguments(ORIGINAL, "team-a-imm", "1.0.0+evil"),
                arguments("team_a_imm-1.0.0+evil-py3-none-any.whl", "team-a-imm", "1.0.0"));
    }

    @ParameterizedTest(name = "{0} as {1} {2}")
    @MethodSource("localVersionsOfTheRelease")
    void aLocalVersionIsRefusedBecausePipWouldInstallItForThePublishedRelease(String filename, String name,
            String version) throws IOException {
        Path impostor = write("local", filename, TestDists.wheel(name, version, "impostor"));
        Snapshot before = snapshot();

        Result result = twine(impostor);

        assertNotEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("400") && result.output().contains("is a local version: local versions"
                + " (+label) cannot be uploaded"), result.output());
        assertEquals(before, snapshot(), "nothing stored changed");
    }

    @Test
    void pipInstallsTheOriginalBytesAfterEveryOtherSpellingWasSkipped() throws IOException {
        List<String> impostors = new ArrayList<>();
        for (Arguments spelling : otherSpellingsOfTheSameFile().toList()) {
            Object[] a = spelling.get();
            String dir = "impostor-" + impostors.size();
            impostors.add(write(dir, (String) a[0], TestDists.wheel((String) a[1], (String) a[2], "impostor")).toString());
        }
        Path local = write("impostor-local", "team_a_imm-1.0.0+evil-py3-none-any.whl",
                TestDists.wheel("team-a-imm", "1.0.0+evil", "impostor"));
        Snapshot before = snapshot();

        Result refusedLocal = twine(local);
        Result skipped = twine(impostors, "--skip-existing");
        Path venv = tmp.resolve("venv");
        Result venvCreated = PypiClientsTest.run(tmp, Map.of(), PYTHON, "-m", "venv", venv.toString());
        Result installed = PypiClientsTest.run(tmp, Map.of("HOME", tmp.toString()), venv.resolve("bin/python").toString(),
                "-m", "pip", "--isolated", "install", "--no-cache-dir", "--index-url", registry.indexUrl(BOB),
                "team-a-imm==1.0.0");

        assertNotEquals(0, refusedLocal.exit(), refusedLocal.output());
        assertTrue(refusedLocal.output().contains("400"), refusedLocal.output());
        assertEquals(0, skipped.exit(), skipped.output());
        assertEquals(impostors.size(), skipped.output().split("Skipping", -1).length - 1, skipped.output());
        assertEquals(before, snapshot(), "nothing stored changed");
        assertEquals(0, venvCreated.exit(), venvCreated.output());
        assertEquals(0, installed.exit(), installed.output());
        Result payload = PypiClientsTest.run(tmp, Map.of(), venv.resolve("bin/python").toString(), "-c",
                "import team_a_imm; print(team_a_imm.X)");
        assertEquals("original", payload.output().trim(), payload.output());
        byte[] served = registry.getBytes(registry.request("/packages/team-a-imm/" + ORIGINAL, BOB).build()).body();
        assertArrayEquals(original, served);
    }

    @Test
    void theSameBytesUnderAnotherSpellingAreAlreadyThere() throws IOException {
        Path again = write("again", "Team_A_Imm-1.0.0.0-py3-none-any.whl", original);
        Snapshot before = snapshot();

        Result result = twine(again);

        assertEquals(0, result.exit(), result.output());
        assertEquals(before, snapshot(), "no second record for the same file");
    }

    @Test
    void anUpperCaseWheelExtensionIsNotADistribution() throws IOException {
        String filename = "team_a_imm-1.0.0-py3-none-any.WHL";
        byte[] impostor = TestDists.wheel("team-a-imm", "1.0.0", "impostor");
        Snapshot before = snapshot();

        Result twine = twine(write("upper", filename, impostor));
        HttpResponse<String> raw = registry.upload(ALICE, TestDists.form("team-a-imm", "1.0.0", filename, impostor)
                .replace("filetype", "bdist_wheel"));

        assertNotEquals(0, twine.exit(), twine.output());
        assertTrue(twine.output().contains("Unknown distribution format"), "twine refuses it itself: " + twine.output());
        assertEquals(400, raw.statusCode(), raw.body());
        assertTrue(raw.body().contains("UPLOAD_INVALID") && raw.body().contains("extension must be '.whl'"), raw.body());
        assertEquals(before, snapshot(), "nothing stored changed");
    }

    @Test
    void aFilenameThatDisagreesWithTheMetadataIsRefused() throws IOException {
        Snapshot before = snapshot();

        Result otherVersion = twine(write("v", "team_a_imm-1.0.1-py3-none-any.whl",
                TestDists.wheel("team-a-imm", "1.0.0", "impostor")));
        Result otherName = twine(write("n", "team_a_other-1.0.0-py3-none-any.whl",
                TestDists.wheel("team-a-imm", "1.0.0", "impostor")));

        assertNotEquals(0, otherVersion.exit(), otherVersion.output());
        assertTrue(otherVersion.output().contains("400") && otherVersion.output().contains("has version '1.0.1'"),
                otherVersion.output());
        assertNotEquals(0, otherName.exit(), otherName.output());
        assertTrue(otherName.output().contains("400") && otherName.output().contains("names project 'team_a_other'"),
                otherName.output());
        assertEquals(before, snapshot(), "nothing stored changed");
    }

    // --- helpers ---

    private static Path write(String dir, String filename, byte[] content) throws IOException {
        Path file = Files.createDirectories(tmp.resolve("dists").resolve(dir)).resolve(filename);
        Files.write(file, content);
        return file;
    }

    private static Result twine(Path file) {
        return twine(List.of(file.toString()));
    }

    private static Result twine(List<String> files, String... options) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "twine", "upload", "--non-interactive",
                "--disable-progress-bar", "--repository-url", registry.url("/legacy/"), "-u", "admin", "-p", PASSWORD));
        command.addAll(List.of(options));
        command.addAll(files);
        // wide enough that rich does not wrap the server's message
        return PypiClientsTest.run(tmp, Map.of("HOME", tmp.toString(), "COLUMNS", "500"), command.toArray(String[]::new));
    }

    private static Snapshot snapshot() {
        return new Snapshot(registry.storedFiles(), registry.get("/simple/team-a-imm/", BOB, null).body(),
                registry.get("/simple/team-a-imm/", BOB, "application/vnd.pypi.simple.v1+json").body());
    }
}
