package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.testing.ProcessOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pkgr processes against a real {@code pkgr serve} on https, with a certificate that a private CA
 * issued for {@code localhost} only: the CLI's JVM trusts the CA through the JDK's trust-store
 * properties, or not. The client sets TLS up only when it makes a TLS connection, so these check
 * that it still verifies the chain and the name when it does, and that plain http sets up none.
 */
class TlsRegistryEndToEndTest {

    private static final String TRUST_STORE_PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static ServerProcess server;
    /** The registry as its certificate names it. */
    static URI url;
    static List<String> trustingTheCa;

    @TempDir
    Path home;

    @BeforeAll
    static void startRegistryAndPublish() throws Exception {
        Path trustStore = writeCertificates(dir);
        trustingTheCa = List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD);
        server = ServerProcess.start(dir.resolve("data"), "--tls-cert", dir.resolve("server.crt").toString(),
                "--tls-key", dir.resolve("server.key").toString());
        assertEquals("https", server.url.getScheme(), server.url.toString());
        url = URI.create("https://localhost:" + server.url.getPort() + "/");

        Path project = Files.createDirectories(dir.resolve("tls-job"));
        Cli cli = new Cli(dir.resolve("publisher")).in(project);
        assertOk(cli.run("init", "--runtime", "exec", "--name", "tls-job"));
        assertOk(cli.run("build"));
        assertOk(pkgr(dir.resolve("publisher"), url, server.adminPassword, trustingTheCa, "publish", "-r", "tls",
                project.resolve("dist/tls-job-0.1.0.pkgr").toString()));
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRegistryWhoseCertificateTheJvmTrustsServesSearchAndInstall() throws Exception {
        Cli.Result search = assertOk(pkgr(home, url, server.adminPassword, trustingTheCa, "search", "tls-job"));
        Cli.Result install = assertOk(pkgr(home, url, server.adminPassword, trustingTheCa, "install", "tls-job==0.1.0"));

        assertTrue(search.out().contains("tls-job  0.1.0"), search.toString());
        assertEquals(1, environments(home).size(), install.toString());
    }

    @Test
    void aRegistryWhoseCertificateIsNotTrustedIsRefusedAndNothingIsInstalled() throws Exception {
        // given the JDK's own trust store, which does not hold the private CA
        Cli.Result install = pkgr(home, url, server.adminPassword, List.of(), "install", "tls-job==0.1.0");

        assertEquals(ExitCode.REGISTRY, install.exitCode(), install.toString());
        assertTrue(install.err().contains("the TLS certificate of localhost:" + url.getPort() + " is not trusted"), install.err());
        assertTrue(install.err().contains("-Djavax.net.ssl.trustStore="), install.err());
        assertEquals(List.of(), cachedFiles(home), "nothing cached");
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAndNothingIsInstalled() throws Exception {
        // given a trusted certificate for localhost, reached as 127.0.0.1
        URI byAddress = URI.create("https://127.0.0.1:" + url.getPort() + "/");

        Cli.Result install = pkgr(home, byAddress, server.adminPassword, trustingTheCa, "install", "tls-job==0.1.0");

        assertEquals(ExitCode.REGISTRY, install.exitCode(), install.toString());
        assertTrue(install.err().contains("the TLS certificate of 127.0.0.1:" + url.getPort() + " was refused"), install.err());
        assertEquals(List.of(), cachedFiles(home), "nothing cached");
    }

    @Test
    void aTrustStoreThatIsNotAKeyStoreIsNamedAndNothingIsInstalled() throws Exception {
        // given a PEM file where the JDK expects a key store
        List<String> pemAsTrustStore = List.of("-Djavax.net.ssl.trustStore=" + dir.resolve("server.crt"));

        Cli.Result install = pkgr(home, url, server.adminPassword, pemAsTrustStore, "install", "tls-job==0.1.0");

        assertEquals(ExitCode.REGISTRY, install.exitCode(), install.toString());
        assertTrue(install.err().contains("cannot set up TLS: "), install.err());
        assertEquals(List.of(), cachedFiles(home), "nothing cached");
    }

    @Test
    void aDownloadRedirectedFromHttpToAnUntrustedHttpsServerIsRefused() throws Exception {
        // given an http registry that sends the download to the https server (a pre-signed URL, say),
        // whose CA this JVM does not trust
        HttpServer registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", url.resolve("/healthz").toString());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        registry.start();
        Path target = home.resolve("job.pkgr");
        try {
            RegistryClient client = new RegistryClient(new Repository("plain",
                    URI.create("http://127.0.0.1:" + registry.getAddress().getPort() + "/"), null, null));

            CliException refused = assertThrows(CliException.class, () -> client.download(BundleName.parse("job"),
                    Version.parse("1.0.0"), Sha256.ofBytes(new byte[0]), target, null));

            assertEquals(ExitCode.REGISTRY, refused.exitCode(), refused.getMessage());
            assertTrue(refused.getMessage().contains("the TLS certificate of localhost:" + url.getPort() + " is not trusted"),
                    refused.getMessage());
            assertFalse(Files.exists(target));
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void aRegistryOnPlainHttpSetsUpNoTls() throws Exception {
        try (ServerProcess plain = ServerProcess.start(dir.resolve("plain-data"))) {
            Path project = Files.createDirectories(home.resolve("plain-job"));
            Cli cli = new Cli(home.resolve("publisher")).in(project);
            assertOk(cli.run("init", "--runtime", "exec", "--name", "plain-job"));
            assertOk(cli.run("build"));
            assertOk(cli.run("config", "repositories.plain", plain.url.toString()));
            assertOk(cli.run("config", "http-basic.plain", "admin", plain.adminPassword));
            assertOk(cli.run("publish", "-r", "plain"));
            Path classes = home.resolve("classes.log");

            Cli.Result install = pkgr(home, plain.url, plain.adminPassword, List.of("-Xlog:class+load:file=" + classes),
                    "install", "plain-job==0.1.0");

            assertOk(install);
            assertEquals(1, environments(home).size(), install.toString());
            List<String> loaded = Files.readAllLines(classes);
            assertTrue(loaded.stream().anyMatch(l -> l.contains("io.pkgr.cli.registry.RegistryClient ")), "the client ran");
            List<String> tls = loaded.stream().filter(l -> l.contains("sun.security.ssl.") || l.contains("TrustStore")
                    || l.contains("TrustManager")).toList();
            assertEquals(0, tls.size(), tls.size() + " TLS classes loaded by a plain-http install, first "
                    + tls.subList(0, Math.min(5, tls.size())));
        }
    }

    private static Cli.Result assertOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** pkgr as a process of its own (its own JVM, so its own trust store), with repository "tls" at {@code registry}. */
    private static Cli.Result pkgr(Path home, URI registry, String adminPassword, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pkgr.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Files.createDirectories(home).toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PKGR_CONFIG_DIR", home.resolve("config").toString());
        pb.environment().put("PKGR_CACHE_DIR", home.resolve("cache").toString());
        pb.environment().put("PKGR_NO_PROGRESS", "1");
        pb.environment().put("PKGR_REPOSITORY", "tls");
        pb.environment().put("PKGR_REPOSITORIES_TLS_URL", registry.toString());
        pb.environment().put("PKGR_HTTP_BASIC_TLS_USERNAME", "admin");
        pb.environment().put("PKGR_HTTP_BASIC_TLS_PASSWORD", adminPassword);
        ProcessOutcome done = ProcessOutcome.of(pb.start(), "pkgr " + String.join(" ", args));
        return new Cli.Result(done.exitCode(), done.out(), done.err());
    }

    /** The environments installed in the cache of {@code home}. */
    private static List<Path> environments(Path home) throws IOException {
        Path envs = home.resolve("cache/envs");
        if (!Files.isDirectory(envs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(envs)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    /** Every file in the cache of {@code home}. */
    private static List<Path> cachedFiles(Path home) throws IOException {
        Path cache = home.resolve("cache");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * Writes a private CA, a certificate it issued for {@code localhost} only ({@code server.crt},
     * with the CA after the leaf, and {@code server.key}) and a PKCS#12 trust store holding the CA.
     */
    private static Path writeCertificates(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        X500Name caName = new X500Name("CN=pkgr test CA");
        Date from = Date.from(Instant.now().minus(Duration.ofDays(1)));
        Date to = Date.from(Instant.now().plus(Duration.ofDays(1)));
        ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();

        X509Certificate ca = converter.getCertificate(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to,
                caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .build(caSigner));
        X509Certificate leaf = converter.getCertificate(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                new X500Name("CN=localhost"), serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")))
                .build(caSigner));

        Files.writeString(dir.resolve("server.crt"), pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
        PrivateKey key = serverKeys.getPrivate();
        Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("pkgr-test-ca", ca);
        Path trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        return trustStore;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
