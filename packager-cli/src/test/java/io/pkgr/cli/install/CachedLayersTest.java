package io.pkgr.cli.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ApiJson;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cached layers file, read without data binding, reads as what the registry client cached. */
class CachedLayersTest {

    private static final Sha256 DIGEST = Sha256.ofBytes("files layer".getBytes(StandardCharsets.UTF_8));

    @Test
    void aCachedFileReadsAsTheLayersThatWereWritten() throws IOException {
        VersionRecord.Layers written = new VersionRecord.Layers(new VersionRecord.Blob(DIGEST, 2560), true);

        VersionRecord.Layers read = Environments.cachedLayers(ApiJson.bytes(written));

        assertEquals(DIGEST.hex(), read.files().sha256().hex());
        assertEquals(2560, read.files().size());
        assertTrue(read.bundleStored());
    }

    @Test
    void layersWithoutAFilesLayerReadAsSuch() throws IOException {
        VersionRecord.Layers read = Environments.cachedLayers(ApiJson.bytes(new VersionRecord.Layers(null, false)));

        assertNull(read.files());
        assertFalse(read.bundleStored());
    }

    @Test
    void aDamagedCachedFileIsRefused() {
        for (String json : new String[] {"{\"files\":{\"sha256\":\"abc\",\"size\":1}}", "{\"files\":{\"size\":1}}",
                "{\"files\":{\"sha256\":\"" + DIGEST.hex() + "\"}}", "{\"files\":7}", "{\"files\":", "[1]"}) {
            assertThrows(Exception.class, () -> Environments.cachedLayers(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }
}
