package io.pkgr.cli.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One real {@code pkgr serve} process per test class, and a fresh CLI home per test. */
abstract class RegistryProcessTest {

    @TempDir
    static Path serverDir;
    static ServerProcess server;

    @TempDir
    Path home;
    Cli cli;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(serverDir.resolve("data"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void newCli() {
        cli = new Cli(home);
    }
}
