package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rendering one {@code /simple/{project}/} page (HTML and PEP 691 JSON) from its file records, the
 * work the routes do once per change of a project, and the root page over 10,000 projects.
 * Lives in the server's package because {@link SimplePages} is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimplePagesBenchmark {

    @Param({"20"})
    int files;

    private List<PypiFile> records;
    private List<String> projects;

    @Setup
    public void setUp() {
        records = new ArrayList<>();
        String name = "bench-project-00042";
        for (int f = 0; f < files; f++) {
            String version = "1." + (f / 2) + ".0";
            boolean wheel = f % 2 == 0;
            String filename = name.replace('-', '_') + "-" + version + (wheel ? "-py3-none-any.whl" : ".tar.gz");
            String digest = String.format("%064x", f * 7919L + 1);
            records.add(new PypiFile(new BundleName(name), version, filename, wheel ? "bdist_wheel" : "sdist",
                    new Sha256(digest), digest.substring(0, 32), digest, 10_000 + f, ">=3.8",
                    wheel ? new Sha256(digest) : null, wheel ? 900 : 0,
                    "admin", Instant.parse("2025-01-01T00:00:00Z").plusSeconds(f), f == 3,
                    f == 3 ? "bad build" : null));
        }
        projects = new ArrayList<>();
        for (int p = 0; p < 10_000; p++) {
            projects.add(String.format("bench-project-%05d", p));
        }
    }

    /** One project page, PEP 503 HTML. */
    @Benchmark
    public byte[] projectHtml() {
        return SimplePages.project("bench-project-00042", records, false);
    }

    /** One project page, PEP 691 JSON. */
    @Benchmark
    public byte[] projectJson() {
        return SimplePages.project("bench-project-00042", records, true);
    }

    /** The root page listing 10,000 projects, HTML. */
    @Benchmark
    public byte[] rootHtml10k() {
        return SimplePages.root(projects, false);
    }
}
