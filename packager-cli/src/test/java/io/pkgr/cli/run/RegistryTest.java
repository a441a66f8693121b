package io.pkgr.cli.run;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh real registry on port 0 and a fresh pkgr home for every test. */
abstract class RegistryTest {

    @TempDir
    Path tmp;

    Registry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new Registry(tmp);
    }

    @AfterEach
    void stop() {
        registry.close();
    }
}
