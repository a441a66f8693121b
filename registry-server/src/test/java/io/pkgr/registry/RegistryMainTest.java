package io.pkgr.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryMainTest {

    @Test
    void withoutFlagsTheDefaultsApply() {
        ServerConfig config = RegistryMain.parse(new String[0], Map.of());

        assertEquals(ServerConfig.defaults(), config);
        assertEquals(Path.of("data/htpasswd"), config.htpasswdFile());
        assertEquals(2L << 30, config.maxUploadBytes());
    }

    @Test
    void environmentVariablesSetOptionsAndFlagsWin() {
        ServerConfig config = RegistryMain.parse(new String[] {"--port", "9000", "--anonymous-read"},
                Map.of("PKGR_PORT", "7000", "PKGR_DATA", "/srv/pkgr", "PKGR_MAX_UPLOAD_SIZE", "500M", "PKGR_LOG_FORMAT", "json"));

        assertEquals(9000, config.port());
        assertEquals(Path.of("/srv/pkgr"), config.dataDir());
        assertEquals(500L << 20, config.maxUploadBytes());
        assertEquals(ServerConfig.LogFormat.JSON, config.logFormat());
        assertTrue(config.anonymousRead());
    }

    @Test
    void tlsFlagsAreParsedTogether() {
        ServerConfig config = RegistryMain.parse(new String[] {"--tls-cert", "c.pem", "--tls-key=k.pem"}, Map.of());

        assertEquals(Path.of("c.pem"), config.tlsCert());
        assertEquals(Path.of("k.pem"), config.tlsKey());
    }

    @Test
    void theMinimumUploadRateAndItsGraceAreReadFromFlagsAndEnvironment() {
        ServerConfig config = RegistryMain.parse(new String[] {"--min-upload-rate", "16K"},
                Map.of("PKGR_MIN_UPLOAD_RATE_GRACE", "30"));

        assertEquals(16 * 1024, config.minUploadRate());
        assertEquals(java.time.Duration.ofSeconds(30), config.uploadRateGrace());
        assertEquals(4 * 1024, ServerConfig.defaults().minUploadRate(), "a few KiB/s unless told");
        assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(new String[] {"--min-upload-rate", "fast"}, Map.of()));
    }

    @Test
    void minFreeSpaceTakesASizeAndDefaultsTo100MiB() {
        assertEquals(100L << 20, RegistryMain.parse(new String[0], Map.of()).minFreeBytes());
        assertEquals(1L << 30, RegistryMain.parse(new String[] {"--min-free-space", "1G"}, Map.of()).minFreeBytes());
        assertEquals(0, RegistryMain.parse(new String[0], Map.of("PKGR_MIN_FREE_SPACE", "0")).minFreeBytes());
        assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(new String[] {"--min-free-space", "lots"}, Map.of()));
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(new String[] {"--bogus", "1"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(new String[] {"--port", "x"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(new String[] {"--log-format", "xml"}, Map.of()));
    }

    @Test
    void helpIsRecognised() {
        assertNull(RegistryMain.parse(new String[] {"--help"}, Map.of()));
    }

    @Test
    void aBadValueNamesTheOptionOrTheVariableItCameFrom() {
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> RegistryMain.parse(new String[] {"--log-format", "xml"}, Map.of()));
        assertEquals("Invalid value for option '--log-format': 'xml' is not text or json", flag.getMessage());

        IllegalArgumentException variable = assertThrows(IllegalArgumentException.class,
                () -> RegistryMain.parse(new String[0], Map.of("PKGR_PORT", "eighty")));
        assertEquals("PKGR_PORT (--port): 'eighty' is not a number", variable.getMessage());

        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> RegistryMain.parse(new String[0], Map.of("PKGR_MAX_UPLOAD_SIZE", "big")));
        assertEquals("PKGR_MAX_UPLOAD_SIZE (--max-upload-size): invalid size 'big' (e.g. 500M, 2G)", size.getMessage());
    }

    @Test
    void everyOptionReadsItsVariableAndTheCommandLineWins() {
        Map<String, String> env = Map.ofEntries(Map.entry("PKGR_DATA", "/srv/pkgr"), Map.entry("PKGR_HOST", "127.0.0.1"),
                Map.entry("PKGR_PORT", "7000"), Map.entry("PKGR_HTPASSWD", "/etc/users"), Map.entry("PKGR_ACCESS", "/etc/rules.yaml"),
                Map.entry("PKGR_ANONYMOUS_READ", "yes"), Map.entry("PKGR_MAX_UPLOAD_SIZE", "1G"),
                Map.entry("PKGR_MAX_CONCURRENT_UPLOADS", "3"), Map.entry("PKGR_TLS_SELF_SIGNED", "on"),
                Map.entry("PKGR_LOG_FORMAT", "JSON"), Map.entry("PKGR_IDLE_TIMEOUT", "5"), Map.entry("PKGR_SHUTDOWN_GRACE", "2"),
                Map.entry("PKGR_PUBLIC_METRICS", "1"), Map.entry("PKGR_MIN_UPLOAD_RATE", "1K"),
                Map.entry("PKGR_MIN_UPLOAD_RATE_GRACE", "7"), Map.entry("PKGR_MIN_FREE_SPACE", "5M"),
                Map.entry("PKGR_REPOSITORIES", "belongs to the CLI"));

        ServerConfig fromEnv = RegistryMain.parse(new String[0], env);
        ServerConfig flagsWin = RegistryMain.parse(new String[] {"--port", "9000", "--public-metrics=false"}, env);

        assertEquals(ServerConfig.builder().dataDir(Path.of("/srv/pkgr")).host("127.0.0.1").port(7000)
                .htpasswd(Path.of("/etc/users")).accessFile(Path.of("/etc/rules.yaml")).anonymousRead(true)
                .maxUploadBytes(1L << 30).maxConcurrentUploads(3).tlsSelfSigned(true).logFormat(ServerConfig.LogFormat.JSON)
                .idleTimeout(java.time.Duration.ofSeconds(5)).shutdownGrace(java.time.Duration.ofSeconds(2)).publicMetrics(true)
                .minUploadRate(1024).uploadRateGrace(java.time.Duration.ofSeconds(7)).minFreeBytes(5L << 20).build(), fromEnv);
        assertEquals(fromEnv.withPort(9000).withPublicMetrics(false), flagsWin);
    }

    @Test
    void theHelpListsEveryOption() {
        String usage = RegistryMain.usage();

        for (java.lang.reflect.Field field : ServerOptions.class.getDeclaredFields()) {
            picocli.CommandLine.Option option = field.getAnnotation(picocli.CommandLine.Option.class);
            if (option != null) {
                assertTrue(usage.contains(option.names()[0]), option.names()[0] + " missing from:\n" + usage);
            }
        }
        assertTrue(usage.contains("PKGR_"), usage);
    }

    @Test
    void objectStorageOptionsComeFromFlagsOrTheEnvironment() {
        ServerConfig config = RegistryMain.parse(new String[] {"--storage", "s3://pkgr/prod", "--s3-path-style",
                "--s3-redirect"}, Map.of("PKGR_S3_ENDPOINT", "http://minio:9000", "PKGR_S3_REGION", "eu-west-1",
                "PKGR_S3_REDIRECT_EXPIRY", "60"));

        assertEquals("s3://pkgr/prod", config.storage());
        assertEquals("s3", config.storageLocation().scheme());
        assertEquals(java.net.URI.create("http://minio:9000"), config.s3Endpoint());
        assertEquals("eu-west-1", config.s3Region());
        assertTrue(config.s3PathStyle());
        assertEquals(java.time.Duration.ofSeconds(60), config.s3RedirectExpiry());
    }

    @Test
    void withoutRedirectThereIsNoRedirectExpiry() {
        ServerConfig config = RegistryMain.parse(new String[] {"--storage", "s3://pkgr", "--s3-redirect-expiry", "60"},
                Map.of());

        assertNull(config.s3RedirectExpiry());
    }

    @Test
    void objectStorageOptionsWithoutObjectStorageAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryMain.parse(new String[] {"--s3-endpoint", "http://minio:9000"}, Map.of()));

        assertEquals("the --s3-* options need --storage s3://BUCKET[/PREFIX]", e.getMessage());
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(
                new String[] {"--storage", "s3://pkgr"}, Map.of("PKGR_S3_ENDPOINT", "minio:9000")));

        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(
                new String[] {"--storage", "s3://pkgr", "--s3-endpoint", "ftp://minio"}, Map.of()));

        assertEquals("PKGR_S3_ENDPOINT (--s3-endpoint): 'minio:9000' is not an http(s)://HOST[:PORT] URL", e.getMessage());
        assertTrue(flag.getMessage().contains("--s3-endpoint"), flag.getMessage());
        assertTrue(flag.getMessage().contains("'ftp://minio' is not an http(s)://HOST[:PORT] URL"), flag.getMessage());
    }

    @Test
    void theDatabaseStartWaitDefaultsToAMinuteAndIsReadFromFlagsAndEnvironment() {
        String[] database = {"--database", "postgresql://pkgr@db:5432/pkgr"};
        assertEquals(java.time.Duration.ofSeconds(60), RegistryMain.parse(database, Map.of()).database().startWait());
        assertEquals(java.time.Duration.ZERO, RegistryMain.parse(database, Map.of("PKGR_DATABASE_START_WAIT", "0"))
                .database().startWait());
        assertEquals(java.time.Duration.ofSeconds(5), RegistryMain.parse(new String[] {"--database", "postgresql://pkgr@db/pkgr",
                "--database-start-wait", "5"}, Map.of("PKGR_DATABASE_START_WAIT", "0")).database().startWait());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> RegistryMain.parse(
                new String[] {"--database", "postgresql://pkgr@db/pkgr", "--database-start-wait", "-1"}, Map.of()));
        assertEquals("--database-start-wait must be 0 or more", negative.getMessage());
    }
}
