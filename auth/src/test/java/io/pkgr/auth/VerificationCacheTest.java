package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
    void unknownUserIsCheckedAgainstTheMostExpensiveHashInTheFile() throws IOException {
        // given: the first-start admin at bcrypt cost 12 among users `htpasswd -B` wrote at its default 5
        String admin = RealHtpasswd.line("admin", "pw-admin", "-B", "-C", "12");
        String carol = RealHtpasswd.line("carol", "pw-carol", "-B", "-C", "5");
        String dave = RealHtpasswd.line("dave", "pw-dave", "-B", "-C", "5");
        RealHtpasswd.write(file, carol, admin, dave);
        List<PasswordHash> checked = new ArrayList<>();
        Authenticator mixed = Authenticator.builder(file).ticker(ticker).verifier((hash, pw) -> {
            checked.add(hash);
            return false; // the outcome does not matter here, only which hash paid for it
        }).build();

        // when
        AuthResult r = mixed.authenticate(basic("mallory", "guess"), "10.0.0.1");

        // then: an unknown name costs what the admin does, so timing cannot single the admin out
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, r.status());
        assertEquals(1, checked.size());
        assertEquals("bcrypt:12", checked.get(0).costProfile());
    }

    @Test
    void costliestHashIsRankedAcrossSchemes() {
        PasswordHash bcrypt5 = PasswordHash.parse(RealHtpasswd.line("u", "p", "-B", "-C", "5").substring(2)).orElseThrow();
        PasswordHash sha512 = PasswordHash.parse(RealHtpasswd.line("u", "p", "-5", "-r", "200000").substring(2)).orElseThrow();
        PasswordHash apr1 = PasswordHash.parse(RealHtpasswd.line("u", "p", "-m").substring(2)).orElseThrow();
        PasswordHash sha1 = PasswordHash.parse(RealHtpasswd.line("u", "p", "-s").substring(2)).orElseThrow();

        assertTrue(sha512.relativeCost() > bcrypt5.relativeCost(), "200,000 SHA-512 rounds outweigh bcrypt 5");
        assertTrue(bcrypt5.relativeCost() > apr1.relativeCost());
        assertTrue(apr1.relativeCost() > sha1.relativeCost());
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
