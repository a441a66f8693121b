package io.pkgr.cli.registry;

import java.security.AlgorithmConstraints;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK's default TLS context ({@link SSLContext#getDefault()}), set up when a TLS connection
 * is first made instead of when an {@code HttpClient} is built. Setting it up loads the JSSE
 * provider and parses the trust store (a fifth of a second), which a registry on plain http never
 * needs; an http registry may still redirect to https (a pre-signed URL), so the clients keep a
 * context that can speak TLS.
 *
 * <p>Nothing of TLS is decided here: engines come from the default context and the parameters an
 * {@code HttpClient} reads are the default context's own, so trust (including
 * {@code javax.net.ssl.trustStore}), protocols, cipher suites and the {@code jdk.tls} properties
 * are the JDK's defaults, and the client still sets hostname verification on every connection.
 */
final class LazyDefaultSslContext extends SSLContext {

    /** One for the process: the default context it stands for is one per process too. */
    static final SSLContext INSTANCE = new LazyDefaultSslContext();

    private LazyDefaultSslContext() {
        // no provider: naming the default context's (SunJSSE) would load it
        super(new Spi(), null, "Default");
    }

    /** The default context; the first call sets it up. */
    static SSLContext target() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            // e.g. javax.net.ssl.trustStore names a file that is not a key store: the innermost says so
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new SetupFailed("cannot set up TLS: " + cause.getMessage()
                    + " (the javax.net.ssl properties in PKGR_JAVA_OPTS?)", e);
        }
    }

    /** The default context could not be set up; the HttpClient reports it as the cause of an IOException. */
    static final class SetupFailed extends IllegalStateException {
        SetupFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Spi extends SSLContextSpi {

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("the default SSLContext is initialised by the JDK");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return target().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return target().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return target().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return target().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return target().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return target().getClientSessionContext();
        }

        /** What an HttpClient asks for when it is built: the defaults, read when a connection copies them. */
        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return new DefaultParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return target().getSupportedSSLParameters();
        }
    }

    /**
     * The default context's default parameters, fetched on the first read. An HttpClient keeps the
     * object it is given and copies it, through these getters, for every TLS connection. The final
     * getters cannot wait: their values are the JDK's defaults ({@code LazyDefaultSslContextTest}
     * compares every getter with the running JDK's).
     */
    static final class DefaultParameters extends SSLParameters {

        private volatile SSLParameters defaults;

        DefaultParameters() {
            // server names and SNI matchers: unset (null), as the default context leaves them
            setUseCipherSuitesOrder(true);
        }

        private SSLParameters defaults() {
            SSLParameters d = defaults;
            if (d == null) {
                d = target().getDefaultSSLParameters();
                defaults = d;
            }
            return d;
        }

        @Override
        public String[] getCipherSuites() {
            return defaults().getCipherSuites();
        }

        @Override
        public String[] getProtocols() {
            return defaults().getProtocols();
        }

        @Override
        public boolean getWantClientAuth() {
            return defaults().getWantClientAuth();
        }

        @Override
        public boolean getNeedClientAuth() {
            return defaults().getNeedClientAuth();
        }

        @Override
        public AlgorithmConstraints getAlgorithmConstraints() {
            return defaults().getAlgorithmConstraints();
        }

        @Override
        public String getEndpointIdentificationAlgorithm() {
            return defaults().getEndpointIdentificationAlgorithm();
        }

        @Override
        public boolean getEnableRetransmissions() {
            return defaults().getEnableRetransmissions();
        }

        @Override
        public int getMaximumPacketSize() {
            return defaults().getMaximumPacketSize();
        }

        @Override
        public String[] getApplicationProtocols() {
            return defaults().getApplicationProtocols();
        }
    }
}
