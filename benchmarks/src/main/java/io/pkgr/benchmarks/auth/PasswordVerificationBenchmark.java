package io.pkgr.benchmarks.auth;

import io.pkgr.auth.ApiTokens;
import io.pkgr.auth.AuthResult;
import io.pkgr.auth.FileTokenStore;
import io.pkgr.auth.TokenScope;
import io.pkgr.auth.Authenticator;
import io.pkgr.auth.HtpasswdFile;
import io.pkgr.auth.HtpasswdWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Password verifications per second: a verification-cache hit through the whole
 * {@link Authenticator#authenticate} path (header parsing, limiter check, HMAC, lookup) against
 * one real, uncached hash verification per format, which is what every request would cost
 * without the cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PasswordVerificationBenchmark {

    private static final String PASSWORD = "correct horse battery staple";

    private Path dir;
    private Authenticator authenticator;
    private HtpasswdFile file;
    private String cachedHeader;
    private String bearerHeader;
    private String tokenBasicHeader;
    private byte[] password;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("pkgr-bench");
        Path htpasswd = dir.resolve("htpasswd");
        new HtpasswdWriter(htpasswd, 10).put("bcrypt10", PASSWORD.toCharArray());
        new HtpasswdWriter(htpasswd, 12).put("bcrypt12", PASSWORD.toCharArray());
        byte[] pw = PASSWORD.getBytes(StandardCharsets.UTF_8); // Commons Codec zeroes what it is given: pass copies
        Files.writeString(htpasswd, String.join("\n",
                "apr1:" + Md5Crypt.apr1Crypt(pw.clone()),
                "sha256:" + Sha2Crypt.sha256Crypt(pw.clone()),   // 5000 rounds, as htpasswd -2
                "sha512:" + Sha2Crypt.sha512Crypt(pw.clone()),   // 5000 rounds, as htpasswd -5
                ""), java.nio.file.StandardOpenOption.APPEND);
        ApiTokens tokens = new ApiTokens(FileTokenStore.open(dir.resolve("tokens.json")));
        authenticator = Authenticator.builder(htpasswd).tokens(tokens).build();
        String token = tokens.create("bcrypt12", "bench", java.util.List.of(TokenScope.parse("*:read")), null)
                .orElseThrow().secret();
        bearerHeader = "Bearer " + token;
        tokenBasicHeader = "Basic " + Base64.getEncoder()
                .encodeToString(("__token__:" + token).getBytes(StandardCharsets.UTF_8));
        file = authenticator.htpasswdFile();
        password = pw;
        cachedHeader = "Basic " + Base64.getEncoder()
                .encodeToString(("bcrypt12:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        if (authenticator.authenticate(bearerHeader, "192.0.2.1").status() != AuthResult.Status.OK
                || authenticator.authenticate(tokenBasicHeader, "192.0.2.1").status() != AuthResult.Status.OK) {
            throw new IllegalStateException("set-up failed: the token does not authenticate");
        }
        if (authenticator.authenticate(cachedHeader, "192.0.2.1").status() != AuthResult.Status.OK) {
            throw new IllegalStateException("set-up failed: the cached user does not authenticate");
        }
        for (String user : new String[] {"bcrypt10", "bcrypt12", "apr1", "sha256", "sha512"}) {
            if (!file.verify(user, pw)) {
                throw new IllegalStateException("set-up failed: " + user + " does not verify");
            }
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** An API token as {@code Authorization: Bearer}, through the full per-request path (one SHA-256, a map lookup). */
    @Benchmark
    public AuthResult tokenBearer() {
        return authenticator.authenticate(bearerHeader, "192.0.2.1");
    }

    /** The same token as the Basic password of {@code __token__} (what twine, poetry and pip send). */
    @Benchmark
    public AuthResult tokenBasic() {
        return authenticator.authenticate(tokenBasicHeader, "192.0.2.1");
    }

    /** A cache hit (user's hash is bcrypt cost 12), through the full per-request path. */
    @Benchmark
    public AuthResult cachedHit() {
        return authenticator.authenticate(cachedHeader, "192.0.2.1");
    }

    @Benchmark
    public boolean bcryptCost10() {
        return file.verify("bcrypt10", password);
    }

    @Benchmark
    public boolean bcryptCost12() {
        return file.verify("bcrypt12", password);
    }

    @Benchmark
    public boolean apr1() {
        return file.verify("apr1", password);
    }

    @Benchmark
    public boolean sha256Crypt() {
        return file.verify("sha256", password);
    }

    @Benchmark
    public boolean sha512Crypt() {
        return file.verify("sha512", password);
    }
}
