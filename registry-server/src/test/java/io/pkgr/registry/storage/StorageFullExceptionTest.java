package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pkgr.registry.SmallFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk is recognised without English strerror text, from the space left on the store. */
class StorageFullExceptionTest {

    // what the JDK reports under a French C locale: no English text to recognise
    private static final IOException FRENCH = new IOException("Aucun espace disponible sur le périphérique");

    @TempDir
    Path tmp;

    @Test
    void aWriteFailureOnAStoreWithNoSpaceLeftIsStorageFullWhateverItsMessage() throws IOException {
        try (SmallFileSystem disk = SmallFileSystem.mount(tmp.resolve("disk"), "2m")) {
            disk.fill();

            IOException classified = StorageFullException.classify(FRENCH, disk.root());

            assertInstanceOf(StorageFullException.class, classified);
            assertSame(FRENCH, classified.getCause());
        }
    }

    @Test
    void aWriteFailureOnAStoreWithSpaceLeftStaysWhatItWas() {
        assertSame(FRENCH, StorageFullException.classify(FRENCH, tmp));
    }
}
