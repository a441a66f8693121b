package io.pkgr.cli.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyManagementException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/**
 * The parameters an HttpClient copies from the lazy context are the running JDK's defaults, field
 * by field: a JDK whose defaults differ from what the final getters are set to fails here.
 */
class LazyDefaultSslContextTest {

    @Test
    void theDefaultParametersAreTheJdkDefaultContextsEveryOne() throws Exception {
        SSLParameters jdk = SSLContext.getDefault().getDefaultSSLParameters();

        SSLParameters lazy = LazyDefaultSslContext.INSTANCE.getDefaultSSLParameters();

        assertArrayEquals(jdk.getProtocols(), lazy.getProtocols());
        assertArrayEquals(jdk.getCipherSuites(), lazy.getCipherSuites());
        assertArrayEquals(jdk.getApplicationProtocols(), lazy.getApplicationProtocols());
        assertEquals(jdk.getEndpointIdentificationAlgorithm(), lazy.getEndpointIdentificationAlgorithm());
        assertEquals(jdk.getAlgorithmConstraints().getClass(), lazy.getAlgorithmConstraints().getClass());
        assertEquals(jdk.getNeedClientAuth(), lazy.getNeedClientAuth());
        assertEquals(jdk.getWantClientAuth(), lazy.getWantClientAuth());
        assertEquals(jdk.getEnableRetransmissions(), lazy.getEnableRetransmissions());
        assertEquals(jdk.getMaximumPacketSize(), lazy.getMaximumPacketSize());
        assertEquals(jdk.getServerNames(), lazy.getServerNames());
        assertEquals(jdk.getSNIMatchers(), lazy.getSNIMatchers());
        assertEquals(jdk.getUseCipherSuitesOrder(), lazy.getUseCipherSuitesOrder());
    }

    @Test
    void theContextCannotBeReinitialisedAsTheJdksDefaultCannot() {
        assertThrows(KeyManagementException.class, () -> LazyDefaultSslContext.INSTANCE.init(null, null, null));
    }
}
