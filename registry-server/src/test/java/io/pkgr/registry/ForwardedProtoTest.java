package io.pkgr.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.http.TrustedProxies;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a TLS-terminating proxy the registry hears plain HTTP: the scheme the browser used comes
 * from the proxy's {@code X-Forwarded-Proto}, believed from a {@code --trusted-proxies} peer only.
 * It decides the session cookie's {@code Secure} and the origin a login form must come from.
 */
class ForwardedProtoTest {

    @TempDir
    Path tmp;
    TestRegistry registry;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void behindATrustedTlsProxyTheSessionCookieIsSecure() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.toBuilder().trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build());

        HttpResponse<String> login = login("https", "https://" + hostAndPort());

        assertEquals(303, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; Secure") || cookie.contains(";Secure"), cookie);
    }

    @Test
    void behindATrustedProxyAPlainHttpRequestGetsNoSecureCookie() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.toBuilder().trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build());

        HttpResponse<String> login = login("http", null);

        assertEquals(303, login.statusCode(), login.body());
        assertFalse(login.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));
    }

    @Test
    void fromAPeerThatIsNotTrustedTheHeaderIsIgnored() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));

        HttpResponse<String> plain = login("https", null);
        HttpResponse<String> claimedOrigin = login("https", "https://" + hostAndPort());

        assertEquals(303, plain.statusCode(), plain.body());
        assertFalse(plain.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"), "scheme unchanged");
        assertEquals(403, claimedOrigin.statusCode(), "the origin is checked against the scheme this registry heard");
        assertTrue(claimedOrigin.headers().firstValue("Set-Cookie").isEmpty());
    }

    @Test
    void aValueOtherThanHttpOrHttpsIsIgnored() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"), c -> c.toBuilder().trustedProxies(TrustedProxies.parse("127.0.0.1/32")).build());

        HttpResponse<String> login = login("javascript", null);

        assertEquals(303, login.statusCode(), login.body());
        assertFalse(login.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));
    }

    private String hostAndPort() {
        return "127.0.0.1:" + registry.server.port();
    }

    private HttpResponse<String> login(String forwardedProto, String origin) {
        HttpRequest.Builder request = registry.request("/ui/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-Proto", forwardedProto)
                .POST(HttpRequest.BodyPublishers.ofString("user=bob&password=bob-pw"));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return registry.send(request.build());
    }
}
