package io.pkgr.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A jvm bundle whose dependency lives only in the registry's Maven face: {@code pkgr build -r
 * private} resolves it there with the repository's credentials, the bundle pins the jar's sha256,
 * the lock pins the bundle, and {@code pkgr run} runs the jar's code.
 */
class JvmBundleFromMavenFaceTest extends RegistryProcessTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void configure() {
        assertOk(cli.run("config", "repositories.private", server.url.toString()));
        assertOk(cli.run("config", "http-basic.private", "admin", server.adminPassword));
    }

    @Test
    void aJvmBundleBuildsFromTheMavenFacePublishesAndRuns() throws Exception {
        byte[] jar = deployGreetingLibrary();
        Path dir = project();

        Cli.Result build = assertOk(cli.in(dir).run("build", "-r", "private", "--no-central", "--json"));

        JsonNode result = new ObjectMapper().readTree(build.out());
        var manifest = BundleReader.verify(dir.resolve(result.path("file").asText())).manifest();
        assertEquals(List.of("deps/com.example/greeting-1.0.0.jar", "files/pkgr.yaml"),
                List.copyOf(manifest.files().keySet()));
        // the bundle pins the jar by the digest the registry serves for it
        assertEquals(Sha256.ofBytes(jar).hex(), manifest.files().get("deps/com.example/greeting-1.0.0.jar").sha256().hex());
        assertEquals(Sha256.ofBytes(jar).hex(), get("/maven/com/example/greeting/1.0.0/greeting-1.0.0.jar.sha256"));

        assertOk(cli.in(dir).run("publish", "-r", "private"));
        assertOk(cli.in(dir).run("lock", "-r", "private", "greeter==0.3.0"));
        Lockfile lock = Lockfile.read(dir.resolve(Lockfile.FILE_NAME));
        assertEquals(result.path("sha256").asText(), lock.entries().values().iterator().next().sha256().hex());

        Cli.Result run = assertOk(cli.in(dir).run("run", "-r", "private", "greeter==0.3.0", "hello"));
        assertTrue(run.out().contains("hello from the registry's Maven face"), run.toString());
    }

    @Test
    void aWrongPasswordFailsTheBuildWithTheAuthExitCode() throws Exception {
        deployGreetingLibrary();
        Path dir = project();
        assertOk(cli.run("config", "http-basic.private", "admin", "not-the-password"));

        Cli.Result build = cli.in(dir).run("build", "-r", "private", "--no-central");

        assertEquals(ExitCode.AUTH, build.exitCode(), build.toString());
        assertTrue(build.err().contains("answered 401/403: check its credentials"), build.err());
        assertTrue(Files.notExists(dir.resolve("dist/greeter-0.3.0.pkgr")));
    }

    private Path project() throws IOException {
        Path dir = Files.createDirectories(home.resolve("greeter"));
        Files.writeString(dir.resolve("pkgr.yaml"), """
                name: greeter
                version: 0.3.0
                runtime: jvm
                dependencies: ["com.example:greeting:1.0.0"]
                include: ["pkgr.yaml"]
                entrypoints:
                  hello: {command: [java, com.example.greeting.Hello]}
                """);
        return dir;
    }

    /** Compiles a class with a main method, jars it, and PUTs jar and pom as mvn deploy would. */
    private byte[] deployGreetingLibrary() throws Exception {
        Path src = Files.createDirectories(home.resolve("lib-src/com/example/greeting"));
        Files.writeString(src.resolve("Hello.java"), """
                package com.example.greeting;
                public class Hello {
                    public static void main(String[] args) throws Exception {
                        // the run's JSON result: pkgr prints it as its last stdout line
                        java.nio.file.Files.writeString(java.nio.file.Path.of(System.getenv("PKGR_OUTPUT")),
                                "{\\"greeting\\": \\"hello from the registry's Maven face\\"}");
                    }
                }
                """);
        Path classes = Files.createDirectories(home.resolve("lib-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                src.resolve("Hello.java").toString()));
        Path jarFile = home.resolve("greeting-1.0.0.jar");
        try (OutputStream out = Files.newOutputStream(jarFile); JarOutputStream jar = new JarOutputStream(out)) {
            JarEntry entry = new JarEntry("com/example/greeting/Hello.class");
            entry.setTime(315532800000L); // fixed, so the second test deploys the same bytes (a release is immutable)
            jar.putNextEntry(entry);
            jar.write(Files.readAllBytes(classes.resolve("com/example/greeting/Hello.class")));
            jar.closeEntry();
        }
        byte[] jar = Files.readAllBytes(jarFile);
        String dir = "/maven/com/example/greeting/1.0.0/";
        int status = put(dir + "greeting-1.0.0.jar", jar);
        assertTrue(status == 201 || status == 200, "jar: " + status);
        put(dir + "greeting-1.0.0.pom", """
                <project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>
                <artifactId>greeting</artifactId><version>1.0.0</version></project>
                """.getBytes(StandardCharsets.UTF_8));
        return jar;
    }

    private int put(String path, byte[] body) throws Exception {
        return http.send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        String credentials = Base64.getEncoder().encodeToString(("admin:" + server.adminPassword)
                .getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(server.url.toString().replaceAll("/$", "") + path))
                .header("Authorization", "Basic " + credentials);
    }

    static Cli.Result assertOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }
}
