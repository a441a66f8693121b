package io.pkgr.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adding, updating and removing users, checked by Apache's own {@code htpasswd -v}. */
class HtpasswdWriterTest {

    @TempDir
    Path dir;

    @Test
    void addedUserIsAcceptedByApacheHtpasswd() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");

        // when
        boolean existed = new HtpasswdWriter(p, 4).put("admin", "s3cret-€".toCharArray());

        // then
        assertFalse(existed);
        assertTrue(RealHtpasswd.verifies(p, "admin", "s3cret-€"));
        assertFalse(RealHtpasswd.verifies(p, "admin", "s3cret"));
        assertTrue(Files.readString(p).startsWith("admin:$2y$04$"));
    }

    @Test
    void newFileIsCreatedWithMode0600() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");

        // when
        new HtpasswdWriter(p, 4).put("admin", "pw".toCharArray());

        // then
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void rewriteKeepsTheModeOfAnExistingFile() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), "bob:plain");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));

        // when
        new HtpasswdWriter(p, 4).put("admin", "pw".toCharArray());

        // then
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void defaultCostIsTwelveWithTheTwoYPrefix() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");

        // when
        new HtpasswdWriter(p).put("admin", "pw".toCharArray());

        // then
        assertTrue(Files.readString(p).startsWith("admin:$2y$12$"));
    }

    @Test
    void updatingAUserKeepsEveryOtherLineByteForByte() throws IOException {
        // given
        String before = "# accounts of team A\r\nbob:plain\r\n\r\nadmin:old\r\n  # trailing comment\r\ncarol:{SHA}abc\r\n";
        Path p = dir.resolve("htpasswd");
        Files.writeString(p, before);

        // when
        boolean existed = new HtpasswdWriter(p, 4).put("admin", "new-pw".toCharArray());

        // then
        assertTrue(existed);
        String after = Files.readString(p);
        String[] lines = after.split("\n", -1);
        assertEquals("# accounts of team A\r", lines[0]);
        assertEquals("bob:plain\r", lines[1]);
        assertEquals("\r", lines[2]);
        assertTrue(lines[3].startsWith("admin:$2y$04$"));
        assertEquals("  # trailing comment\r", lines[4]);
        assertEquals("carol:{SHA}abc\r", lines[5]);
        assertTrue(RealHtpasswd.verifies(p, "admin", "new-pw"));
    }

    @Test
    void updatingAUserWithDuplicateLinesLeavesOneLine() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), "admin:one", "bob:plain", "admin:two");

        // when
        new HtpasswdWriter(p, 4).put("admin", "three".toCharArray());

        // then
        assertEquals(1, Files.readAllLines(p).stream().filter(l -> l.startsWith("admin:")).count());
        assertTrue(HtpasswdFile.open(p).verify("admin", "three".getBytes(UTF_8)));
    }

    @Test
    void userIsAppendedAfterALastLineWithoutNewline() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");
        Files.writeString(p, "bob:plain");

        // when
        new HtpasswdWriter(p, 4).put("admin", "pw".toCharArray());

        // then
        assertEquals(Set.of("admin", "bob"), HtpasswdFile.open(p).users());
    }

    @Test
    void removingAUserKeepsTheOthersAndComments() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), "# comment", "bob:plain", "admin:x", "carol:plain2");

        // when
        boolean removed = new HtpasswdWriter(p, 4).remove("admin");

        // then
        assertTrue(removed);
        assertEquals("# comment\nbob:plain\ncarol:plain2\n", Files.readString(p));
    }

    @Test
    void removingAnAbsentUserChangesNothing() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), "bob:plain");
        var mtime = Files.getLastModifiedTime(p);

        // when
        boolean removed = new HtpasswdWriter(p, 4).remove("admin");

        // then
        assertFalse(removed);
        assertEquals(mtime, Files.getLastModifiedTime(p));
    }

    @Test
    void usersListsTheValidEntriesSorted() throws IOException {
        // given
        Path p = RealHtpasswd.write(dir.resolve("htpasswd"), "zoe:plain", "# x", "adam:plain", "broken");

        // when / then
        assertEquals(java.util.List.of("adam", "zoe"), java.util.List.copyOf(new HtpasswdWriter(p).users()));
        assertEquals(Set.of(), new HtpasswdWriter(dir.resolve("absent")).users());
    }

    @Test
    void userNameThatHtpasswdCannotHoldIsRefused() {
        // given
        HtpasswdWriter writer = new HtpasswdWriter(dir.resolve("htpasswd"), 4);

        // when / then
        for (String bad : new String[] {"", "a:b", "tab\tname", " padded", "#comment", "x".repeat(256)}) {
            assertThrows(IllegalArgumentException.class, () -> writer.put(bad, "pw".toCharArray()), bad);
        }
        assertFalse(Files.exists(dir.resolve("htpasswd")));
    }

    @Test
    void costOutsideApacheRangeIsRefused() {
        // given / when / then
        assertThrows(IllegalArgumentException.class, () -> new HtpasswdWriter(dir.resolve("h"), 3));
        assertThrows(IllegalArgumentException.class, () -> new HtpasswdWriter(dir.resolve("h"), 18));
    }

    @Test
    void noTempFileIsLeftBehind() throws IOException {
        // given
        Path p = dir.resolve("htpasswd");

        // when
        new HtpasswdWriter(p, 4).put("admin", "pw".toCharArray());
        new HtpasswdWriter(p, 4).remove("admin");

        // then
        try (var files = Files.list(dir)) {
            assertEquals(Set.of("htpasswd", ".htpasswd.lock"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }
}
