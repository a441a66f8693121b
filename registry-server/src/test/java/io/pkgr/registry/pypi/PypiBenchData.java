package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Benchmark data for the /simple/ pages: writes PROJECTS × FILES file records straight into a data
 * directory's {@code pypi/} (no uploads, no blobs: pages need only records), and the same pages
 * pre-rendered as static files for nginx.
 *
 * <pre>java -cp … io.pkgr.registry.pypi.PypiBenchData DATA_DIR NGINX_ROOT [PROJECTS [FILES]]</pre>
 */
public final class PypiBenchData {

    private PypiBenchData() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path nginxRoot = Path.of(args[1]);
        int projects = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int filesPerProject = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        List<String> names = new ArrayList<>();
        for (int p = 0; p < projects; p++) {
            String name = String.format("bench-project-%05d", p);
            names.add(name);
            List<PypiFile> records = new ArrayList<>();
            for (int f = 0; f < filesPerProject; f++) {
                String version = "1." + (f / 2) + ".0";
                boolean wheel = f % 2 == 0;
                String filename = wheel ? name.replace('-', '_') + "-" + version + "-py3-none-any.whl"
                        : name.replace('-', '_') + "-" + version + ".tar.gz";
                String digest = hex.formatHex(sha.digest((name + filename).getBytes(StandardCharsets.UTF_8)));
                String metadata = wheel ? hex.formatHex(sha.digest(("m" + name + filename).getBytes(StandardCharsets.UTF_8))) : null;
                PypiFile record = new PypiFile(new BundleName(name), version, filename, wheel ? "bdist_wheel" : "sdist",
                        new Sha256(digest), digest.substring(0, 32), digest, 10_000 + f, ">=3.8",
                        metadata == null ? null : new Sha256(metadata), wheel ? 900 : 0,
                        "admin", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(p * 100L + f),
                        f == 3, f == 3 ? "bad build" : null);
                records.add(record);
                Path file = data.resolve(StoragePaths.pypiRecord(name, filename).value());
                Files.createDirectories(file.getParent());
                Files.write(file, Json.bytes(record));
            }
            Path page = nginxRoot.resolve("simple").resolve(name);
            Files.createDirectories(page);
            Files.write(page.resolve("index.html"), SimplePages.project(name, records, false));
        }
        Files.write(nginxRoot.resolve("simple").resolve("index.html"), SimplePages.root(names, false));
        System.out.println("wrote " + projects * filesPerProject + " records of " + projects + " projects");
    }
}
