package io.pkgr.cli.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pkgr.api.BundleSignature;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Progress;
import io.pkgr.cli.RegistryCommand;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.cli.sign.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pkgr publish}: verify bundles locally, then stream them to a registry. */
@Command(name = "publish",
        sortOptions = false,
        header = "Publish bundles to a registry.",
        description = {
                "Checks each bundle locally (the same checks the registry makes), then sends it with",
                "its sha256. A registry that stores layers is asked which of the bundle's blobs (each",
                "vendored wheel or jar, the project's files) it lacks and receives only those plus the",
                "manifest; it re-assembles the file and publishes it only if the sha256 is the same.",
                "Otherwise (an older registry) the whole file is streamed, as with --whole.",
                "Published versions are immutable: the same bytes again succeed, other",
                "bytes for an existing version fail with exit code 5 (unless --skip-existing).",
                "Connection failures are retried with back-off; that is safe because publishing is",
                "put-if-absent. Without FILES, publishes dist/*.pkgr.",
                "With --sign KEY the registry stores the signature with the version (it checks that it is",
                "valid); a version already published keeps what it was published with.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr publish -r private",
                "  pkgr publish -r private dist/churn-model-1.4.0.pkgr",
                "  pkgr publish -r private --skip-existing        in CI, re-running a release job",
                "  pkgr publish -r private --sign release-key     signed (see pkgr key generate, docs/signing.md)",
                "Exit codes: 0 published or already there, 4 credentials, 5 version exists with other bytes,",
                "6 registry unreachable, 2 invalid bundle or usage.",
        })
public final class PublishCommand extends RegistryCommand {

    @Option(names = "--skip-existing", description = "Skip (exit 0) when a version already exists with other bytes")
    boolean skipExisting;

    @Option(names = "--whole", description = "Upload the whole .pkgr file, even to a registry that stores layers")
    boolean whole;

    @Option(names = "--json", description = "Print one JSON result per bundle (with the bytes uploaded)")
    boolean json;

    @Option(names = "--sign", paramLabel = "KEY",
            description = "Sign each bundle (its sha256, name and version) with this Ed25519 private key file"
                    + " (OpenSSH or PKCS#8 PEM; see pkgr key generate); the registry keeps the signature with the version")
    Path sign;

    @Parameters(paramLabel = "FILES", arity = "0..*", description = "Bundle files (default: dist/*.pkgr)")
    List<Path> files = new ArrayList<>();

    public PublishCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> bundles = bundles();
        SigningKey key = sign == null ? null : SigningKey.read(context.settings().resolve(sign.toString()));
        RegistryClient client = repository.client(context);
        ArrayNode results = new ObjectMapper().createArrayNode();
        for (Path file : bundles) {
            BundleInfo info = BundleReader.verify(file);
            var manifest = info.manifest();
            String what = manifest.name() + " " + manifest.version();
            BundleSignature signature = key == null ? null : key.sign(info);
            String status;
            long uploaded = info.size();
            try (Progress progress = Progress.start(err, "publishing " + what, info.size(), json)) {
                java.util.Optional<LayeredUpload.Result> layered = whole ? java.util.Optional.empty()
                        : new LayeredUpload(client, err).publish(file, info, progress, signature);
                RegistryClient.PublishOutcome outcome;
                if (layered.isPresent()) {
                    outcome = layered.get().outcome();
                    uploaded = layered.get().uploaded();
                } else {
                    outcome = client.publish(manifest.name(), manifest.version(), file, info.sha256(), progress,
                            signature);
                }
                status = outcome == RegistryClient.PublishOutcome.CREATED ? "published" : "unchanged";
            } catch (CliException e) {
                if (e.exitCode() != ExitCode.CONFLICT) {
                    throw e;
                }
                if (!skipExisting) {
                    throw new CliException(ExitCode.CONFLICT, e.getMessage() + " (yours: " + info.sha256()
                            + "); bump the version, or pass --skip-existing");
                }
                err.println("pkgr: skipped " + what + ": " + e.getMessage());
                status = "skipped";
            }
            if (json) {
                results.addObject().put("name", manifest.name().value()).put("version", manifest.version().toString())
                        .put("sha256", info.sha256().hex()).put("size", info.size()).put("status", status)
                        .put("uploaded", status.equals("skipped") ? 0 : uploaded)
                        .put("repository", client.repository().name());
            } else if (status.equals("published")) {
                out.println("published " + what + "  " + info.sha256() + "  to " + client.repository().name()
                        + (key == null ? "" : "  signed by " + key.fingerprint()));
            } else if (status.equals("unchanged")) {
                out.println(what + " is already on " + client.repository().name() + " with the same bytes  " + info.sha256());
            }
            out.flush();
        }
        if (json) {
            if (key != null) {
                results.forEach(r -> ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("signed_by", key.fingerprint()));
            }
            out.println(results);
            out.flush();
        }
        return ExitCode.OK;
    }

    private List<Path> bundles() throws IOException {
        if (!files.isEmpty()) {
            List<Path> resolved = new ArrayList<>();
            for (Path f : files) {
                Path p = context.settings().resolve(f.toString());
                if (!Files.isRegularFile(p)) {
                    throw new CliException(ExitCode.USAGE, f + ": no such bundle file");
                }
                resolved.add(p);
            }
            return resolved;
        }
        Path dist = context.settings().resolve("dist");
        if (!Files.isDirectory(dist)) {
            throw new CliException(ExitCode.USAGE, "no dist/ directory here: run 'pkgr build' first or name the files");
        }
        try (Stream<Path> s = Files.list(dist)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".pkgr")).sorted().toList();
            if (found.isEmpty()) {
                throw new CliException(ExitCode.USAGE, "no .pkgr files in dist/: run 'pkgr build' first");
            }
            return found;
        }
    }
}
