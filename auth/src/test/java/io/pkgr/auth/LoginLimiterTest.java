package io.pkgr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed logins per address and per user, on a clock the test moves. */
class LoginLimiterTest {

    static String alice;

    @TempDir
    Path dir;

    private final ManualTicker ticker = new ManualTicker();
    private Authenticator auth;

    @BeforeAll
    static void hashOnce() {
        alice = RealHtpasswd.line("alice", "pw-alice", "-B", "-C", "4");
    }

    @BeforeEach
    void start() throws IOException {
        auth = Authenticator.builder(RealHtpasswd.write(dir.resolve("htpasswd"), alice, "bob:plain-bob"))
                .ticker(ticker).maxFailures(3).failureWindow(Duration.ofMinutes(1)).blockDuration(Duration.ofSeconds(90))
                .build();
    }

    private AuthResult login(String user, String password, String address) {
        return auth.authenticate(VerificationCacheTest.basic(user, password), address);
    }

    @Test
    void addressIsBlockedAfterTooManyFailuresWithTheWaitInSeconds() {
        // given
        for (int i = 0; i < 3; i++) {
            login("user" + i, "guess", "203.0.113.9");
        }

        // when
        AuthResult r = login("alice", "pw-alice", "203.0.113.9");

        // then
        assertEquals(AuthResult.rateLimited(90), r);
    }

    @Test
    void userIsBlockedAfterTooManyFailuresFromAnyAddresses() {
        // given
        for (int i = 0; i < 3; i++) {
            login("alice", "guess", "198.51.100." + i);
        }

        // when
        AuthResult r = login("alice", "pw-alice", "192.0.2.77");

        // then
        assertEquals(AuthResult.Status.RATE_LIMITED, r.status());
    }

    @Test
    void blockEndsWhenItsTimeIsUp() {
        // given
        for (int i = 0; i < 3; i++) {
            login("alice", "guess", "203.0.113.9");
        }

        // when
        ticker.advance(Duration.ofSeconds(89));
        AuthResult during = login("alice", "pw-alice", "203.0.113.9");
        ticker.advance(Duration.ofSeconds(1));
        AuthResult after = login("alice", "pw-alice", "203.0.113.9");

        // then
        assertEquals(AuthResult.rateLimited(1), during);
        assertEquals(AuthResult.ok("alice"), after);
    }

    @Test
    void successDoesNotUnblockABlockedUserEarly() {
        // given
        for (int i = 0; i < 3; i++) {
            login("alice", "guess", "198.51.100." + i);
        }

        // when: the right password, from a clean address, many times
        for (int i = 0; i < 5; i++) {
            login("alice", "pw-alice", "192.0.2.1");
        }
        ticker.advance(Duration.ofSeconds(30));

        // then
        assertEquals(AuthResult.rateLimited(60), login("alice", "pw-alice", "192.0.2.1"));
    }

    @Test
    void successResetsTheCountOfAUserThatIsNotBlocked() {
        // given
        login("alice", "typo", "192.0.2.1");
        login("alice", "typo", "192.0.2.2");
        login("alice", "pw-alice", "192.0.2.3");

        // when
        login("alice", "typo", "192.0.2.4");
        login("alice", "typo", "192.0.2.5");

        // then
        assertEquals(AuthResult.ok("alice"), login("alice", "pw-alice", "192.0.2.6"));
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        // given
        login("alice", "typo", "192.0.2.1");
        login("alice", "typo", "192.0.2.1");

        // when
        ticker.advance(Duration.ofMinutes(1));
        login("alice", "typo", "192.0.2.1");

        // then
        assertEquals(AuthResult.ok("alice"), login("alice", "pw-alice", "192.0.2.1"));
    }

    @Test
    void goodLoginOnOneAccountDoesNotResetTheCountOfItsAddress() {
        // given: an attacker owns bob and guesses other users' passwords
        login("carol", "guess", "203.0.113.9");
        login("dave", "guess", "203.0.113.9");

        // when
        login("bob", "plain-bob", "203.0.113.9");
        login("erin", "guess", "203.0.113.9");

        // then
        assertEquals(AuthResult.Status.RATE_LIMITED, login("bob", "plain-bob", "203.0.113.9").status());
    }

    @Test
    void memoryStaysBoundedUnderAFloodOfDistinctAddresses() {
        // given
        FailureLimiter limiter = new FailureLimiter(3, Duration.ofMinutes(1).toNanos(), Duration.ofMinutes(5).toNanos(),
                10_000, ticker);

        // when
        for (int i = 0; i < 100_000; i++) {
            limiter.recordFailure("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff));
        }

        // then
        assertTrue(limiter.size() <= 10_000, "tracked keys: " + limiter.size());
    }

    @Test
    void floodOfDistinctAddressesDoesNotEvictABlockedOne() {
        // given
        FailureLimiter limiter = new FailureLimiter(3, Duration.ofMinutes(1).toNanos(), Duration.ofMinutes(5).toNanos(),
                1_000, ticker);
        for (int i = 0; i < 3; i++) {
            limiter.recordFailure("203.0.113.9");
        }

        // when
        for (int i = 0; i < 100_000; i++) {
            limiter.recordFailure("flood-" + i);
        }

        // then
        assertTrue(limiter.blockedForNanos("203.0.113.9") > 0);
        assertTrue(limiter.size() <= 1_000);
    }
}
