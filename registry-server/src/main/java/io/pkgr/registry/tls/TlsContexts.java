package io.pkgr.registry.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds the server's {@link SSLContext} from PEM files, or from a generated development certificate. */
public final class TlsContexts {

    private static final System.Logger LOG = System.getLogger(TlsContexts.class.getName());
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** A context serving the certificate chain in {@code certPem} with the unencrypted key in {@code keyPem}. */
    public static SSLContext fromPem(Path certPem, Path keyPem) throws IOException {
        List<X509Certificate> chain = readCertificates(certPem);
        PrivateKey key = readPrivateKey(keyPem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("pkgr", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use certificate " + certPem + " with key " + keyPem + ": " + e.getMessage(), e);
        }
    }

    /**
     * A context with a self-signed certificate for localhost, kept in {@code dir} as {@code cert.pem}
     * and {@code key.pem} so restarts keep it (and clients can be told to trust it). For development.
     */
    public static SSLContext selfSigned(Path dir) throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) {
            generateSelfSigned(cert, key);
            LOG.log(Level.WARNING, "generated a self-signed development certificate in {0}; do not use it in production", dir);
        }
        return fromPem(cert, key);
    }

    static void generateSelfSigned(Path certPem, Path keyPem) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost, O=pkgr development");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, InetAddress.getLocalHost().getHostName()),
            }));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            Files.createDirectories(certPem.toAbsolutePath().getParent());
            writePem(keyPem, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null).generate());
            writePem(certPem, certificate);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
        try {
            if (file.getFileName().toString().startsWith("key")) {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static List<X509Certificate> readCertificates(Path pem) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader in = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            for (Object object; (object = parser.readObject()) != null; ) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("invalid certificate in " + pem + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no PEM certificate in " + pem);
        }
        return chain;
    }

    private static PrivateKey readPrivateKey(Path pem) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader in = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            for (Object object; (object = parser.readObject()) != null; ) {
                if (object instanceof PEMKeyPair pair) {
                    // SEC1/PKCS#1 files may omit the public half: the private key info is enough
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IOException("no unencrypted PEM private key in " + pem);
    }
}
