package io.pkgr.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion, with its output kept in files (no pipe can fill up and block it). */
final class Processes {

    private static final Duration LIMIT = Duration.ofMinutes(10);

    private Processes() {
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + " from " + command + "\nstdout:\n" + tail(stdout)
                        + "\nstderr:\n" + tail(stderr));
            }
            return this;
        }

        /** The last line of stdout (what Airflow's BashOperator pushes to XCom). */
        String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }

        private static String tail(String s) {
            return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
        }
    }

    static Result run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        return run(command, dir, env, null);
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, String stdin)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("pkgr-out", ".txt");
        Path err = Files.createTempFile("pkgr-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            env.forEach((k, v) -> {
                if (v.isEmpty()) {
                    builder.environment().remove(k);
                }
            });
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process process = builder.start();
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + LIMIT);
            }
            return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
