package io.pkgr.cli.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.api.ApiJson;
import io.pkgr.api.BundleSignature;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.JsonFields;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.FileOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a pinned spec or a lock entry into a {@link ResolvedBundle}: the local cache first (so a
 * warm run needs no network), then the registry's version record, which is cached for next time.
 * Only the record is fetched here, never the bundle: parameters are checked before any download.
 */
public final class Resolver {

    private final CliContext context;
    private final CacheLayout cache;

    public Resolver(CliContext context) {
        this.context = context;
        this.cache = context.cache();
    }

    /** Resolves NAME==VERSION or NAME@sha256:HEX; ranges are refused. */
    public ResolvedBundle resolve(BundleSpec spec, String repositoryOption) {
        if (!spec.version().isPinned()) {
            throw new CliException(ExitCode.USAGE, "'" + spec + "' is not a pinned version: a task runs exactly what it pins."
                    + " Use NAME==VERSION or NAME@sha256:HEX, or resolve the range once with 'pkgr lock " + spec
                    + "' and run with --lock pkgr.lock");
        }
        if (spec.version() instanceof VersionSpec.Digest d) {
            ResolvedBundle cached = cached(d.sha256(), null);
            if (cached != null) {
                if (!cached.name().sameAs(spec.name())) {
                    throw new CliException(ExitCode.INTEGRITY, spec.name() + "@" + d.sha256() + " is " + cached.name()
                            + " " + cached.version() + ", not " + spec.name());
                }
                return cached;
            }
            String repo = context.repositoryName(repositoryOption);
            VersionList versions = context.registry(repo).versions(spec.name());
            for (VersionList.Item v : versions.versions()) {
                if (d.sha256().equals(v.sha256())) {
                    return fetch(repo, spec.name(), v.version(), d.sha256());
                }
            }
            throw new CliException(ExitCode.NOT_FOUND, "no version of " + spec.name() + " on '" + repo + "' has "
                    + d.sha256());
        }
        Version version = ((VersionSpec.Exact) spec.version()).version();
        String repo = context.repositoryName(repositoryOption);
        Path index = cache.indexFile(repo, spec.name(), version);
        if (Files.isRegularFile(index)) {
            try {
                ResolvedBundle cached = cached(Sha256.parse(Files.readString(index).trim()), repo);
                if (cached != null && cached.name().sameAs(spec.name()) && cached.version().equals(version)) {
                    return cached;
                }
            } catch (IOException | RuntimeException e) {
                // a damaged index entry: ask the registry
            }
        }
        return fetch(repo, spec.name(), version, null);
    }

    /** Resolves a lock entry: its sha256 is the truth, whatever the registry says now. */
    public ResolvedBundle resolve(Lockfile.Entry entry, String repositoryOption) {
        ResolvedBundle cached = cached(entry.sha256(), null);
        if (cached != null && cached.name().sameAs(entry.bundle()) && cached.version().equals(entry.version())) {
            return cached;
        }
        String repo = repositoryOption != null ? repositoryOption
                : entry.repository() != null ? entry.repository() : context.repositoryName(null);
        return fetch(repo, entry.bundle(), entry.version(), entry.sha256());
    }

    /** The cached record for a digest, or null. */
    ResolvedBundle cached(Sha256 sha256, String repository) {
        Path file = cache.recordFile(sha256);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            // the streaming parser only: this is the warm run's path, where data binding would cost more than the run
            JsonFields record = JsonFields.parse(Files.readAllBytes(file));
            if (!sha256.hex().equals(record.text("sha256"))) {
                return null;
            }
            return fromRecord(record, repository != null ? repository : record.textOrNull("repository"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ResolvedBundle fetch(String repo, BundleName name, Version version, Sha256 expected) {
        VersionRecord fetched = context.registry(repo).record(name, version);
        Sha256 actual = fetched.sha256();
        if (expected != null && !expected.equals(actual)) {
            throw new CliException(ExitCode.INTEGRITY, "registry '" + repo + "' has " + name + " " + version + " as "
                    + actual + " but " + expected + " was pinned; nothing was installed");
        }
        // the cache keeps the record as the registry sent it, plus where it came from
        JsonNode record = ApiJson.MAPPER.valueToTree(fetched);
        ResolvedBundle resolved;
        try {
            resolved = fromRecord(JsonFields.parse(ApiJson.MAPPER.writeValueAsBytes(record)), repo);
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, "unreadable version record: " + e.getMessage());
        }
        save(record, resolved);
        return resolved;
    }

    private void save(JsonNode record, ResolvedBundle r) {
        try {
            ObjectNode copy = record.deepCopy();
            copy.put("repository", r.repository());
            Files.createDirectories(cache.bundlesDir());
            FileOps.writeAtomically(cache.recordFile(r.sha256()), new ObjectMapper().writeValueAsBytes(copy));
            Path index = cache.indexFile(r.repository(), r.name(), r.version());
            Files.createDirectories(index.getParent());
            FileOps.writeAtomically(index, (r.sha256().hex() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot write to the cache " + cache.root() + ": " + e.getMessage());
        }
    }

    private static BundleSignature signature(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            JsonFields fields = JsonFields.parse(json);
            return new BundleSignature(fields.text("key"), fields.text("signature"));
        } catch (IOException | RuntimeException e) {
            throw new CliException(ExitCode.INTEGRITY, "the version record's signature is malformed: " + e.getMessage());
        }
    }

    private static ResolvedBundle fromRecord(JsonFields record, String repository) {
        byte[] manifestJson = record.object("manifest");
        if (manifestJson == null) {
            throw new CliException(ExitCode.REGISTRY, "the version record has no manifest (is it a pkgr registry?)");
        }
        Manifest manifest = Manifest.parseJson(manifestJson);
        return new ResolvedBundle(manifest.name(), manifest.version(), Sha256.parse(record.text("sha256")),
                record.number("size", 0), manifest, repository, record.bool("yanked", false),
                record.textOrNull("yank_reason"), signature(record.object("signature")));
    }
}
