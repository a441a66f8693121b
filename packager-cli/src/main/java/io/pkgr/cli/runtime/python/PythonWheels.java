package io.pkgr.cli.runtime.python;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns pinned Python requirements into wheels with the real {@code pip wheel}, resolving their
 * dependencies against the index the user names, so nothing needs an index at run time.
 */
final class PythonWheels {

    private PythonWheels() {
    }

    /**
     * Runs {@code PYTHON -m pip wheel} into {@code wheelDir}.
     *
     * @param indexUrl  a PEP 503 index ({@code …/simple/}), credentials may be embedded; null for none
     * @param findLinks local directories of wheels/sdists
     * @param env       pip's environment, without pkgr's secrets: pip runs sdists' build backends in it
     */
    static void download(String python, List<String> requirements, URI indexUrl, List<Path> findLinks,
                         Path wheelDir, Map<String, String> env, PrintWriter log) {
        try {
            Path reqs = Files.createTempFile("pkgr-requirements", ".txt");
            try {
                Files.writeString(reqs, String.join("\n", requirements) + "\n", StandardCharsets.UTF_8);
                List<String> cmd = new ArrayList<>(List.of(python, "-m", "pip", "wheel", "--isolated",
                        "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--quiet",
                        "--wheel-dir", wheelDir.toString()));
                if (indexUrl != null) {
                    cmd.addAll(List.of("--index-url", indexUrl.toString()));
                } else {
                    cmd.add("--no-index");
                }
                for (Path dir : findLinks) {
                    cmd.addAll(List.of("--find-links", dir.toAbsolutePath().toString()));
                }
                cmd.addAll(List.of("-r", reqs.toString()));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().clear();
                pb.environment().putAll(env);
                pb.environment().put("PIP_CONFIG_FILE", "/dev/null");
                // Wheels built from sdists get fixed zip timestamps, so the bundle stays reproducible.
                pb.environment().put("SOURCE_DATE_EPOCH", "315532800");
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    throw new CliException(ExitCode.USAGE, "cannot run " + python + " to fetch requirements: "
                            + e.getMessage() + " (pass --python PATH)");
                }
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    String clean = indexUrl == null ? output : output.replace(indexUrl.toString(), redact(indexUrl));
                    log.print(clean);
                    log.flush();
                    throw new CliException(ExitCode.REGISTRY, "pip could not fetch the requirements"
                            + (indexUrl == null ? "" : " from " + redact(indexUrl)) + " (its output is above)");
                }
            } finally {
                Files.deleteIfExists(reqs);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot fetch requirements: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, "interrupted while fetching requirements");
        }
    }

    /** The URL without credentials, for messages. */
    static String redact(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }
}
