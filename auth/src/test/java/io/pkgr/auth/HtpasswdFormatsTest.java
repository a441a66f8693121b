package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hashes written by the real Apache {@code htpasswd}, in every format it has. */
class HtpasswdFormatsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "htpasswd {0}")
    @ValueSource(strings = {"-B -C 4", "-B -C 5", "-m", "-s", "-2", "-5", "-2 -r 1000", "-5 -r 6000", "-d", "-p"})
    void passwordHashedByApacheHtpasswdIsAcceptedAndAWrongOneRefused(String flags) throws IOException {
        // given
        String line = RealHtpasswd.line("alice", "s3cret-Pw", flags.split(" "));
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"), line));

        // when / then
        assertEquals(java.util.Set.of("alice"), file.users());
        assertTrue(file.verify("alice", "s3cret-Pw".getBytes(UTF_8)), line);
        assertFalse(file.verify("alice", "s3cret-pw".getBytes(UTF_8)));
        assertFalse(file.verify("alice", new byte[0]));
    }

    @ParameterizedTest(name = "htpasswd {0}")
    @ValueSource(strings = {"-B -C 4", "-m", "-s", "-2", "-5", "-p"})
    void nonAsciiPasswordOfANonAsciiUserIsVerifiedAsUtf8(String flags) throws IOException {
        // given
        String password = "pässwörd-€-密码";
        String line = RealHtpasswd.line("jürgen.o'neil", password, flags.split(" "));
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"), line));

        // when / then
        assertTrue(file.verify("jürgen.o'neil", password.getBytes(UTF_8)));
        assertFalse(file.verify("jürgen.o'neil", "passwort-€-密码".getBytes(UTF_8)));
    }

    @Test
    void desCryptOnlyLooksAtTheFirstEightCharactersAsApacheDoes() throws IOException {
        // given
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"),
                RealHtpasswd.line("bob", "12345678-tail", "-d")));

        // when / then
        assertTrue(file.verify("bob", "12345678-other".getBytes(UTF_8)));
        assertFalse(file.verify("bob", "1234567".getBytes(UTF_8)));
    }

    @Test
    void bcryptPasswordLongerThan72BytesIsTruncatedAsApacheDoes() throws IOException {
        // given
        String longPassword = "x".repeat(100);
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"),
                RealHtpasswd.line("carol", longPassword, "-B", "-C", "4")));

        // when / then
        assertTrue(file.verify("carol", longPassword.getBytes(UTF_8)));
        assertTrue(file.verify("carol", "x".repeat(72).getBytes(UTF_8)));
        assertFalse(file.verify("carol", "x".repeat(71).getBytes(UTF_8)));
    }

    @ParameterizedTest(name = "${0}$")
    @ValueSource(strings = {"2a", "2b", "2y"})
    void bcryptVersionsTwoATwoBAndTwoYAreAllAccepted(String version) throws IOException {
        // given: the same hash under each version tag (they compute the same function)
        String apache = RealHtpasswd.line("dave", "hunter2", "-B", "-C", "4");
        String line = apache.replace("$2y$", "$" + version + "$");
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"), line));

        // when / then
        assertTrue(file.verify("dave", "hunter2".getBytes(UTF_8)));
        assertFalse(file.verify("dave", "hunter3".getBytes(UTF_8)));
    }

    @Test
    void bcryptAtTheHighestCostApacheWritesIsParsed() {
        // given: a well-formed cost-17 hash (not verified here: that takes ~10 s)
        String hash = "$2y$17$" + "a".repeat(53);

        // when / then
        assertEquals(PasswordHash.Scheme.BCRYPT, PasswordHash.parse(hash).orElseThrow().scheme());
    }

    @Test
    void unknownUserIsRefused() throws IOException {
        // given
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"),
                RealHtpasswd.line("alice", "pw", "-B", "-C", "4")));

        // when / then
        assertFalse(file.verify("mallory", "pw".getBytes(UTF_8)));
    }

    @ParameterizedTest(name = "htpasswd {0}")
    @ValueSource(strings = {"-B -C 4", "-m", "-s", "-2", "-5", "-d", "-p"})
    void verifyingLeavesTheCallersPasswordBytesAsTheyWere(String flags) throws IOException {
        // given
        HtpasswdFile file = HtpasswdFile.open(RealHtpasswd.write(dir.resolve("htpasswd"),
                RealHtpasswd.line("alice", "s3cret", flags.split(" "))));
        byte[] password = "s3cret".getBytes(UTF_8);

        // when
        file.verify("alice", password);

        // then: checking twice with the same array still works
        assertEquals("s3cret", new String(password, UTF_8));
        assertTrue(file.verify("alice", password));
    }
}
