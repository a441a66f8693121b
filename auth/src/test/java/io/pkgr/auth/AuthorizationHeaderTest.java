package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever arrives in the Authorization header, authenticate answers and never throws. */
class AuthorizationHeaderTest {

    @TempDir
    Path dir;

    private Authenticator auth;

    @BeforeEach
    void start() throws IOException {
        auth = Authenticator.builder(RealHtpasswd.write(dir.resolve("htpasswd"), "alice:plain-pw")).build();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void missingHeaderIsAnonymous(String header) {
        // given / when / then
        assertEquals(AuthResult.anonymous(), auth.authenticate(header, "192.0.2.1"));
    }

    @Test
    void validBasicCredentialsAreAccepted() {
        // given
        String header = "Basic " + b64("alice:plain-pw".getBytes(UTF_8));

        // when / then
        assertEquals(AuthResult.ok("alice"), auth.authenticate(header, "192.0.2.1"));
    }

    @Test
    void schemeIsCaseInsensitiveAndBlanksAroundTheTokenAreAllowed() {
        // given
        String header = "bAsIc   " + b64("alice:plain-pw".getBytes(UTF_8)) + "  ";

        // when / then
        assertEquals(AuthResult.ok("alice"), auth.authenticate(header, "192.0.2.1"));
    }

    @Test
    void passwordMayContainColons() throws IOException {
        // given
        Authenticator a = Authenticator.builder(RealHtpasswd.write(dir.resolve("h2"),
                RealHtpasswd.line("bob", "a:b:c", "-B", "-C", "4"))).build();

        // when / then
        assertEquals(AuthResult.ok("bob"), a.authenticate("Basic " + b64("bob:a:b:c".getBytes(UTF_8)), "192.0.2.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Bearer abc.def.ghi",
        "Basic",
        "Basic ",
        "Basic !!!not-base64!!!",
        "Basic YWxpY2U=",          // "alice" without a colon
        "Basic OnBsYWluLXB3",      // ":plain-pw", empty user
        "Basic YWxpY2U6cGxhaW4tcHc=extra",
        "Digest username=\"alice\"",
        "Basic YWxp\u0000Y2U6",
        "Basic\tYWxpY2U6cGxhaW4tcHc=",
        "Basic AGFsaWNlOng=",      // NUL inside the user name
    })
    void malformedHeaderIsReportedAsMalformed(String header) {
        // given / when / then
        assertEquals(AuthResult.malformed(), auth.authenticate(header, "192.0.2.1"));
    }

    @Test
    void userNameThatIsNotUtf8IsMalformed() {
        // given
        byte[] raw = {(byte) 0xC3, (byte) 0x28, ':', 'p', 'w'};

        // when / then
        assertEquals(AuthResult.malformed(), auth.authenticate("Basic " + b64(raw), "192.0.2.1"));
    }

    @Test
    void passwordThatIsNotUtf8IsSimplyWrong() {
        // given
        byte[] raw = {'a', 'l', 'i', 'c', 'e', ':', (byte) 0xFF, (byte) 0xFE};

        // when / then
        assertEquals(AuthResult.badCredentials(), auth.authenticate("Basic " + b64(raw), "192.0.2.1"));
    }

    @Test
    void hugeHeaderIsMalformedWithoutBeingDecoded() {
        // given
        String header = "Basic " + b64(("alice:" + "x".repeat(1 << 20)).getBytes(UTF_8));

        // when / then
        assertEquals(AuthResult.malformed(), auth.authenticate(header, "192.0.2.1"));
    }

    @Test
    void nullClientAddressIsTolerated() {
        // given / when / then
        assertEquals(AuthResult.badCredentials(), auth.authenticate("Basic " + b64("alice:nope".getBytes(UTF_8)), null));
    }

    @Test
    void randomBytesNeverThrow() {
        // given
        Random random = new Random(7);

        // when / then: every answer is one of the statuses, none is an exception
        for (int i = 0; i < 5_000; i++) {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            String header = switch (i % 3) {
                case 0 -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                case 1 -> "Basic " + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
                default -> "Basic " + b64(b);
            };
            AuthResult r = auth.authenticate(header, "192.0.2." + (i % 250));
            assertEquals(false, r.status() == AuthResult.Status.OK, header);
        }
    }
}
