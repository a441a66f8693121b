package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Comments, blank lines, CRLF, BOM, blanks, and every kind of malformed line. */
class HtpasswdParsingTest {

    static String alice;

    @TempDir
    Path dir;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void hashOnce() {
        alice = RealHtpasswd.line("alice", "pw-alice", "-B", "-C", "4");
    }

    @BeforeEach
    void captureLogs() {
        Logger.getLogger(HtpasswdFile.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger(HtpasswdFile.class.getName()).removeHandler(capture);
    }

    private HtpasswdFile open(String content) throws IOException {
        Path p = dir.resolve("htpasswd");
        Files.write(p, content.getBytes(UTF_8));
        return HtpasswdFile.open(p);
    }

    @Test
    void commentsBlankLinesCrlfAndTrailingBlanksAreTolerated() throws IOException {
        // given
        String content = "# team accounts\r\n\r\n   \r\n" + alice + "   \r\n  # indented comment\r\nbob:plainpw \t\r\n";

        // when
        HtpasswdFile file = open(content);

        // then
        assertEquals(Set.of("alice", "bob"), file.users());
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
        assertTrue(file.verify("bob", "plainpw".getBytes(UTF_8)));
        assertTrue(logged.isEmpty(), "nothing malformed to report");
    }

    @Test
    void utf8ByteOrderMarkBeforeTheFirstUserIsIgnored() throws IOException {
        // given
        HtpasswdFile file = open("\uFEFF" + alice + "\n");

        // when / then
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void fileWithoutFinalNewlineIsRead() throws IOException {
        // given
        HtpasswdFile file = open("# x\n" + alice);

        // when / then
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void firstEntryOfAUserWinsAsInApache() throws IOException {
        // given
        HtpasswdFile file = open("bob:first\nbob:second\n");

        // when / then
        assertTrue(file.verify("bob", "first".getBytes(UTF_8)));
        assertFalse(file.verify("bob", "second".getBytes(UTF_8)));
        assertLoggedLine(2);
    }

    @Test
    void fieldsAfterASecondColonAreIgnoredAsInApache() throws IOException {
        // given
        HtpasswdFile file = open("bob:plainpw:extra:fields\n");

        // when / then
        assertTrue(file.verify("bob", "plainpw".getBytes(UTF_8)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "no-colon-at-all",
        ":$apr1$abcdefgh$0123456789012345678901",
        "carol:",
        "carol:$2y$04$tooShort",
        "carol:$2y$99$abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq",
        "carol:$2x$04$abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq",
        "carol:$apr1$salt$short",
        "carol:$5$salt$short",
        "carol:$6$rounds=x$salt$short",
        "carol:{SHA}not-base64",
        "carol:{SSHA}c29tZXRoaW5n",
        "carol:$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        "carol:$y$j9T$salt$hash",
        "ca\u0001rol:plainpw",
    })
    void malformedLineIsSkippedWithItsLineNumberAndNeverAuthenticates(String line) throws IOException {
        // given
        String content = "# header\n" + alice + "\n" + line + "\n";

        // when
        HtpasswdFile file = open(content);

        // then
        assertEquals(Set.of("alice"), file.users());
        assertLoggedLine(3);
        String after = line.indexOf(':') < 0 ? line : line.substring(line.indexOf(':') + 1);
        assertFalse(file.verify("carol", after.getBytes(UTF_8)), "the corrupt hash is not a password");
        assertFalse(file.verify("carol", new byte[0]));
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)), "the other lines still work");
    }

    @Test
    void lineThatIsNotUtf8IsSkippedAndTheRestIsRead() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");
        byte[] latin1 = "j\u00fcrgen:plainpw\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(p, concat((alice + "\n").getBytes(UTF_8), latin1));

        // when
        HtpasswdFile file = HtpasswdFile.open(p);

        // then
        assertEquals(Set.of("alice"), file.users());
        assertLoggedLine(2);
    }

    @Test
    void logNamesTheLineButNeverTheHash() throws IOException {
        // given
        open(alice + "\ncarol:$2y$04$corruptcorruptcorrupt\n");

        // when
        String messages = logged.stream().map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
                .reduce("", String::concat);

        // then
        assertTrue(messages.contains("line 2"), messages);
        assertFalse(messages.contains("corruptcorrupt"), messages);
    }

    @Test
    void binaryGarbageNeverThrows() throws IOException {
        // given
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);
        Path p = dir.resolve("htpasswd");
        Files.write(p, garbage);

        // when
        HtpasswdFile file = HtpasswdFile.open(p);

        // then
        assertFalse(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void unreadableFileAtStartIsAnError() {
        // given
        Path missing = dir.resolve("missing");

        // when / then
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> HtpasswdFile.open(missing));
    }

    private void assertLoggedLine(int lineNo) {
        assertTrue(logged.stream().anyMatch(r -> r.getParameters() != null && r.getParameters().length > 1
                        && Integer.valueOf(lineNo).equals(r.getParameters()[1])),
                "a warning names line " + lineNo);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
