package io.pkgr.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pkgr.registry.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose files, Dockerfiles and Kubernetes manifests refer only to things that exist. */
class DeployFilesTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+)([:?-][^}]*)?}");
    private static final Pattern DOCKERFILE_SOURCE = Pattern.compile("(?m)^(?:ADD|COPY)(?:\\s+--\\S+)*\\s+(\\S+)\\s+\\S+$");
    private static final Path DOCKER = Release.repo().resolve("docker");

    @Test
    void everyFileAVolumeOrBuildNamesExistsAndEveryNamedVolumeIsDeclared() throws IOException {
        // given the registry compose file, and the Airflow override that is applied on top of it
        List<JsonNode> files = List.of(yaml(DOCKER.resolve("compose.yaml")), yaml(DOCKER.resolve("airflow/compose.yaml")));
        Set<String> declaredVolumes = new HashSet<>();
        files.forEach(f -> f.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add));

        for (JsonNode file : files) {
            for (JsonNode service : iterable(file.path("services"))) {
                // then a build's context and Dockerfile exist (paths are relative to docker/, the first file's directory)
                JsonNode build = service.path("build");
                Path context = DOCKER.resolve(build.path("context").asText()).normalize();
                assertTrue(Files.isRegularFile(context.resolve(build.path("dockerfile").asText())), build.toString());
                // and a volume is a declared named volume or an existing file beside the compose file
                for (JsonNode volume : service.path("volumes")) {
                    String source = volume.asText().split(":")[0];
                    if (source.startsWith(".")) {
                        assertTrue(Files.exists(DOCKER.resolve(source)), source);
                    } else {
                        assertTrue(declaredVolumes.contains(source), "volume " + source + " is declared");
                    }
                }
            }
        }
    }

    @Test
    void theRegistryIsConfiguredOnlyThroughVariablesItReadsAndEveryInterpolatedVariableIsDocumented() throws IOException {
        // given the compose files and the deploy docs
        String deployDoc = Files.readString(Release.repo().resolve("docs/deploy.md"));
        Set<String> serveVariables = new HashSet<>(ServerOptions.environmentVariables());

        // then each PKGR_ variable given to the registry container is one `pkgr serve` reads
        JsonNode registry = yaml(DOCKER.resolve("compose.yaml")).path("services").path("registry");
        registry.path("environment").fieldNames().forEachRemaining(name ->
                assertTrue(serveVariables.contains(name), name + " is a pkgr serve option"));
        for (JsonNode manifest : k8sDocuments()) {
            for (JsonNode container : containers(manifest)) {
                for (JsonNode env : container.path("env")) {
                    if (container.path("image").asText().equals(Images.REGISTRY)) {
                        assertTrue(serveVariables.contains(env.path("name").asText()), env.toString());
                    }
                }
            }
        }
        // and each ${VARIABLE} a compose file interpolates is explained in docs/deploy.md
        for (Path compose : List.of(DOCKER.resolve("compose.yaml"), DOCKER.resolve("airflow/compose.yaml"),
                DOCKER.resolve("compose.ha.yaml"))) {
            Matcher m = INTERPOLATION.matcher(Files.readString(compose));
            while (m.find()) {
                assertTrue(deployDoc.contains("`" + m.group(1) + "`"), m.group(1) + " is documented in docs/deploy.md");
            }
        }
    }

    @Test
    void theHaComposeFileRunsReplicasOnOneBucketAndOneDatabaseBehindNginx() throws IOException {
        // given compose.ha.yaml with its anchors and aliases resolved, as Compose resolves them
        JsonNode compose = yamlWithAliases(DOCKER.resolve("compose.ha.yaml"));
        JsonNode services = compose.path("services");
        Set<String> serveVariables = new HashSet<>(ServerOptions.environmentVariables());
        Set<String> declaredSecrets = new HashSet<>();
        compose.path("secrets").fieldNames().forEachRemaining(declaredSecrets::add);
        Set<String> declaredVolumes = new HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add);
        List<String> replicas = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (Images.REGISTRY.equals(services.path(name).path("image").asText())) {
                replicas.add(name);
            }
        });

        // then there are several replicas, configured alike: one bucket, one database, the same users and rules
        assertTrue(replicas.size() >= 2, replicas.toString());
        JsonNode first = services.path(replicas.get(0));
        for (String replica : replicas) {
            JsonNode service = services.path(replica);
            for (String key : List.of("environment", "volumes", "secrets", "build")) {
                assertEquals(first.path(key), service.path(key), replica + " has the " + key + " of " + replicas.get(0));
            }
        }
        JsonNode env = first.path("environment");
        env.fieldNames().forEachRemaining(name -> assertTrue(!name.startsWith("PKGR_") || serveVariables.contains(name),
                name + " is a pkgr serve option"));
        assertTrue(env.path("PKGR_STORAGE").asText().startsWith("s3://"), env.toString());
        assertTrue(env.path("PKGR_DATABASE").asText().startsWith("postgresql://"), env.toString());
        assertTrue(env.path("PKGR_DATABASE").asText().contains("@postgres:"), "the database is the postgres service");
        assertTrue(services.has(URI.create(env.path("PKGR_S3_ENDPOINT").asText()).getHost()), "the S3 endpoint is a service");
        assertTrue(env.has("AWS_ACCESS_KEY_ID") && env.has("AWS_SECRET_ACCESS_KEY"), "the SDK's environment credentials");
        assertTrue(!env.has("PKGR_DATABASE_PASSWORD"), "the database password comes as a secret file");
        String passwordFile = env.path("PKGR_DATABASE_PASSWORD_FILE").asText();
        assertTrue(passwordFile.startsWith("/run/secrets/"), passwordFile);
        List<String> replicaSecrets = new ArrayList<>();
        first.path("secrets").forEach(secret -> replicaSecrets.add(secret.asText()));
        assertTrue(replicaSecrets.contains(passwordFile.substring("/run/secrets/".length())), replicaSecrets.toString());
        // and the users and rules are the same files for all, mounted read-only where PKGR_HTPASSWD and PKGR_ACCESS point
        List<String> mounts = new ArrayList<>();
        first.path("volumes").forEach(v -> mounts.add(v.asText()));
        assertTrue(mounts.contains("./htpasswd:" + env.path("PKGR_HTPASSWD").asText() + ":ro"), mounts.toString());
        assertTrue(mounts.contains("./access.yaml:" + env.path("PKGR_ACCESS").asText() + ":ro"), mounts.toString());

        // and every file, volume, secret and dependency a service names exists
        for (String name : iterableNames(services)) {
            JsonNode service = services.path(name);
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) {
                Path context = DOCKER.resolve(build.path("context").asText()).normalize();
                assertTrue(Files.isRegularFile(context.resolve(build.path("dockerfile").asText())), name + ": " + build);
            }
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.isRegularFile(DOCKER.resolve(source)), name + ": " + source);
                } else {
                    assertTrue(declaredVolumes.contains(source), name + ": volume " + source + " is declared");
                }
            }
            service.path("secrets").forEach(secret -> assertTrue(declaredSecrets.contains(secret.asText()), name + ": " + secret));
            JsonNode dependsOn = service.path("depends_on");
            List<String> dependencies = new ArrayList<>();
            if (dependsOn.isArray()) {
                dependsOn.forEach(d -> dependencies.add(d.asText()));
            } else {
                dependsOn.fieldNames().forEachRemaining(dependencies::add);
            }
            dependencies.forEach(d -> assertTrue(services.has(d), name + " depends on " + d + ", a service"));
        }

        // and nginx balances over exactly the replicas, streaming both ways
        String nginx = nginxConfig(services);
        Matcher upstream = Pattern.compile("(?m)^\\s*server\\s+([a-z0-9-]+):8080\\b").matcher(nginx);
        List<String> upstreams = new ArrayList<>();
        while (upstream.find()) {
            upstreams.add(upstream.group(1));
        }
        assertEquals(replicas.stream().sorted().toList(), upstreams.stream().sorted().toList());
        for (String directive : List.of("client_max_body_size 0;", "proxy_request_buffering off;", "proxy_buffering off;",
                "proxy_next_upstream error timeout;")) {
            assertTrue(nginx.contains(directive), directive);
        }
        assertTrue(!Pattern.compile("(?m)^\\s*proxy_next_upstream\\s[^;]*non_idempotent").matcher(nginx).find(),
                "nginx never sends a POST twice");
    }

    @Test
    void theNginxConfigurationOfTheHaComposeFileIsOneNginxAccepts(@TempDir Path dir) throws Exception {
        // given docker/nginx/pkgr.conf in an http block, as the nginx image includes it, with the replicas on loopback
        String config = nginxConfig(yamlWithAliases(DOCKER.resolve("compose.ha.yaml")).path("services"))
                .replaceAll("registry-\\d+:8080", "127.0.0.1:8080")
                .replace("listen 8080;", "listen 127.0.0.1:8080;");
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "error_log " + dir.resolve("error.log") + ";\n"
                + "pid " + dir.resolve("nginx.pid") + ";\nevents {}\nhttp {\n" + config + "\n}\n");

        // when nginx tests it
        Process nginx = new ProcessBuilder("nginx", "-t", "-q", "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true).start();
        String out = new String(nginx.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        // then it accepts every directive
        assertTrue(nginx.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, nginx.exitValue(), out);
    }

    private static String nginxConfig(JsonNode services) throws IOException {
        for (JsonNode volume : services.path("nginx").path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[1].startsWith("/etc/nginx/conf.d/")) {
                return Files.readString(DOCKER.resolve(parts[0]));
            }
        }
        throw new AssertionError("the nginx service mounts no configuration into /etc/nginx/conf.d");
    }

    /** A YAML file with its anchors, aliases and merge keys resolved (Jackson's YAML parser keeps aliases unresolved). */
    private static JsonNode yamlWithAliases(Path file) throws IOException {
        Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(file));
        return YAML.valueToTree(tree);
    }

    private static List<String> iterableNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyImageNamedIsOneThatIsBuiltHere() throws IOException {
        // given every image a compose file, manifest, DAG or Dockerfile argument names
        List<String> named = new ArrayList<>();
        for (Path compose : List.of(DOCKER.resolve("compose.yaml"), DOCKER.resolve("airflow/compose.yaml"))) {
            iterable(yaml(compose).path("services")).forEach(s -> named.add(s.path("image").asText()));
        }
        for (JsonNode manifest : k8sDocuments()) {
            containers(manifest).forEach(c -> named.add(c.path("image").asText()));
        }
        Matcher dag = Pattern.compile("image=\"([^\"]+)\"").matcher(Files.readString(DOCKER.resolve("airflow/dags/pkgr_example.py")));
        while (dag.find()) {
            named.add(dag.group(1));
        }
        Matcher runnerArg = Pattern.compile("(?m)^ARG RUNNER=(\\S+)$").matcher(Files.readString(DOCKER.resolve("airflow/Dockerfile")));
        assertTrue(runnerArg.find());
        named.add(runnerArg.group(1));

        // then each is one of the images the container tests build (or the Airflow image built on the runner)
        assertTrue(named.size() >= 6, named.toString());
        named.forEach(image -> assertTrue(Images.ALL.contains(image), image + " is built here"));
        assertTrue(named.contains(Images.REGISTRY) && named.contains(Images.RUNNER), named.toString());
    }

    @Test
    void everyDockerfileCopiesOnlyFilesThatExist() throws IOException {
        for (String dockerfile : List.of("docker/registry.Dockerfile", "docker/runner.Dockerfile", "docker/airflow/Dockerfile")) {
            Matcher m = DOCKERFILE_SOURCE.matcher(Files.readString(Release.repo().resolve(dockerfile)));
            while (m.find()) {
                String source = m.group(1);
                if (source.contains("*")) {
                    // the release archive: exactly one, so ADD unpacks one directory
                    Path dir = Release.repo().resolve(source).getParent();
                    String glob = Path.of(source).getFileName().toString();
                    try (var matches = Files.newDirectoryStream(dir, glob)) {
                        assertEquals(1, count(matches), dockerfile + ": " + source);
                    }
                } else {
                    assertTrue(Files.isRegularFile(Release.repo().resolve(source)), dockerfile + ": " + source);
                }
            }
        }
    }

    @Test
    void theKubernetesManifestsReferToObjectsTheyDefineAndProbeHealthAndReadiness() throws IOException {
        // given every manifest kustomization.yaml lists
        JsonNode kustomization = yaml(DOCKER.resolve("k8s/kustomization.yaml"));
        List<JsonNode> docs = k8sDocuments();
        Set<String> defined = new HashSet<>();
        docs.forEach(d -> defined.add(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()));
        try (Stream<Path> files = Files.list(DOCKER.resolve("k8s"))) {
            assertEquals(files.filter(f -> !f.endsWith("kustomization.yaml")).count(), kustomization.path("resources").size(),
                    "kustomization.yaml lists every manifest");
        }

        for (JsonNode doc : docs) {
            JsonNode pod = podSpec(doc);
            if (pod.isMissingNode()) {
                continue;
            }
            // then each volume's Secret, ConfigMap or claim is defined, and each mount names a volume
            Set<String> volumes = new HashSet<>();
            for (JsonNode volume : pod.path("volumes")) {
                volumes.add(volume.path("name").asText());
                requireDefined(defined, "Secret", volume.path("secret").path("secretName"));
                requireDefined(defined, "ConfigMap", volume.path("configMap").path("name"));
                requireDefined(defined, "PersistentVolumeClaim", volume.path("persistentVolumeClaim").path("claimName"));
            }
            for (JsonNode container : pod.path("containers")) {
                container.path("volumeMounts").forEach(m -> assertTrue(volumes.contains(m.path("name").asText()), m.toString()));
                container.path("envFrom").forEach(e -> requireDefined(defined, "Secret", e.path("secretRef").path("name")));
                assertTrue(container.path("resources").path("requests").size() > 0, "resource requests: " + container);
                if (container.path("image").asText().equals(Images.REGISTRY)) {
                    assertEquals("/healthz", container.path("livenessProbe").path("httpGet").path("path").asText());
                    assertEquals("/readyz", container.path("readinessProbe").path("httpGet").path("path").asText());
                }
            }
        }
        // and the Service and the PodDisruptionBudget select the registry's pods
        JsonNode labels = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()
                .path("spec").path("template").path("metadata").path("labels");
        docs.stream().filter(d -> d.path("kind").asText().equals("Service"))
                .forEach(s -> assertEquals(labels, s.path("spec").path("selector")));
        docs.stream().filter(d -> d.path("kind").asText().equals("PodDisruptionBudget"))
                .forEach(p -> assertEquals(labels, p.path("spec").path("selector").path("matchLabels")));
        assertTrue(defined.contains("PodDisruptionBudget/pkgr-registry") && defined.contains("Job/hello-pipeline"), defined.toString());
    }

    private static void requireDefined(Set<String> defined, String kind, JsonNode name) {
        if (!name.isMissingNode()) {
            assertTrue(defined.contains(kind + "/" + name.asText()), kind + "/" + name.asText() + " is defined");
        }
    }

    private static JsonNode podSpec(JsonNode doc) {
        return doc.path("spec").path("template").path("spec");
    }

    private static List<JsonNode> containers(JsonNode doc) {
        List<JsonNode> list = new ArrayList<>();
        podSpec(doc).path("containers").forEach(list::add);
        return list;
    }

    private static List<JsonNode> k8sDocuments() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode resource : yaml(DOCKER.resolve("k8s/kustomization.yaml")).path("resources")) {
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(DOCKER.resolve("k8s").resolve(resource.asText()).toFile())) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        assertTrue(doc.hasNonNull("apiVersion") && doc.hasNonNull("kind"), resource + ": " + doc);
                        docs.add(doc);
                    }
                }
            }
        }
        return docs;
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static Iterable<JsonNode> iterable(JsonNode object) {
        List<JsonNode> values = new ArrayList<>();
        object.elements().forEachRemaining(values::add);
        return values;
    }

    private static long count(Iterable<?> items) {
        long n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
