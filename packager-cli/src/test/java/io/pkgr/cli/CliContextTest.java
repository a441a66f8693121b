package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pkgr.cli.registry.RegistryClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliContextTest {

    @TempDir
    Path tmp;

    @Test
    void threadsAskingForARepositorysClientAtOnceGetTheSameOne() throws Exception {
        // given a configured repository whose client nobody has asked for yet (as a layered fetch's threads find it)
        Settings settings = new Settings(Map.of("PKGR_REPOSITORIES_HERE_URL", "http://127.0.0.1:9",
                "PKGR_CONFIG_DIR", tmp.resolve("config").toString(), "PKGR_CACHE_DIR", tmp.resolve("cache").toString()),
                tmp, tmp);
        for (int round = 0; round < 20; round++) {
            CliContext context = new CliContext(settings);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            try {
                // when four threads ask for it at the same moment
                List<Future<RegistryClient>> asked = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    asked.add(pool.submit(() -> {
                        start.await();
                        return context.registry("here");
                    }));
                }
                start.countDown();

                // then none fails and all get one client
                RegistryClient first = asked.get(0).get(60, TimeUnit.SECONDS);
                for (Future<RegistryClient> f : asked) {
                    assertSame(first, f.get(60, TimeUnit.SECONDS));
                }
                assertEquals("here", first.repository().name());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
