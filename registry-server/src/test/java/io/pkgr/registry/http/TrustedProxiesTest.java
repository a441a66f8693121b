package io.pkgr.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void blocksMatchByPrefixForIpv4AndIpv6() throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.128/25,::1,fd00::/8");
        assertTrue(proxies.contains(ip("10.255.0.1")));
        assertFalse(proxies.contains(ip("11.0.0.1")));
        assertTrue(proxies.contains(ip("192.168.1.200")));
        assertFalse(proxies.contains(ip("192.168.1.100")));
        assertTrue(proxies.contains(ip("::1")));
        assertTrue(proxies.contains(ip("fd12::5")));
        assertFalse(proxies.contains(ip("fe80::1")));
    }

    @Test
    void theSchemeIsTheLastForwardedProtoOfATrustedPeer() throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");

        assertEquals("https", proxies.scheme(ip("10.0.0.2"), List.of("HTTPS")));
        assertEquals("http", proxies.scheme(ip("10.0.0.2"), List.of("https, http")), "the hop next to the server");
        assertEquals("https", proxies.scheme(ip("10.0.0.2"), List.of("http", "https")));
        assertEquals(null, proxies.scheme(ip("198.51.100.1"), List.of("https")), "an untrusted peer is not believed");
        assertEquals(null, proxies.scheme(ip("10.0.0.2"), List.of("ftp")));
        assertEquals(null, proxies.scheme(ip("10.0.0.2"), null));
        assertEquals(null, TrustedProxies.NONE.scheme(ip("10.0.0.2"), List.of("https")));
    }

    @Test
    void theClientIsTheRightmostUntrustedHopAndOnlyBehindATrustedPeer() throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        // a trusted balancer that appended the client after a forged value
        assertEquals(ip("203.0.113.7"), proxies.client(ip("10.0.0.2"), List.of("6.6.6.6, 203.0.113.7")));
        // two trusted hops, and the header split over two lines
        assertEquals(ip("203.0.113.7"), proxies.client(ip("10.0.0.2"), List.of("6.6.6.6, 203.0.113.7", "10.1.1.1")));
        // an untrusted peer's header is ignored
        assertEquals(ip("198.51.100.1"), proxies.client(ip("198.51.100.1"), List.of("203.0.113.7")));
        // garbage ends the walk: the hop after it is the client
        assertEquals(ip("203.0.113.7"), proxies.client(ip("10.0.0.2"), List.of("evil.example, 203.0.113.7")));
        assertEquals(ip("10.0.0.2"), proxies.client(ip("10.0.0.2"), List.of("unknown")));
        // every hop trusted: the leftmost is as far as we can see
        assertEquals(ip("10.0.0.9"), proxies.client(ip("10.0.0.2"), List.of("10.0.0.9")));
        // bracketed IPv6 and an IPv4 port, as some proxies write them
        assertEquals(ip("2001:db8::1"), proxies.client(ip("10.0.0.2"), List.of("[2001:db8::1]:443")));
        assertEquals(ip("203.0.113.7"), proxies.client(ip("10.0.0.2"), List.of("203.0.113.7:5000")));
        // no header, no list: the peer
        assertEquals(ip("10.0.0.2"), proxies.client(ip("10.0.0.2"), null));
        assertEquals(ip("10.0.0.2"), TrustedProxies.NONE.client(ip("10.0.0.2"), List.of("203.0.113.7")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.internal", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0", "1", "256.1.1.1",
            "::1/129", "[::1]", "10.0.0.1:80", "cafe", "10.0.0.0/8x"})
    void badEntriesAreRefusedByName(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/8," + entry));
        assertTrue(e.getMessage().contains(entry), e.getMessage());
    }

    @Test
    void literalsNeverLookUpNames() {
        assertNull(TrustedProxies.literal("localhost"));
        assertNull(TrustedProxies.literal("cafe"));
        assertNull(TrustedProxies.literal("1"));
        assertTrue(TrustedProxies.parse(" ").isEmpty());
    }
}
