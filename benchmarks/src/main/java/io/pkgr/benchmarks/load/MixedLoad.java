package io.pkgr.benchmarks.load;

import io.pkgr.bundle.BundleWriter;
import io.pkgr.bundle.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded mixed read/publish load: N client threads, each on its own keep-alive connection,
 * for a fixed time. A fraction of operations publishes a new version, the rest download an
 * existing one. Prints one line of {@code key=value} figures (what {@code benchmarks/run.sh}
 * parses).
 *
 * <pre>
 * java -cp benchmarks.jar io.pkgr.benchmarks.load.MixedLoad pkgr   URL USER:PASS NAME READ_VERSIONS CLIENTS SECONDS WRITE_PERCENT
 * java -cp benchmarks.jar io.pkgr.benchmarks.load.MixedLoad docker URL USER:PASS REPO  READ_DIGESTS  CLIENTS SECONDS WRITE_PERCENT
 * </pre>
 *
 * pkgr: reads {@code GET /api/v1/bundles/NAME/V/download} of READ_VERSIONS (comma-separated) and
 * publishes {@code PUT /api/v1/bundles/NAME/9.0.K} with bundles written up front (about 1 KB
 * each, so the client's own CPU stays out of the timed window). docker: reads {@code GET
 * /v2/REPO/blobs/DIGEST} and pushes a new 1 KB blob ({@code POST …/blobs/uploads/} then
 * {@code PUT ?digest=}), one publish = two requests.
 */
public final class MixedLoad {

    private MixedLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: MixedLoad pkgr|docker URL USER:PASS NAME READS CLIENTS SECONDS WRITE_PERCENT");
            System.exit(2);
        }
        boolean docker = args[0].equals("docker");
        String base = args[1].replaceAll("/$", "");
        String auth = "Basic " + Base64.getEncoder().encodeToString(args[2].getBytes(StandardCharsets.UTF_8));
        String name = args[3];
        String[] reads = args[4].split(",");
        int clients = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int writePercent = Integer.parseInt(args[7]);

        // enough new versions for ~5,000 operations/s over the window; more than that is reported as exhausted
        int writes = Math.max(1000, 5000 * seconds * writePercent / 100);
        ConcurrentLinkedQueue<Upload> uploads = new ConcurrentLinkedQueue<>(docker ? blobs(writes) : bundles(name, writes));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long[][] readNanos = new long[clients][];
        long[][] writeNanos = new long[clients][];
        int[] readCount = new int[clients];
        int[] writeCount = new int[clients];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        AtomicLong bytesRead = new AtomicLong();
        AtomicInteger exhausted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            readNanos[c] = new long[1 << 16];
            writeNanos[c] = new long[1 << 14];
            Thread t = new Thread(() -> {
                Random random = new Random(id);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < deadline[0]) {
                    boolean write = random.nextInt(100) < writePercent;
                    Upload upload = write ? uploads.poll() : null;
                    if (write && upload == null) {
                        exhausted.incrementAndGet();
                        write = false;
                    }
                    long t0 = System.nanoTime();
                    try {
                        if (write) {
                            int status = docker ? pushBlob(http, base, auth, name, upload) : publish(http, base, auth, name, upload);
                            if (status == 503) {
                                busy.incrementAndGet();   // the server's upload limit answered: Retry-After
                            } else if (status / 100 != 2) {
                                errors.incrementAndGet();
                            }
                            record(writeNanos, writeCount, id, System.nanoTime() - t0);
                        } else {
                            String target = reads[random.nextInt(reads.length)];
                            String url = docker ? base + "/v2/" + name + "/blobs/" + target
                                    : base + "/api/v1/bundles/" + name + "/" + target + "/download";
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                            bytesRead.addAndGet(r.body().length);
                            record(readNanos, readCount, id, System.nanoTime() - t0);
                        }
                    } catch (IOException | InterruptedException e) {
                        errors.incrementAndGet();
                    }
                }
            }, "load-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + seconds * 1_000_000_000L;
        start.countDown();
        for (Thread t : threads) {
            t.join(seconds * 1000L + 30_000);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] r = merge(readNanos, readCount);
        long[] w = merge(writeNanos, writeCount);
        System.out.printf(java.util.Locale.ROOT,
                "ops_per_s=%.0f reads_per_s=%.0f publishes_per_s=%.1f read_p50_ms=%.2f read_p99_ms=%.2f "
                        + "publish_p50_ms=%.2f publish_p99_ms=%.2f errors=%d busy=%d exhausted=%d reads=%d publishes=%d%n",
                (r.length + w.length) / elapsed, r.length / elapsed, w.length / elapsed, pct(r, 50), pct(r, 99),
                pct(w, 50), pct(w, 99), errors.get(), busy.get(), exhausted.get(), r.length, w.length);
        System.exit(0);
    }

    private record Upload(String version, String digest, byte[] body) {
    }

    private static void record(long[][] samples, int[] counts, int id, long nanos) {
        if (counts[id] == samples[id].length) {
            samples[id] = Arrays.copyOf(samples[id], counts[id] * 2);
        }
        samples[id][counts[id]++] = nanos;
    }

    private static long[] merge(long[][] samples, int[] counts) {
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return all;
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }

    private static int publish(HttpClient http, String base, String auth, String name, Upload upload)
            throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/bundles/" + name + "/" + upload.version))
                .header("Authorization", auth).header("X-Checksum-Sha256", upload.digest)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(upload.body)).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    private static int pushBlob(HttpClient http, String base, String auth, String repo, Upload upload)
            throws IOException, InterruptedException {
        HttpResponse<Void> started = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/blobs/uploads/"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        String location = started.headers().firstValue("Location").orElse(null);
        if (started.statusCode() != 202 || location == null) {
            return started.statusCode() == 202 ? 500 : started.statusCode();
        }
        URI put = URI.create(base).resolve(location);
        String sep = put.getQuery() == null ? "?" : "&";
        HttpResponse<Void> done = http.send(HttpRequest.newBuilder(URI.create(put + sep + "digest=sha256:" + upload.digest))
                .header("Authorization", auth).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(upload.body)).build(), HttpResponse.BodyHandlers.discarding());
        return done.statusCode();
    }

    /** Bundles NAME 9.0.0 … 9.0.(n-1), each with one small file, written before the timed window. */
    private static List<Upload> bundles(String name, int n) throws Exception {
        Path dir = Files.createTempDirectory("pkgr-mixed");
        try {
            Path file = dir.resolve("hello.txt");
            Files.write(file, new byte[512]);
            TreeMap<String, Path> payload = new TreeMap<>();
            payload.put("files/hello.txt", file);
            List<Upload> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String version = "9.0." + i;
                String yaml = "name: " + name + "\nversion: " + version
                        + "\nruntime: exec\nentrypoints:\n  run: {command: [\"true\"]}\n";
                Manifest manifest = Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
                BundleWriter.write(manifest, payload, bytes);
                byte[] body = bytes.toByteArray();
                out.add(new Upload(version, sha256(body), body));
            }
            return out;
        } finally {
            Files.deleteIfExists(dir.resolve("hello.txt"));
            Files.deleteIfExists(dir);
        }
    }

    private static List<Upload> blobs(int n) throws Exception {
        Random random = new Random(99);
        List<Upload> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] body = new byte[1024];
            random.nextBytes(body);
            out.add(new Upload(null, sha256(body), body));
        }
        return out;
    }

    private static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }
}
