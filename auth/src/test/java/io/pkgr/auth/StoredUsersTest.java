package io.pkgr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users kept beside the htpasswd file (a registry's database), consulted for names the file does not hold. */
class StoredUsersTest {

    @TempDir
    Path dir;

    private static final String ADMIN_HASH = HtpasswdWriter.bcryptHash("admin-pw".toCharArray(), 4);

    @Test
    void aStoredUserLogsInWithoutAnyHtpasswdFile() throws IOException {
        Authenticator auth = Authenticator.builder(dir.resolve("htpasswd"))
                .storedUsers(Map.of("admin", ADMIN_HASH)::get).build();

        assertEquals(AuthResult.ok("admin"), auth.authenticate(VerificationCacheTest.basic("admin", "admin-pw"), "10.0.0.1"));
        assertEquals(AuthResult.Status.BAD_CREDENTIALS,
                auth.authenticate(VerificationCacheTest.basic("admin", "wrong"), "10.0.0.1").status());
        assertEquals(AuthResult.Status.BAD_CREDENTIALS,
                auth.authenticate(VerificationCacheTest.basic("nobody", "admin-pw"), "10.0.0.1").status());
    }

    @Test
    void theHtpasswdFileWinsForANameInBoth() throws IOException {
        Path file = RealHtpasswd.write(dir.resolve("htpasswd"), RealHtpasswd.line("admin", "file-pw", "-B", "-C", "4"));
        Authenticator auth = Authenticator.builder(file).storedUsers(Map.of("admin", ADMIN_HASH)::get).build();

        assertEquals(AuthResult.ok("admin"), auth.authenticate(VerificationCacheTest.basic("admin", "file-pw"), "10.0.0.1"));
        assertEquals(AuthResult.Status.BAD_CREDENTIALS,
                auth.authenticate(VerificationCacheTest.basic("admin", "admin-pw"), "10.0.0.1").status());
    }

    @Test
    void withoutStoredUsersAMissingHtpasswdFileStillFailsTheStart() {
        assertThrows(IOException.class, () -> Authenticator.builder(dir.resolve("htpasswd")).build());
    }
}
