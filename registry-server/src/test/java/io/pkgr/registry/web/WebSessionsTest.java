package io.pkgr.registry.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.catalog.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebSessionsTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-01T08:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final Map<String, String> passwords = new HashMap<>(Map.of("bob", "hash-1"));
    private final MemorySessions store = new MemorySessions(clock);
    private final WebSessions sessions = new WebSessions(store, user -> Optional.ofNullable(passwords.get(user)), clock);

    @Test
    void aSessionEndsWhenItsUserIsGoneOrHasANewPasswordHoweverTheRegistryLearntIt() throws Exception {
        String token = sessions.create("bob");
        assertEquals("bob", sessions.find(token).orElseThrow().user());

        passwords.put("bob", "hash-2"); // a new password, e.g. in the file a restarted registry read
        assertTrue(sessions.find(token).isEmpty());
        String made = sessions.create("bob");
        passwords.put("bob", "hash-1"); // a replica that has not read the new file yet
        assertTrue(sessions.find(made).isEmpty(), "refused there");
        passwords.put("bob", "hash-2"); // and once it has, the new session works: it was not ended
        assertTrue(sessions.find(made).isPresent());

        String again = sessions.create("bob");
        passwords.remove("bob");
        assertTrue(sessions.find(again).isEmpty());
    }

    @Test
    void aSessionEndsAfterItsTimeAndAMalformedCookieIsNoSession() throws Exception {
        String token = sessions.create("bob");
        clock.now = clock.now.plus(WebSessions.TTL).minusSeconds(1);
        assertTrue(sessions.find(token).isPresent());
        clock.now = clock.now.plusSeconds(1);
        assertTrue(sessions.find(token).isEmpty());

        for (String cookie : new String[] {null, "", "x", token + "A", token.replace(token.charAt(0), '.'), "'; DROP TABLE web_sessions; --"}) {
            assertTrue(sessions.find(cookie).isEmpty(), String.valueOf(cookie));
        }
    }

    @Test
    void aBasicUsersFormTokenHoldsForItsWindowAndTheNextThenExpires() {
        String token = sessions.basicCsrf("bob");
        assertTrue(sessions.acceptsBasicCsrf("bob", token));
        assertFalse(sessions.acceptsBasicCsrf("alice", token), "another user's");
        clock.now = clock.now.plus(Duration.ofHours(12));
        assertTrue(sessions.acceptsBasicCsrf("bob", token), "a page open across the window's end");
        clock.now = clock.now.plus(Duration.ofHours(12));
        assertFalse(sessions.acceptsBasicCsrf("bob", token), "a leaked token does not work forever");
        assertFalse(sessions.acceptsBasicCsrf("bob", null));
    }

    @Test
    void aUserHoldsAtMostAHundredSessionsAndTheirFloodPushesNobodyElseOut() throws Exception {
        passwords.put("alice", "hash-a");
        String alices = sessions.create("alice");
        String first = sessions.create("bob");
        for (int i = 0; i < SessionStore.MAX_PER_USER; i++) {
            clock.now = clock.now.plusMillis(1);
            sessions.create("bob");
        }
        assertTrue(sessions.find(first).isEmpty(), "bob's oldest made room");
        assertTrue(sessions.find(alices).isPresent(), "alice is still logged in");
    }
}
