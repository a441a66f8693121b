package io.pkgr.catalog.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.testing.PostgresCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes starting together on one empty database, each on a fresh disk with no
 * htpasswd file: one admin for both, stored in the database by whichever won, its password written
 * once by the winner, and it works on both.
 */
class SharedAdminTest {

    private static final Pattern CREATED = Pattern.compile(
            "created user admin in the catalog database; its password is in (\\S+)");

    @Test
    void replicasRacingAFirstStartCreateOneAdminWhosePasswordWorksOnBoth(@TempDir Path tmp) throws Exception {
        try (PostgresCluster pg = PostgresCluster.launch()) {
            String url = pg.createDatabase("fresh");
            Path diskOne = tmp.resolve("one");
            Path diskTwo = tmp.resolve("two");

            CompletableFuture<ReplicasTest.Replica> startingOne = CompletableFuture.supplyAsync(() -> start(diskOne, url, pg.password()));
            CompletableFuture<ReplicasTest.Replica> startingTwo = CompletableFuture.supplyAsync(() -> start(diskTwo, url, pg.password()));
            try (ReplicasTest.Replica one = startingOne.get(); ReplicasTest.Replica two = startingTwo.get()) {
                List<String> passwordFiles = new ArrayList<>();
                for (ReplicasTest.Replica replica : List.of(one, two)) {
                    for (String line : List.copyOf(replica.output)) {
                        Matcher m = CREATED.matcher(line);
                        if (m.find()) {
                            passwordFiles.add(m.group(1));
                        }
                    }
                }

                assertEquals(1, passwordFiles.size(), "one replica created the admin:\n" + one.output + "\n" + two.output);
                String password = Files.readString(Path.of(passwordFiles.get(0))).strip();
                assertEquals(1, List.of(diskOne, diskTwo).stream()
                        .filter(d -> Files.exists(d.resolve("admin-password"))).count(), "only the winner wrote the password");
                assertFalse(Files.exists(diskOne.resolve("htpasswd")) || Files.exists(diskTwo.resolve("htpasswd")),
                        "no replica keeps users on its own disk");
                assertEquals("1", pg.psql("fresh", "SELECT count(*) FROM registry_users"));
                assertTrue(pg.psql("fresh", "SELECT password_hash FROM registry_users WHERE name = 'admin'")
                        .startsWith("$2y$12$"));
                for (ReplicasTest.Replica replica : List.of(one, two)) {
                    assertEquals(200, whoami(replica, "admin:" + password).statusCode());
                    assertEquals(401, whoami(replica, "admin:not-" + password).statusCode());
                }
                assertEquals(Files.readString(diskOne.resolve("access.yaml")), Files.readString(diskTwo.resolve("access.yaml")),
                        "both replicas give the admin the same rights");
            }
        }
    }

    private static ReplicasTest.Replica start(Path disk, String url, String password) {
        try {
            return ReplicasTest.Replica.start(disk, url, password);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> whoami(ReplicasTest.Replica replica, String credentials) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port
                + "/api/v1/whoami")).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        credentials.getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
