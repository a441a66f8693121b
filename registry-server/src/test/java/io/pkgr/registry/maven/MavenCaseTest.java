package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ErrorCode;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.storage.BlobStore;
import io.undertow.server.HttpServerExchange;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** Maven paths on a store that does not tell upper from lower case (a macOS or Windows data directory). */
class MavenCaseTest {

    /** A store that answers only whether it tells case apart. */
    private static BlobStore store(boolean caseSensitive) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("caseSensitive")) {
                        return caseSensitive;
                    }
                    throw new AssertionError("not asked of the store: " + method.getName());
                });
    }

    private static MavenPath path(String requestPath, BlobStore store) {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setRequestPath(requestPath);
        return MavenRoutes.path(exchange, store);
    }

    @Test
    void upperCaseOnACaselessStoreIsRefusedSayingWhy() {
        for (String requestPath : new String[] {"/maven/Org/foo/lib/1.0/lib-1.0.jar", "/maven/org/foo/Lib/1.0/Lib-1.0.jar",
                "/maven/org/foo/lib/1.0-RC/lib-1.0-RC.jar", "/maven/org/foo/lib/1.0/lib-1.0-Sources.jar"}) {
            ApiException refused = assertThrows(ApiException.class, () -> path(requestPath, store(false)), requestPath);
            assertEquals(ErrorCode.MAVEN_PATH_INVALID, refused.code());
            assertTrue(refused.getMessage().contains("does not tell upper from lower case"), refused.getMessage());
        }
    }

    @Test
    void lowerCaseOnACaselessStoreAndAnyCaseOnACaseSensitiveOneArePaths() {
        assertEquals("org.foo:lib", path("/maven/org/foo/lib/1.0/lib-1.0.jar", store(false)).coordinates());
        assertEquals("Org.Foo:Lib", path("/maven/Org/Foo/Lib/1.0/Lib-1.0.jar", store(true)).coordinates());
    }
}
