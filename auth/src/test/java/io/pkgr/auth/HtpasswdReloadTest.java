package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file changes under a running server: valid, broken, truncated, and while others read. */
class HtpasswdReloadTest {

    static String alice;
    static String bob;
    static String bobNew;

    @TempDir
    Path dir;

    @BeforeAll
    static void hashOnce() {
        alice = RealHtpasswd.line("alice", "pw-alice", "-B", "-C", "4");
        bob = RealHtpasswd.line("bob", "pw-bob", "-B", "-C", "4");
        bobNew = RealHtpasswd.line("bob", "pw-bob-2", "-B", "-C", "4");
    }

    private HtpasswdFile open(Path p) throws IOException {
        return HtpasswdFile.open(p, Duration.ofDays(1), new ManualTicker(), users -> { });
    }

    @Test
    void validNewFileReplacesTheOldOne() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice, bob);
        HtpasswdFile file = open(p);

        // when
        RealHtpasswd.write(p, bobNew);
        boolean reloaded = file.checkNow();

        // then
        assertTrue(reloaded);
        assertEquals(Set.of("bob"), file.users());
        assertTrue(file.verify("bob", "pw-bob-2".getBytes(UTF_8)));
        assertFalse(file.verify("bob", "pw-bob".getBytes(UTF_8)));
        assertFalse(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void reloadIsCheckedAtMostOncePerIntervalOnTheHotPath() throws IOException {
        // given
        ManualTicker ticker = new ManualTicker();
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice);
        HtpasswdFile file = HtpasswdFile.open(p, Duration.ofSeconds(1), ticker, users -> { });
        RealHtpasswd.write(p, bob);

        // when: less than the interval has passed
        ticker.advance(Duration.ofMillis(999));
        Set<String> before = file.users();
        ticker.advance(Duration.ofMillis(1));
        Set<String> after = file.users();

        // then
        assertEquals(Set.of("alice"), before);
        assertEquals(Set.of("bob"), after);
    }

    @Test
    void fileThatVanishedKeepsTheLastGoodVersion() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice);
        HtpasswdFile file = open(p);

        // when
        Files.delete(p);
        boolean reloaded = file.checkNow();

        // then
        assertFalse(reloaded);
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void emptyFileKeepsTheLastGoodVersion() throws IOException {
        // given: `> htpasswd` truncates before the new content is written
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice);
        HtpasswdFile file = open(p);

        // when
        Files.write(p, new byte[0]);
        file.checkNow();

        // then
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void fileCutOffInTheMiddleOfALineKeepsTheLastGoodVersion() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice, bob);
        HtpasswdFile file = open(p);
        String next = alice + "\n" + bobNew + "\n";

        // when: a writer has written half of bob's new line
        Files.writeString(p, next.substring(0, alice.length() + 1 + bobNew.length() / 2));
        file.checkNow();

        // then
        assertTrue(file.verify("bob", "pw-bob".getBytes(UTF_8)));
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));

        // and when the writer finishes
        Files.writeString(p, next);
        file.checkNow();

        // then
        assertTrue(file.verify("bob", "pw-bob-2".getBytes(UTF_8)));
    }

    @Test
    void fileWithOnlyBrokenLinesKeepsTheLastGoodVersion() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice);
        HtpasswdFile file = open(p);

        // when: someone pointed the server at the wrong file
        Files.writeString(p, "<html>\n<body>not found</body>\n</html>\n");
        file.checkNow();

        // then
        assertTrue(file.verify("alice", "pw-alice".getBytes(UTF_8)));
    }

    @Test
    void fileWithAnInvalidLineAmongValidOnesIsAppliedWithoutThatLine() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice);
        HtpasswdFile file = open(p);

        // when
        RealHtpasswd.write(p, bob, "carol:$2y$04$broken");
        file.checkNow();

        // then
        assertEquals(Set.of("bob"), file.users());
    }

    @Test
    void usersWhoseLinesChangedOrWentAwayAreReported() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice, bob);
        ConcurrentLinkedQueue<Set<String>> changes = new ConcurrentLinkedQueue<>();
        HtpasswdFile file = HtpasswdFile.open(p, Duration.ofDays(1), new ManualTicker(), changes::add);

        // when: bob changes password, alice is unchanged, carol is new
        RealHtpasswd.write(p, alice, bobNew, "carol:plain");
        file.checkNow();
        RealHtpasswd.write(p, bobNew);
        file.checkNow();

        // then
        assertEquals(java.util.List.of(Set.of("bob"), Set.of("alice", "carol")), java.util.List.copyOf(changes));
    }

    @Test
    void readersNeverFailWhileTheFileIsRewrittenOverAndOver() throws Exception {
        // given: alice is in every version of the file; the other users come and go
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), alice, bob);
        HtpasswdFile file = HtpasswdFile.open(p, Duration.ZERO, System::nanoTime, users -> { });
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger checks = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(3);
        Thread[] readers = new Thread[3];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new Thread(() -> {
                started.countDown();
                while (writing.get()) {
                    if (!file.verify("alice", "pw-alice".getBytes(UTF_8))) {
                        failures.incrementAndGet();
                    }
                    checks.incrementAndGet();
                }
            });
            readers[i].start();
        }
        started.await();

        // when: in-place rewrites (truncate + write) alternate with atomic replacements
        Path temp = dir.resolve("next");
        for (int round = 0; round < 300; round++) {
            String users = round % 2 == 0 ? alice + "\n" + bobNew + "\n" : alice + "\n" + bob + "\n# round " + round + "\n";
            if (round % 3 == 0) {
                Files.writeString(temp, users);
                Files.move(temp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(p, users);
            }
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }

        // then
        assertEquals(0, failures.get(), "failed verifications out of " + checks.get());
        assertTrue(checks.get() > 0);
    }
}
