package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleNameTest {

    @Test
    void normalisesLikePep503() {
        assertEquals("churn-model", BundleName.parse("Churn_Model").normalized());
        assertEquals("a-b", BundleName.parse("A.-_B").normalized());
        assertTrue(BundleName.parse("churn.model").sameAs(BundleName.parse("CHURN-model")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-churn", "churn-", "..", "../etc", "a/b", "a\\b", "a b", "a\u0000b", "é", "a%2fb",
            "name:1"})
    void rejectsNamesThatAreNotNames(String text) {
        BundleException e = assertThrows(BundleException.class, () -> BundleName.parse(text));

        assertEquals(BundleException.Code.INVALID_NAME, e.code());
    }

    @Test
    void rejectsOverlongNames() {
        assertThrows(BundleException.class, () -> BundleName.parse("a".repeat(101)));
        assertEquals(100, BundleName.parse("a".repeat(100)).value().length());
    }

    @Test
    void errorMessagesEscapeControlCharacters() {
        BundleException e = assertThrows(BundleException.class, () -> BundleName.parse("a\nb"));

        assertTrue(e.getMessage().contains("a\\x0ab"), e.getMessage());
    }
}
