package io.pkgr.registry.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditQueryTest {

    private static AuditEvent event(String action, String name) {
        return new AuditEvent(Instant.parse("2026-12-01T00:00:00Z"), action, AuditEvent.OK, 201, null, "alice", null, null,
                "127.0.0.1", "PUT", "/", name, "1.0", null, null);
    }

    private static boolean shows(String pattern, AuditEvent event) {
        return new AuditQuery(null, null, pattern, null, null, null).matches(event);
    }

    @Test
    void mavenCoordinatesMatchAsSpelledAsTheAccessRulesMatchThem() {
        AuditEvent dashed = event("maven-deploy", "org.foo-bar:lib");

        assertTrue(shows("org.foo-bar:*", dashed));
        assertTrue(shows("org.foo-*", dashed));
        assertFalse(shows("org.foo.bar:*", dashed), "another group, not a respelling");
        assertFalse(shows("org.foo_bar:*", dashed));
        assertFalse(shows("Org.Foo-Bar:*", dashed));
    }

    @Test
    void bundleAndPypiNamesStillMatchFolded() {
        assertTrue(shows("Churn_Model", event("publish", "churn-model")));
        assertTrue(shows("churn.*", event("pypi-upload", "churn-model")));
        assertFalse(shows("other-*", event("publish", "churn-model")));
    }
}
