package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pkgr.cli.cache.CacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real pandas + scikit-learn wheels (and their dependencies) through the wheel store: two
 * versions of one bundle, identical wheels and different code, run cold at the same time.
 * The wheels come from the system property {@code pkgr.test.mlWheels} (set by the pom to
 * {@code ../shared/wheels/ml} beside the checkout).
 */
class MlWheelStoreTest extends RegistryTest {

    private static final String ENTRYPOINT = """
            import json, os
            import pandas, sklearn
            from importlib.metadata import version
            frame = pandas.DataFrame({"x": [1, 2, 3]})
            with open(os.environ["PKGR_OUTPUT"], "w") as f:
                json.dump({"pandas": version("pandas"), "sklearn": sklearn.__version__, "sum": int(frame.x.sum()),
                           "app": "%s"}, f)
            """;

    @Test
    void twoVersionsRunColdAtOnceShareOneUnpackAndImportPandasAndSklearn() throws Exception {
        List<Path> wheels = mlWheels();
        publish("1.0.0", wheels);
        publish("1.0.1", wheels);

        Process first = registry.pkgrProcess("run", "ml-app==1.0.0", "main").start();
        Process second = registry.pkgrProcess("run", "ml-app==1.0.1", "main").start();
        String out1 = finish(first);
        String out2 = finish(second);

        assertTrue(out1.contains("\"pandas\":\"2.3.3\"") && out1.contains("\"sum\":6") && out1.contains("\"app\":\"1.0.0\""), out1);
        assertTrue(out2.contains("\"sklearn\":\"1.9.1\"") && out2.contains("\"app\":\"1.0.1\""), out2);
        List<Path> entries;
        try (Stream<Path> s = Files.list(registry.cache().resolve("wheels"))) {
            entries = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        assertEquals(wheels.size(), entries.size(), "one store entry per wheel");
        Set<String> linkedBuilds = new HashSet<>();
        List<Path> sites = new ArrayList<>();
        for (Path env : registry.environments()) {
            linkedBuilds.addAll(Files.readAllLines(CacheLayout.envWheels(env)));
            sites.add(env.resolve("venv/lib/python3.11/site-packages"));
        }
        assertEquals(wheels.size(), linkedBuilds.size(), "both environments link the same builds: each wheel unpacked once");
        Path pandasInit = Path.of("pandas", "__init__.py");
        assertEquals(WheelStoreTest.inode(sites.get(0).resolve(pandasInit)), WheelStoreTest.inode(sites.get(1).resolve(pandasInit)));
        Path venv = sites.get(0).getParent().getParent().getParent();
        String pipList = WheelStoreTest.exec(Registry.SYSTEM_PYTHON, "-m", "pip", "--isolated", "--python",
                venv.resolve("bin/python").toString(), "list", "--format", "freeze");
        assertTrue(pipList.contains("pandas==2.3.3") && pipList.contains("scikit-learn==1.9.1")
                && pipList.contains("numpy==2.4.6"), pipList);
        assertEquals("2.4.6", WheelStoreTest.exec(venv.resolve("bin/f2py").toString(), "-v").strip(),
                "numpy's console script runs with the venv's interpreter");
    }

    private List<Path> mlWheels() throws IOException {
        String dir = System.getProperty("pkgr.test.mlWheels");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "the pandas + scikit-learn wheels are not at " + dir + " (../shared/wheels/ml beside the checkout)");
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.filter(p -> p.toString().endsWith(".whl")).sorted().toList();
        }
    }

    private void publish(String version, List<Path> wheels) throws IOException {
        Path project = registry.project("ml-app-" + version, """
                name: ml-app
                version: %s
                runtime: python
                python: ">=3.11,<3.12"
                include: ["src/**"]
                entrypoints:
                  main:
                    command: ["python", "-m", "mlapp"]
                """.formatted(version), Map.of("src/mlapp/__init__.py", "", "src/mlapp/__main__.py",
                ENTRYPOINT.formatted(version)));
        registry.publishWithWheels(project, wheels);
    }

    private static String finish(Process p) throws IOException, InterruptedException {
        p.getOutputStream().close();
        Path err = Files.createTempFile("pkgr-err", ".txt");
        try {
            Thread drain = new Thread(() -> {
                try {
                    Files.write(err, p.getErrorStream().readAllBytes());
                } catch (IOException ignored) {
                    // process gone
                }
            });
            drain.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "pkgr run did not finish");
            drain.join();
            assertEquals(0, p.exitValue(), out + Files.readString(err));
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
