package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verification cache, observed through the count of real hash verifications. */
class VerificationCacheTest {

    static String alice;
    static String aliceNew;
    static String bob;

    @TempDir
    Path dir;

    private final ManualTicker ticker = new ManualTicker();
    private final AtomicInteger verifications = new AtomicInteger();
    private Path file;
    private Authenticator auth;

    @BeforeAll
    static void hashOnce() {
        alice = RealHtpasswd.line("alice", "pw-alice", "-B", "-C", "4");
        aliceNew = RealHtpasswd.line("alice", "pw-alice-2", "-B", "-C", "4");
        bob = RealHtpasswd.line("bob", "pw-bob", "-B", "-C", "4");
    }

    @BeforeEach
    void start() throws IOException {
        file = RealHtpasswd.write(dir.resolve("htpasswd"), alice, bob);
        auth = builder().build();
    }

    private Authenticator.Builder builder() {
        return Authenticator.builder(file).ticker(ticker).reloadInterval(Duration.ofDays(1))
                .verifier((hash, pw) -> {
                    verifications.incrementAndGet();
                    return hash.matches(pw);
                });
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    @Test
    void secondCheckOfTheSameCredentialsDoesNoHashing() {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // when
        AuthResult second = auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // then
        assertEquals(AuthResult.ok("alice"), second);
        assertEquals(1, verifications.get());
        assertEquals(1, auth.cacheHits());
        assertEquals(1, auth.cacheMisses());
    }

    @Test
    void wrongPasswordIsNeverCached() {
        // given
        auth.authenticate(basic("alice", "wrong"), "10.0.0.1");

        // when
        AuthResult second = auth.authenticate(basic("alice", "wrong"), "10.0.0.1");

        // then
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, second.status());
        assertEquals(2, verifications.get());
        assertEquals(0, auth.cacheHits());
    }

    @Test
    void cachedPasswordDoesNotLetAnotherPasswordIn() {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // when
        AuthResult other = auth.authenticate(basic("alice", "pw-alice-2"), "10.0.0.1");

        // then
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, other.status());
    }

    @Test
    void changedPasswordInvalidatesTheCachedOne() throws IOException {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // when
        RealHtpasswd.write(file, aliceNew, bob);
        auth.htpasswdFile().checkNow();

        // then
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1").status());
        assertEquals(AuthResult.ok("alice"), auth.authenticate(basic("alice", "pw-alice-2"), "10.0.0.1"));
    }

    @Test
    void reloadPurgesOnlyTheEntriesOfUsersWhoseLineChanged() throws IOException {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");
        auth.authenticate(basic("bob", "pw-bob"), "10.0.0.1");

        // when
        RealHtpasswd.write(file, aliceNew, bob);
        auth.htpasswdFile().checkNow();
        int before = verifications.get();
        auth.authenticate(basic("bob", "pw-bob"), "10.0.0.1");

        // then
        assertEquals(1, auth.cache().size());
        assertEquals(before, verifications.get(), "bob is still cached");
    }

    @Test
    void removedUserIsRefusedEvenThoughCached() throws IOException {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // when
        RealHtpasswd.write(file, bob);
        auth.htpasswdFile().checkNow();

        // then
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1").status());
    }

    @Test
    void entryExpiresAfterTheTtl() {
        // given
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // when
        ticker.advance(Duration.ofMinutes(10));
        auth.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // then
        assertEquals(2, verifications.get());
    }

    @Test
    void unknownUserPaysOneRealVerification() {
        // given / when
        AuthResult r = auth.authenticate(basic("mallory", "pw-alice"), "10.0.0.1");

        // then
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, r.status());
        assertEquals(1, verifications.get());
    }

    @Test
    void cacheStaysWithinItsSizeBound() throws IOException {
        // given
        Authenticator small = builder().cacheMaxEntries(10).build();

        // when
        for (int i = 0; i < 50; i++) {
            VerificationCache.Key k = small.cache().keyOf("alice", ("pw" + i).getBytes(UTF_8));
            small.cache().put(k, "alice", PasswordHash.parse("plain").orElseThrow());
        }

        // then
        assertTrue(small.cache().size() <= 10, "size " + small.cache().size());
    }

    @Test
    void zeroTtlDisablesTheCache() throws IOException {
        // given
        Authenticator uncached = builder().cacheTtl(Duration.ZERO).build();

        // when
        uncached.authenticate(basic("alice", "pw-alice"), "10.0.0.1");
        uncached.authenticate(basic("alice", "pw-alice"), "10.0.0.1");

        // then
        assertEquals(2, verifications.get());
        assertFalse(uncached.cacheHits() > 0);
    }
}
