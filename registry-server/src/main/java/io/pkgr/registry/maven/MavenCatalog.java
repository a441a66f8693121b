package io.pkgr.registry.maven;

import io.pkgr.bundle.Sha256;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the hosted Maven repository holds, for readers other than the Maven face (the web UI):
 * the artifacts stored and, per artifact, its versions and files. Read from the store like
 * everything else of the repository; knows nothing of HTTP or of who may read what.
 */
public final class MavenCatalog {

    private final MavenRepository repository;
    private final MavenIndex index;

    MavenCatalog(MavenRepository repository, MavenIndex index) {
        this.repository = repository;
        this.index = index;
    }

    /** One artifact: its versions, newest first (Maven Resolver's order). */
    public record Artifact(String groupId, String artifactId, List<ArtifactVersion> versions) {

        /** {@code GROUP:ARTIFACT}: the name access rules match. */
        public String coordinates() {
            return groupId + ":" + artifactId;
        }
    }

    /** One version of an artifact and its stored files, sorted by name. */
    public record ArtifactVersion(String version, boolean snapshot, List<StoredFile> files) {
    }

    /** One stored file of a version. */
    public record StoredFile(String name, Sha256 sha256, long size, Instant uploaded) {
    }

    /**
     * Up to {@code limit} coordinates ({@code GROUP:ARTIFACT}) of stored artifacts that {@code accept}
     * takes, sorted: from memory (see {@link MavenIndex} for how fresh), never a listing of the store.
     */
    public List<String> find(Predicate<String> accept, int limit) {
        return index.find(accept, limit);
    }

    /** Artifacts with at least one stored file, as far as this process knows (see {@link #find}). */
    public int artifactCount() {
        return index.size();
    }

    /** The artifact {@code groupId:artifactId}; empty when the names are not valid Maven names or nothing is stored. */
    public Optional<Artifact> artifact(String groupId, String artifactId) throws IOException {
        MavenPath path;
        try {
            path = MavenPath.parse(groupId.replace('.', '/') + "/" + artifactId + "/" + MavenPath.METADATA);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!path.groupId().equals(groupId) || !path.artifactId().equals(artifactId)) {
            return Optional.empty(); // e.g. a group with an empty part
        }
        Map<String, List<StoredFile>> byVersion = new TreeMap<>();
        for (MavenFile file : repository.files(path)) {
            MavenPath stored = MavenPath.parse(file.path());
            byVersion.computeIfAbsent(stored.version(), v -> new ArrayList<>())
                    .add(new StoredFile(stored.fileName(), file.sha256(), file.size(), file.uploaded()));
        }
        if (byVersion.isEmpty()) {
            return Optional.empty();
        }
        List<ArtifactVersion> versions = new ArrayList<>();
        byVersion.forEach((version, files) -> {
            files.sort(Comparator.comparing(StoredFile::name));
            versions.add(new ArtifactVersion(version, MavenPath.isSnapshot(version), List.copyOf(files)));
        });
        versions.sort(Comparator.comparing((ArtifactVersion v) -> MavenMetadata.parse(v.version())).reversed());
        return Optional.of(new Artifact(groupId, artifactId, List.copyOf(versions)));
    }
}
