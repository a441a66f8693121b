package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code mvn} (this project's wrapper) against the Maven face: deploy a release (jar, pom,
 * sources) and a snapshot twice, resolve both from a second project, and see a wrong password and
 * a changed release fail. Each build gets its own empty local repository, chained to the user's
 * (read only, {@code maven.repo.local.tail}) for Maven's own plugins, so the library can only come
 * from the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MavenClientsTest {

    static final Path MVNW = Path.of("..", "mvnw").toAbsolutePath().normalize();
    static final Path USER_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @TempDir
    static Path work;
    TestRegistry registry;
    String url;

    @BeforeAll
    void start() throws IOException {
        registry = TestRegistry.start(work.resolve("data"), c -> c);
        url = registry.server.baseUri() + "/maven/";
        writeSettings("good", "admin", "admin-pw");
        writeSettings("bad", "admin", "not-the-password");
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void mvnDeploysAReleaseWithItsSourcesAndChecksums() throws Exception {
        Path lib = library("greeting", "1.0.0", "hello from 1.0.0");

        Result deploy = mvn(lib, "good", "deploy");

        assertEquals(0, deploy.exit, deploy.output);
        String dir = "/maven/com/example/greeting/1.0.0/";
        for (String file : List.of("greeting-1.0.0.jar", "greeting-1.0.0.pom", "greeting-1.0.0-sources.jar")) {
            HttpResponse<byte[]> served = registry.getBytes(registry.request(dir + file, TestRegistry.ADMIN).GET().build());
            assertEquals(200, served.statusCode(), file);
            Path built = file.endsWith(".pom") ? lib.resolve("pom.xml") : lib.resolve("target").resolve(file);
            assertArrayEquals(Files.readAllBytes(built), served.body(), file);
        }
        String metadata = registry.send(registry.request("/maven/com/example/greeting/maven-metadata.xml",
                TestRegistry.ADMIN).GET().build()).body();
        assertTrue(metadata.contains("<release>1.0.0</release>"), metadata);
    }

    @Test
    @Order(2)
    void mvnDeploysASnapshotTwiceAsTwoTimestampedBuilds() throws Exception {
        Result first = mvn(library("tools", "0.2.0-SNAPSHOT", "first build"), "good", "deploy");
        assertEquals(0, first.exit, first.output);
        Result second = mvn(library("tools", "0.2.0-SNAPSHOT", "second build"), "good", "deploy");
        assertEquals(0, second.exit, second.output);

        String metadata = registry.send(registry.request("/maven/com/example/tools/0.2.0-SNAPSHOT/maven-metadata.xml",
                TestRegistry.ADMIN).GET().build()).body();
        assertTrue(metadata.contains("<buildNumber>2</buildNumber>"), metadata);
        assertEquals(2, storedNames("tools").stream().filter(n -> n.matches("tools-0\\.2\\.0-\\d{8}\\.\\d{6}-\\d\\.jar"))
                .count(), storedNames("tools").toString());
    }

    @Test
    @Order(3)
    void aSecondProjectResolvesTheReleaseAndTheNewestSnapshot() throws Exception {
        Path app = work.resolve("app");
        Files.createDirectories(app.resolve("src/main/java/app"));
        Files.writeString(app.resolve("pom.xml"), pom("com.example.app", "app", "1.0", """
                  <dependencies>
                    <dependency><groupId>com.example</groupId><artifactId>greeting</artifactId><version>1.0.0</version></dependency>
                    <dependency><groupId>com.example</groupId><artifactId>tools</artifactId><version>0.2.0-SNAPSHOT</version></dependency>
                  </dependencies>
                  <repositories>
                    <repository>
                      <id>pkgr</id>
                      <url>%s</url>
                      <snapshots><enabled>true</enabled></snapshots>
                    </repository>
                  </repositories>
                """.formatted(url)));
        Files.writeString(app.resolve("src/main/java/app/App.java"), """
                package app;
                public class App {
                    public static void main(String[] args) {
                        System.out.println(com.example.greeting.Message.TEXT + " / " + com.example.tools.Message.TEXT);
                    }
                }
                """);

        Result build = mvn(app, "good", "package");

        assertEquals(0, build.exit, build.output);
        Path local = app.resolve("local-repository/com/example/tools/0.2.0-SNAPSHOT");
        try (Stream<Path> files = Files.list(local)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("tools-0\\.2\\.0-\\d{8}\\.\\d{6}-2\\.jar")), names.toString());
        }
        Result run = run(app, List.of(javaExecutable(), "-cp", classpath(app), "app.App"));
        assertEquals("hello from 1.0.0 / second build", run.output.strip());
    }

    @Test
    @Order(4)
    void aWrongPasswordFailsTheDeployAndStoresNothing() throws Exception {
        List<String> before = registry.storedFiles();

        Result deploy = mvn(library("greeting", "1.1.0", "never stored"), "bad", "deploy");

        assertNotEquals(0, deploy.exit);
        assertTrue(deploy.output.contains("401"), deploy.output);
        assertEquals(before, registry.storedFiles());
    }

    @Test
    @Order(5)
    void redeployingAReleaseWithOtherBytesFailsWith409() throws Exception {
        byte[] jar = registry.getBytes(registry.request("/maven/com/example/greeting/1.0.0/greeting-1.0.0.jar",
                TestRegistry.ADMIN).GET().build()).body();

        Result deploy = mvn(library("greeting", "1.0.0", "changed after release"), "good", "deploy");

        assertNotEquals(0, deploy.exit);
        assertTrue(deploy.output.contains("409"), deploy.output);
        assertTrue(deploy.output.contains("release versions are immutable"), deploy.output);
        assertArrayEquals(jar, registry.getBytes(registry.request("/maven/com/example/greeting/1.0.0/greeting-1.0.0.jar",
                TestRegistry.ADMIN).GET().build()).body());
    }

    /** A library project whose jar holds {@code com.example.ARTIFACT.Message.TEXT}, with a sources jar. */
    private Path library(String artifact, String version, String text) throws IOException {
        Path dir = work.resolve(artifact + "-" + version + "-" + Integer.toHexString(text.hashCode()));
        Path source = dir.resolve("src/main/java/com/example/" + artifact);
        Files.createDirectories(source);
        Files.writeString(source.resolve("Message.java"), "package com.example." + artifact
                + ";\npublic final class Message {\n    public static final String TEXT = \"" + text + "\";\n}\n");
        Files.writeString(dir.resolve("pom.xml"), pom("com.example", artifact, version, """
                  <distributionManagement>
                    <repository><id>pkgr</id><url>%1$s</url></repository>
                    <snapshotRepository><id>pkgr</id><url>%1$s</url></snapshotRepository>
                  </distributionManagement>
                """.formatted(url), """
                      <plugin>
                        <artifactId>maven-jar-plugin</artifactId>
                        <executions>
                          <execution>
                            <id>sources</id>
                            <goals><goal>jar</goal></goals>
                            <configuration>
                              <classifier>sources</classifier>
                              <classesDirectory>src/main/java</classesDirectory>
                            </configuration>
                          </execution>
                        </executions>
                      </plugin>
                """));
        return dir;
    }

    private static String pom(String group, String artifact, String version, String body) {
        return pom(group, artifact, version, body, "");
    }

    /** A pom with the plugin versions this project builds with (in the user's repository, so no download). */
    private static String pom(String group, String artifact, String version, String body, String plugins) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp>
                  </properties>
                %s
                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                        <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
                        <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
                        <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                        <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
                        <plugin><artifactId>maven-deploy-plugin</artifactId><version>3.1.4</version></plugin>
                        <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                      </plugins>
                    </pluginManagement>
                    <plugins>
                %s    </plugins>
                  </build>
                </project>
                """.formatted(group, artifact, version, body, plugins);
    }

    private void writeSettings(String name, String user, String password) throws IOException {
        Files.writeString(work.resolve("settings-" + name + ".xml"), """
                <settings>
                  <servers>
                    <server><id>pkgr</id><username>%s</username><password>%s</password></server>
                  </servers>
                </settings>
                """.formatted(user, password));
    }

    private Result mvn(Path project, String settings, String goal) throws Exception {
        List<String> command = new ArrayList<>(List.of(MVNW.toString(), "-B", "-ntp",
                "-s", work.resolve("settings-" + settings + ".xml").toString(),
                "-Dmaven.repo.local=" + project.resolve("local-repository"),
                "-Dmaven.repo.local.tail=" + USER_REPOSITORY,
                "-Dmaven.test.skip=true", goal));
        return run(project, command);
    }

    private Result run(Path dir, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("MAVEN_ARGS");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private String classpath(Path app) {
        Path local = app.resolve("local-repository/com/example");
        try (Stream<Path> jars = Files.walk(local)) {
            List<String> parts = new ArrayList<>(List.of(app.resolve("target/classes").toString()));
            jars.filter(p -> p.toString().endsWith(".jar") && !p.toString().endsWith("-sources.jar")
                    && !p.getFileName().toString().endsWith("-SNAPSHOT.jar"))
                    .map(Path::toString).forEach(parts::add);
            return String.join(java.io.File.pathSeparator, parts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> storedNames(String artifact) {
        try (Stream<Path> files = Files.walk(work.resolve("data/maven/com/example/" + artifact))) {
            return files.map(p -> p.getFileName().toString().replaceAll("\\.json$", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Result(int exit, String output) {
    }
}
