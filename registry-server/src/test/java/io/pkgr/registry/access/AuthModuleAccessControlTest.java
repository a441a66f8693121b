package io.pkgr.registry.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.auth.AccessRules;
import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Authenticator;
import io.pkgr.auth.HtpasswdWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthModuleAccessControlTest {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aHeaderIsCachedOnlyAfterItsCheckSucceeded(@TempDir Path dir) throws Exception {
        Path htpasswd = dir.resolve("htpasswd");
        new HtpasswdWriter(htpasswd, 4).put("alice", "secret".toCharArray());
        Path rules = dir.resolve("access.yaml");
        Files.writeString(rules, "rules: []\n");
        AuthModuleAccessControl access = new AuthModuleAccessControl(Authenticator.builder(htpasswd).build(),
                AccessRules.load(rules));
        InetAddress client = InetAddress.getLoopbackAddress();
        String good = basic("alice", "secret");
        String bad = basic("alice", "wrong");

        assertTrue(access.isCached(null), "no credentials: nothing to verify");
        assertFalse(access.isCached(good), "never checked: a hash check is due, on a worker");
        assertEquals(AuthResult.Status.OK, access.authenticate(good, client).status());
        assertTrue(access.isCached(good));
        assertEquals(AuthResult.Status.BAD_CREDENTIALS, access.authenticate(bad, client).status());
        assertFalse(access.isCached(bad), "a failed check is never a hint");
    }
}
