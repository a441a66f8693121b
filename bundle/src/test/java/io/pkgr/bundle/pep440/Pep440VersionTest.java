package io.pkgr.bundle.pep440;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing, normal forms and order as {@code packaging.version.Version} has them. */
class Pep440VersionTest {

    @ParameterizedTest
    @CsvSource({
        "1.0-ALPHA.1, 1.0a1",
        "v1.0, 1.0",
        "1.0.post-2, 1.0.post2",
        "1.0-2, 1.0.post2",
        "1.0c1, 1.0rc1",
        "1!2.0.dev, 1!2.0.dev0",
        "1.0+Ubuntu-1, 1.0+ubuntu.1",
        "01.002, 1.2"
    })
    void aVersionIsPrintedInItsNormalForm(String given, String normal) {
        assertEquals(normal, Pep440Version.parse(given).toString());
    }

    @Test
    void versionsSortInPep440Order() {
        List<String> sorted = List.of("1.0.dev0", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0",
                "1.0+local", "1.0.post1.dev0", "1.0.post1", "1.1", "1!0.1");
        List<String> shuffled = Stream.of("1.1", "1!0.1", "1.0", "1.0rc1", "1.0a2", "1.0.post1", "1.0b1",
                "1.0.dev0", "1.0+local", "1.0a1", "1.0.post1.dev0", "1.0a2.dev1")
                .map(Pep440Version::parse).sorted().map(Pep440Version::toString).toList();
        assertEquals(sorted, shuffled);
    }

    @Test
    void trailingZerosDoNotMakeAnotherVersion() {
        assertEquals(0, Pep440Version.parse("1.0").compareTo(Pep440Version.parse("1.0.0")));
    }

    @Test
    void textThatIsNotAVersionIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pep440Version.parse("three"));
        assertEquals("'three' is not a PEP 440 version", e.getMessage());
        assertFalse(Pep440Version.isValid("1.0.*"));
        assertFalse(Pep440Version.isValid("1".repeat(Pep440Version.MAX_LENGTH + 1)));
    }

    @Test
    void preAndDevReleasesArePreReleases() {
        assertTrue(Pep440Version.parse("1.0rc1").isPreRelease());
        assertTrue(Pep440Version.parse("1.0.dev3").isPreRelease());
        assertFalse(Pep440Version.parse("1.0.post1").isPreRelease());
    }
}
