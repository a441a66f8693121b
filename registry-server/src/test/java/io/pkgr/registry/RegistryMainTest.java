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
}
