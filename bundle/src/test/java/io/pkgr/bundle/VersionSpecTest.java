package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionSpecTest {

    private static final List<Version> PUBLISHED = List.of("0.9.0", "1.2.0", "1.4.0", "1.4.2", "1.4.9", "1.5.0",
            "1.10.0", "2.0.0-rc.1", "2.0.0", "2.1.0-beta").stream().map(Version::parse).toList();

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource(delimiter = ';', value = {
            "1.4.0; 1.4.0",
            "==1.4.2; 1.4.2",
            "^1.4; 1.10.0",
            "^1.4.2; 1.10.0",
            "~1.4.2; 1.4.9",
            "~1.4; 1.4.9",
            ">=1.2,<2; 1.10.0",
            ">=1.2, <1.5; 1.4.9",
            "<1; 0.9.0",
            "latest; 2.0.0",
            "^2; 2.0.0",
            "^0.9; 0.9.0",
            "1.4; 1.4.9",
            ">=2.0.0-rc.1,<2.0.0; 2.0.0-rc.1",
    })
    void selectsTheHighestMatchingVersion(String spec, String expected) {
        assertEquals(Optional.of(Version.parse(expected)), VersionSpec.parse(spec).best(PUBLISHED));
    }

    @Test
    void rangesAndLatestSkipPreReleases() {
        assertFalse(VersionSpec.parse(">=1").matches(Version.parse("2.1.0-beta")));
        assertFalse(VersionSpec.parse("latest").matches(Version.parse("2.1.0-beta")));
        assertTrue(VersionSpec.parse("==2.1.0-beta").matches(Version.parse("2.1.0-beta")));
    }

    @Test
    void caretOnZeroMajorStaysWithinTheMinor() {
        VersionSpec spec = VersionSpec.parse("^0.3.1");

        assertTrue(spec.matches(Version.parse("0.3.9")));
        assertFalse(spec.matches(Version.parse("0.4.0")));
    }

    @Test
    void noMatchGivesEmpty() {
        assertEquals(Optional.empty(), VersionSpec.parse("^3").best(PUBLISHED));
    }

    @Test
    void digestPinIsPinnedAndCarriesTheDigest() {
        String hex = "ab".repeat(32);

        VersionSpec spec = VersionSpec.parse("@sha256:" + hex);

        VersionSpec.Digest digest = assertInstanceOf(VersionSpec.Digest.class, spec);
        assertEquals(hex, digest.sha256().hex());
        assertTrue(spec.isPinned());
    }

    @Test
    void onlyExactAndDigestArePinned() {
        assertTrue(VersionSpec.parse("1.4.0").isPinned());
        assertTrue(VersionSpec.parse("==1.4.0").isPinned());
        assertFalse(VersionSpec.parse("^1.4").isPinned());
        assertFalse(VersionSpec.parse("latest").isPinned());
    }

    @ParameterizedTest
    @ValueSource(strings = {"@sha256:abc", ">=", "^x", "1.4.0.0", ">=1,,<2", "!=1", "==1.4", "@md5:00"})
    void rejectsMalformedSpecsNamingTheForms(String text) {
        BundleException e = assertThrows(BundleException.class, () -> VersionSpec.parse(text));

        assertEquals(BundleException.Code.INVALID_SPEC, e.code());
        assertTrue(e.getMessage().contains("use 1.4.0"), e.getMessage());
    }

    @Test
    void bundleSpecSplitsNameAndVersion() {
        BundleSpec spec = BundleSpec.parse("churn-model==1.4.0");

        assertEquals("churn-model", spec.name().value());
        assertEquals(new VersionSpec.Exact(Version.parse("1.4.0")), spec.version());
        assertInstanceOf(VersionSpec.Latest.class, BundleSpec.parse("churn-model").version());
        assertInstanceOf(VersionSpec.Digest.class, BundleSpec.parse("churn-model@sha256:" + "0".repeat(64)).version());
        assertInstanceOf(VersionSpec.Range.class, BundleSpec.parse("churn-model>=1.2,<2").version());
        assertEquals("churn-model==1.4.0", spec.toString());
    }

    @Test
    void bundleSpecWithoutNameIsRejected() {
        assertThrows(BundleException.class, () -> BundleSpec.parse("==1.4.0"));
        assertThrows(BundleException.class, () -> BundleSpec.parse(" "));
    }
}
