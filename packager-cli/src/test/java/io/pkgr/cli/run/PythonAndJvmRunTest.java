package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Python (venv + vendored wheels, offline) and jvm (java -cp files:deps) bundles end to end. */
class PythonAndJvmRunTest extends RegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pythonBundleRunsInAVenvWithItsVendoredWheelsAndNoPip() throws Exception {
        Path wheels = tmp.resolve("wheels");
        wheel("tinylib", "0.1.0", "def greet(who):\n    return 'hello ' + who\n", wheels);
        wheel("tinyother", "2.0.0", "VALUE = 42\n", wheels);
        Path project = registry.project("churn", """
                name: churn-model
                version: 1.4.0
                runtime: python
                python: ">=3.9"
                requirements: ["tinylib==0.1.0", "tinyother==2.0.0"]
                include: ["src/**"]
                entrypoints:
                  train:
                    command: ["python", "-m", "churn.train"]
                    params:
                      start-date: {type: date, required: true}
                      epochs: {type: int, default: 10}
                """, Map.of("src/churn/__init__.py", "", "src/churn/train.py", """
                import json, os, sys, importlib.util
                import tinylib, tinyother
                result = {
                    "greeting": tinylib.greet("churn"),
                    "value": tinyother.VALUE,
                    "args": sys.argv[1:],
                    "in_venv": sys.prefix != sys.base_prefix,
                    "has_pip": importlib.util.find_spec("pip") is not None,
                }
                with open(os.environ["PKGR_OUTPUT"], "w") as f:
                    json.dump(result, f)
                """));
        registry.buildAndPublish(project, "--find-links", wheels.toString(), "--python", Registry.SYSTEM_PYTHON);

        Registry.Result cold = registry.pkgr("run", "churn-model==1.4.0", "train", "--start-date=2024-05-01");
        Registry.Result warm = registry.pkgr("run", "churn-model==1.4.0", "train", "--start-date=2024-05-02", "--epochs=3");

        assertEquals(0, cold.exitCode(), cold.err());
        assertEquals(0, warm.exitCode(), warm.err());
        JsonNode result = JSON.readTree(warm.lastLine());
        assertEquals("hello churn", result.get("greeting").asText());
        assertEquals(42, result.get("value").asInt());
        // canonical pkgr.json keeps params sorted by name, so that is their order on the command line;
        // the python default style (fire) quotes a date so that Fire reads it as a string
        assertEquals("[\"--epochs=3\",\"--start-date='2024-05-02'\"]", result.get("args").toString());
        assertTrue(result.get("in_venv").asBoolean());
        assertFalse(result.get("has_pip").asBoolean(), "the venv is created without pip");
        assertEquals(1, registry.installs());
    }

    @Test
    void pythonConstraintNoInterpreterSatisfiesIsAUsageError() throws Exception {
        Path project = registry.project("future", """
                name: future
                version: 1.0.0
                runtime: python
                python: ">=4.0"
                include: ["src/**"]
                entrypoints:
                  main: {command: ["python", "-c", "print(1)"]}
                """, Map.of("src/x.py", ""));
        registry.buildAndPublish(project);

        Registry.Result r = registry.pkgr("run", "future==1.0.0", "main");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(">=4.0"), r.err());
        assertEquals(0, registry.installs());
    }

    /** A PEP 517 backend inside the sdist: pip runs it to build the wheel, so it is the sdist's own code. */
    private static final String REPORTING_BACKEND = """
            import os, zipfile
            def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
                with open(os.environ["BUILD_REPORT"], "a") as f:
                    f.writelines(k + "=" + v + "\\n" for k, v in os.environ.items())
                name = "leaky-1.0.0-py3-none-any.whl"
                with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
                    z.writestr("leaky.py", "")
                    z.writestr("leaky-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: leaky\\nVersion: 1.0.0\\n")
                    z.writestr("leaky-1.0.0.dist-info/WHEEL",
                               "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
                    z.writestr("leaky-1.0.0.dist-info/RECORD", "")
                return name
            """;

    @Test
    void anSdistBuiltByPkgrBuildSeesNoRegistryPassword() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("sdist-src/leaky-1.0.0"));
        Files.writeString(src.resolve("backend.py"), REPORTING_BACKEND);
        Files.writeString(src.resolve("pyproject.toml"),
                "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n");
        Files.writeString(src.resolve("PKG-INFO"), "Metadata-Version: 2.1\nName: leaky\nVersion: 1.0.0\n");
        Path sdists = Files.createDirectories(tmp.resolve("sdists"));
        Process tar = new ProcessBuilder("tar", "-czf", sdists.resolve("leaky-1.0.0.tar.gz").toString(), "-C",
                src.getParent().toString(), "leaky-1.0.0").inheritIO().start();
        assertEquals(0, tar.waitFor());
        Path project = registry.project("leaky-build", """
                name: leaky-build
                version: 1.0.0
                runtime: python
                requirements: ["leaky==1.0.0"]
                include: ["src/**"]
                entrypoints:
                  main: {command: ["python", "-c", "pass"]}
                """, Map.of("src/step.py", ""));
        Path report = tmp.resolve("build-env.txt");
        registry.env.put("BUILD_REPORT", report.toString());

        // a real process: what pip and the backend inherit is pkgr's own environment
        Registry.Result r = registry.pkgrProcessRun("build", "-C", project.toString(), "--find-links", sdists.toString(),
                "--python", Registry.SYSTEM_PYTHON);

        assertEquals(0, r.exitCode(), r.err() + r.out());
        String env = Files.readString(report);
        assertTrue(env.contains("BUILD_REPORT="), env);
        assertFalse(env.contains("PKGR_HTTP_BASIC_LOCAL_PASSWORD"), env);
        assertFalse(env.contains(registry.password), env);
    }

    @Test
    void jvmBundleRunsWithFilesOnTheClasspath() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("java-src"));
        Files.writeString(src.resolve("Hello.java"), """
                import java.nio.file.*;
                public class Hello {
                    public static void main(String[] args) throws Exception {
                        Files.writeString(Path.of(System.getenv("PKGR_OUTPUT")),
                            "{\\"args\\": \\"" + String.join(" ", args) + "\\", \\"cp\\": \\"" + (System.getProperty("java.class.path").contains("/files") ? "files" : "?") + "\\"}");
                        System.exit(args.length == 1 ? 0 : 5);
                    }
                }
                """);
        Path project = registry.project("hello-jvm", """
                name: hello-jvm
                version: 0.1.0
                runtime: jvm
                include: ["Hello.class"]
                entrypoints:
                  main:
                    command: ["java", "Hello"]
                    params:
                      n: {type: int, required: true}
                """, Map.of());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", project.toString(), src.resolve("Hello.java").toString()));
        registry.buildAndPublish(project);

        Registry.Result r = registry.pkgr("run", "hello-jvm==0.1.0", "main", "--n=7");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("{\"args\":\"--n=7\",\"cp\":\"files\"}", r.lastLine());
    }

    private static void wheel(String name, String version, String code, Path wheels) throws Exception {
        Path src = Files.createDirectories(wheels.resolveSibling("wheel-src").resolve(name));
        Files.createDirectories(src.resolve(name));
        Files.writeString(src.resolve(name + "/__init__.py"), code);
        Files.writeString(src.resolve("setup.py"), "from setuptools import setup\nsetup(name='" + name + "', version='"
                + version + "', packages=['" + name + "'])\n");
        Files.createDirectories(wheels);
        Process p = new ProcessBuilder(Registry.SYSTEM_PYTHON, "-m", "pip", "--isolated", "wheel", "--no-deps",
                "--no-build-isolation", "--no-index", "-w", wheels.toString(), src.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pip wheel failed:\n" + out);
        }
    }
}
