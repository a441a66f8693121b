package io.pkgr.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What a started process printed and how it ended: its stdin closed, both outputs read to the end. */
public record ProcessOutcome(int exitCode, String out, String err) {

    /**
     * Closes the process's stdin, reads stdout here and stderr beside it, and waits for the end
     * (at most two minutes: then it is killed and {@code what} is named in the failure).
     */
    public static ProcessOutcome of(Process p, String what) throws IOException, InterruptedException {
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not finish");
        }
        errReader.join(TimeUnit.SECONDS.toMillis(10));
        return new ProcessOutcome(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }
}
