package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

    @Test
    void ordersBySemverPrecedenceExamplesFromTheSpec() {
        // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
        // < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1
        List<String> expected = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1");
        List<Version> shuffled = new ArrayList<>(expected.stream().map(Version::parse).toList());
        Collections.shuffle(shuffled, new java.util.Random(7));

        Collections.sort(shuffled);

        assertEquals(expected, shuffled.stream().map(Version::toString).toList());
    }

    @Test
    void versionsAreEqualWhenEveryPartIsAndOnlyThen() {
        // given
        Version v = Version.parse("1.2.3-rc.1+b5");

        // then
        assertEquals(Version.parse("1.2.3-rc.1+b5"), v);
        assertEquals(Version.parse("1.2.3-rc.1+b5").hashCode(), v.hashCode());
        assertEquals(new Version(1, 2, 3, List.of("rc", "1"), "b5"), v);
        for (String other : List.of("2.2.3-rc.1+b5", "1.3.3-rc.1+b5", "1.2.4-rc.1+b5", "1.2.3-rc.2+b5", "1.2.3+b5",
                "1.2.3-rc.1+b6", "1.2.3-rc.1")) {
            assertNotEquals(Version.parse(other), v, other);
        }
        assertNotEquals(v, "1.2.3-rc.1+b5");
        assertNotEquals(v, null);
    }

    @Test
    void numericIdentifiersCompareNumericallyNotLexically() {
        assertTrue(Version.parse("1.0.0-rc.9").compareTo(Version.parse("1.0.0-rc.10")) < 0);
        assertTrue(Version.parse("1.9.0").compareTo(Version.parse("1.10.0")) < 0);
    }

    @Test
    void buildMetadataDoesNotTakePartInPrecedence() {
        Version a = Version.parse("1.0.0+20130313144700");
        Version b = Version.parse("1.0.0+exp.sha.5114f85");

        assertEquals(0, a.comparePrecedence(b));
        assertEquals("1.0.0+exp.sha.5114f85", b.toString());
    }

    @Test
    void parsesAllParts() {
        Version v = Version.parse("1.4.0-rc.1+build.7");

        assertEquals(1, v.major());
        assertEquals(4, v.minor());
        assertEquals(0, v.patch());
        assertEquals(List.of("rc", "1"), v.preRelease());
        assertEquals("build.7", v.build());
        assertTrue(v.isPreRelease());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.0", "01.0.0", "1.01.0", "1.0.0-", "1.0.0+", "1.0.0-01", "1.0.0-a..b",
            "1.0.0 ", "1.0.0\u0000", "a.b.c", "1.0.0-é", "99999999999999999999.0.0"})
    void rejectsWhatIsNotSemver(String text) {
        BundleException e = assertThrows(BundleException.class, () -> Version.parse(text));

        assertEquals(BundleException.Code.INVALID_VERSION, e.code());
    }

    @Test
    void suggestsTheFixForCommonMistakes() {
        assertTrue(assertThrows(BundleException.class, () -> Version.parse("v1.2.3")).getMessage()
                .contains("drop the 'v'"));
        assertTrue(assertThrows(BundleException.class, () -> Version.parse("1.4")).getMessage()
                .contains("1.4.0"));
    }

    @Test
    void rejectsOverlongVersions() {
        String text = "1.0.0-" + "a".repeat(200);

        assertThrows(BundleException.class, () -> Version.parse(text));
    }
}
