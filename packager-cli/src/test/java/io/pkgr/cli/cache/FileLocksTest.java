package io.pkgr.cli.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {

    @TempDir
    Path tmp;

    /**
     * The shape two cold runs sharing blobs made: this process holds one file and, on another
     * thread, waits for a second that another process holds, which waits for the first. No thread
     * waits while it holds, yet the kernel sees two processes waiting on each other (EDEADLK).
     */
    @Test
    void aWaitThatTheKernelWouldTakeForADeadlockEndsWhenTheOtherProcessIsDone() throws Exception {
        Path first = Files.createFile(tmp.resolve("first.lock"));
        Path second = Files.createFile(tmp.resolve("second.lock"));
        Path locked = tmp.resolve("other-holds-second");
        // another process: holds second, then waits for first, then lets both go
        Process other = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import fcntl, sys",
                "b = open(sys.argv[2], 'w'); fcntl.lockf(b, fcntl.LOCK_EX)",
                "open(sys.argv[3], 'w').close()",
                "a = open(sys.argv[1], 'w'); fcntl.lockf(a, fcntl.LOCK_EX)",
                "print('got both')"), first.toString(), second.toString(), locked.toString())
                .redirectErrorStream(true).start();
        try (FileChannel a = FileChannel.open(first, StandardOpenOption.WRITE);
             FileChannel b = FileChannel.open(second, StandardOpenOption.WRITE)) {
            FileLock holding = FileOps.lock(a);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(locked)) {
                assertTrue(System.nanoTime() < deadline, "the other process did not take its lock");
                Thread.sleep(10);
            }
            // the other process now waits for `first` (or is about to); this thread waits for `second`
            CompletableFuture<FileLock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return FileOps.lock(b);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200); // both waits under way: the cycle a blocking lock would be refused in
            holding.release();

            // then the other process gets both and ends, and this wait ends with the lock, not EDEADLK
            FileLock got = waiting.get(30, TimeUnit.SECONDS);
            assertTrue(got.isValid());
            got.release();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            assertEquals("got both\n", new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, other.exitValue());
        } finally {
            other.destroyForcibly();
        }
    }
}
