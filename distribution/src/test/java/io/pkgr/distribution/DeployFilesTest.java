package io.pkgr.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pkgr.registry.ServerOptions;
import java.io.IOException;
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
        for (Path compose : List.of(DOCKER.resolve("compose.yaml"), DOCKER.resolve("airflow/compose.yaml"))) {
            Matcher m = INTERPOLATION.matcher(Files.readString(compose));
            while (m.find()) {
                assertTrue(deployDoc.contains("`" + m.group(1) + "`"), m.group(1) + " is documented in docs/deploy.md");
            }
        }
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
