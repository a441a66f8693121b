package io.pkgr.registry.ops;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Writes formatted log lines to a stream from one background thread, many lines per
 * {@code write(2)}. A request thread only formats its line and queues it: no lock shared with the
 * other IO threads, no system call per request. Lines keep their order. When the queue is full the
 * caller waits (access lines are never dropped). Records other than the access log wait until
 * they are written, so a warning or an error is on the stream before the caller goes on, and
 * {@link #flush()} and {@link #close()} write everything queued.
 */
final class AsyncLineHandler extends Handler {

    private static final int CAPACITY = 16_384;
    private static final int BATCH = 512;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final PrintStream out;
    private final Thread writer;
    private volatile boolean closed;

    AsyncLineHandler(PrintStream out) {
        this.out = out;
        this.writer = new Thread(this::drain, "pkgr-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** A line whose caller waits until it is written. */
    private record Waited(String line, CountDownLatch written) {
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        boolean access = AccessLogHandler.LOGGER.equals(record.getLoggerName()) && record.getLevel().intValue() <= Level.INFO.intValue();
        if (access) {
            enqueue(line);
        } else {
            await(line);
        }
    }

    @Override
    public void flush() {
        if (!closed && Thread.currentThread() != writer) {
            await("");
        }
    }

    @Override
    public void close() {
        flush();
        closed = true;
        writer.interrupt();
    }

    private void await(String line) {
        Waited waited = new Waited(line, new CountDownLatch(1));
        enqueue(waited);
        try {
            if (!waited.written().await(10, TimeUnit.SECONDS)) {
                reportError("log writer stalled", null, ErrorManager.WRITE_FAILURE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Object entry) {
        try {
            queue.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        List<Object> batch = new ArrayList<>(BATCH);
        StringBuilder text = new StringBuilder(64 * 1024);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            queue.drainTo(batch, BATCH - 1);
            for (Object entry : batch) {
                text.append(entry instanceof Waited waited ? waited.line() : (String) entry);
            }
            try {
                if (!text.isEmpty()) {
                    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                    out.write(bytes, 0, bytes.length);
                    out.flush();
                }
            } catch (RuntimeException e) {
                reportError(null, e, ErrorManager.WRITE_FAILURE);
            }
            for (Object entry : batch) {
                if (entry instanceof Waited waited) {
                    waited.written().countDown();
                }
            }
            batch.clear();
            text.setLength(0);
            if (text.capacity() > 1 << 20) {
                text.trimToSize();
            }
        }
    }
}
