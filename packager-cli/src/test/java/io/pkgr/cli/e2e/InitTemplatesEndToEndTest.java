package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What `pkgr init` scaffolds builds, publishes and runs as it is, for every runtime. */
class InitTemplatesEndToEndTest extends RegistryProcessTest {

    @BeforeEach
    void configure() {
        cli.env.put("PKGR_REPOSITORIES_PRIVATE_URL", server.url.toString());
        cli.env.put("PKGR_HTTP_BASIC_PRIVATE_USERNAME", "admin");
        cli.env.put("PKGR_HTTP_BASIC_PRIVATE_PASSWORD", server.adminPassword);
        cli.env.put("PKGR_PYTHON", PythonFixtures.PYTHON);
    }

    private void initBuildPublish(String runtime, String name) throws IOException {
        Path dir = Files.createDirectories(home.resolve(name));
        assertOk(cli.in(dir).run("init", "--runtime", runtime, "--name", name));
        if (runtime.equals("jvm")) {
            compileJar(dir);
        }
        assertOk(cli.run("build"));
        assertOk(cli.run("publish"));
    }

    @Test
    void execTemplateRuns() throws Exception {
        initBuildPublish("exec", "hello-exec");

        Run r = run("run", "hello-exec==0.1.0", "hello", "--who=team");

        assertEquals(0, r.code, r.err);
        assertEquals("hello, team", r.out.strip());
    }

    @Test
    void pythonTemplateRunsAndReportsItsOutputLast() throws Exception {
        initBuildPublish("python", "hello-py");

        Run r = run("run", "hello-py==0.1.0", "hello", "--who=team", "--times=2");

        assertEquals(0, r.code, r.err);
        assertEquals(List.of("hello, team", "hello, team", "{\"greeted\":\"team\"}"), r.out.lines().toList());
    }

    @Test
    void jvmTemplateRunsOnceItsJarIsBuilt() throws Exception {
        initBuildPublish("jvm", "hello-jvm");

        Run r = run("run", "hello-jvm==0.1.0", "hello", "--who=team");

        assertEquals(0, r.code, r.err);
        assertEquals("hello, team", r.out.strip());
    }

    /** What the template's comment tells the user to do: javac, then jar. */
    private static void compileJar(Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("target/classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                dir.resolve("src/main/java/hello/Main.java").toString());
        assertEquals(0, rc);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("target/hello.jar")))) {
            out.putNextEntry(new java.util.jar.JarEntry("hello/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("hello/Main.class")));
            out.closeEntry();
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "io.pkgr.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().putAll(cli.env);
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void assertOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}
