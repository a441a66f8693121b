package io.pkgr.bundle.pep440;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Specifier matching as {@code packaging.specifiers.SpecifierSet(...).contains(v, prereleases=True)}. */
class Pep440SpecifierTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "3.11.2|>=3.10,<3.13|true",
        "3.11.2|==3.11.*|true",
        "3.11.2|~=3.10|true",
        "3.9.18|>=3.10|false",
        "4.0.0|~=3.10|false",
        "3.10.4|~=3.10.2|true",
        "3.11.0|~=3.10.2|false",
        "3.11.0|!=3.11.*|false",
        "3.12.0|!=3.11.*|true",
        "3.11|==3.11.0|true",
        "3.11.0+local|==3.11.0|true",
        "3.13.0rc1|>=3.10|true",
        "3.13.0rc1|<3.13|false",
        "3.13.0.post1|>3.13|false",
        "3.13.1|>3.13|true",
        "3.12.0|<=3.12|true",
        "3.12.1|<=3.12|false",
        "3.12.1|===3.12.1|true",
        "3.12.1|===3.12.01|false",
        "3.12.1| >= 3.10 , < 4 |true"
    })
    void aVersionSatisfiesASpecifierAsPep440Says(String version, String specifier, boolean expected) {
        assertEquals(expected, Pep440Specifier.parse(specifier).contains(Pep440Version.parse(version)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"three", "", ">=", ">=3.10,", "3.10", ">=3.10.*", "~=3", "~=3.1.*", "<3.10+local", "=>3.10", "==3.11rc1.*"})
    void aBadSpecifierIsRefusedWithItsText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pep440Specifier.parse(text));
        assertEquals("'" + text + "' is not a PEP 440 version specifier", e.getMessage());
        assertFalse(Pep440Specifier.isValid(text));
    }
}
