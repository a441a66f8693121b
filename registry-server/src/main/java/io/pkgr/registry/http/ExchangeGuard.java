package io.pkgr.registry.http;

import io.pkgr.api.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The first handler every request meets, so that no client can hold the server by its request body:
 * <ul>
 * <li>an answer that leaves the body unread closes the connection. Undertow would otherwise read the
 *     rest of the body before (non-blocking) or after (blocking, on a worker) the answer, and a client
 *     sending a byte a second holds an IO-thread answer or a worker thread for as long as it likes;</li>
 * <li>a body that falls behind the minimum rate is cut off: after the grace period (which starts when the
 *     route first reads the body, not when the request arrives) each {@code minRate}
 *     bytes buy one more second (Apache's {@code mod_reqtimeout} MinRate). The reading thread itself
 *     checks, and never waits for data past that deadline, so a body that stops altogether is cut off
 *     too; the route then fails and {@link ErrorResponder} answers 408 {@code BODY_TOO_SLOW};</li>
 * <li>the body bytes really received are counted for the access log and metrics, and an exchange whose
 *     client went away before its body arrived is recorded as 499, never as 200;</li>
 * <li>every answer carries {@code X-Content-Type-Options: nosniff}.</li>
 * </ul>
 */
public final class ExchangeGuard implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(ExchangeGuard.class.getName());
    private static final AttachmentKey<Body> BODY = AttachmentKey.create(Body.class);
    /** nginx's convention for "the client closed the connection before the answer". */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private final HttpHandler next;
    private final long minRate;
    private final long graceNanos;

    /** {@code minRate} in bytes per second, 0 for no minimum. */
    public ExchangeGuard(HttpHandler next, long minRate, Duration grace) {
        this.next = next;
        this.minRate = minRate;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isRequestComplete()) {
            // no body to guard (a GET, or Content-Length: 0): the hot download path only needs the header
            exchange.addResponseCommitListener(ExchangeGuard::nosniff);
            next.handleRequest(exchange);
            return;
        }
        Body body = new Body(exchange, minRate, graceNanos);
        exchange.putAttachment(BODY, body);
        exchange.addRequestWrapper((factory, ex) -> new GuardedConduit(factory.create(), body));
        exchange.addResponseCommitListener(ExchangeGuard::beforeAnswer);
        exchange.addDefaultResponseListener(ex -> {
            // endExchange asks this before it would drain the body: close instead
            closeIfBodyUnread(ex);
            return false;
        });
        next.handleRequest(exchange);
    }

    /** Body bytes the server really read (not the declared Content-Length). */
    public static long receivedBytes(HttpServerExchange exchange) {
        Body body = exchange.getAttachment(BODY);
        return body == null ? 0 : body.bytes;
    }

    /** The status to log and count: what was answered, or 499 when the client went away before its body arrived. */
    public static int recordedStatus(HttpServerExchange exchange) {
        Body body = exchange.getAttachment(BODY);
        return body != null && body.clientGone ? CLIENT_CLOSED_REQUEST : exchange.getStatusCode();
    }

    /** The answer for an exchange whose body was cut off for being too slow, whatever failure that caused. */
    static Optional<ApiException> cutOff(HttpServerExchange exchange) {
        Body body = exchange.getAttachment(BODY);
        return body != null && body.cutOff ? Optional.of(new ApiException(ErrorCode.BODY_TOO_SLOW, body.minRate))
                : Optional.empty();
    }

    /** Notes that the client stopped sending the body; {@link ErrorResponder} closes the connection. */
    static void clientGone(HttpServerExchange exchange) {
        Body body = exchange.getAttachment(BODY);
        if (body != null) {
            body.clientGone = true;
        }
    }

    private static void beforeAnswer(HttpServerExchange exchange) {
        nosniff(exchange);
        closeIfBodyUnread(exchange);
    }

    private static void nosniff(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    }

    private static void closeIfBodyUnread(HttpServerExchange exchange) {
        Body body = exchange.getAttachment(BODY);
        if (!exchange.isRequestComplete() && (body == null || !body.finished)) {
            // Undertow then shuts the request side instead of reading the rest, and says Connection: close
            exchange.setPersistent(false);
        }
    }

    /** One request's body as the server received it, and the deadline the next bytes must beat. */
    private static final class Body {
        final HttpServerExchange exchange;
        final long minRate;
        final long graceNanos;
        // set at the first read: a request may wait for a worker, or for a bcrypt check, before its
        // handler reads, and that wait is the server's, not the client's
        long graceEnd;
        boolean started;
        // written by the thread that reads the body, read by the access log when the exchange completes
        volatile long bytes;
        volatile boolean finished;
        volatile boolean cutOff;
        volatile boolean clientGone;

        Body(HttpServerExchange exchange, long minRate, long graceNanos) {
            this.exchange = exchange;
            this.minRate = minRate;
            this.graceNanos = graceNanos;
        }

        void read(long n) {
            if (n > 0) {
                bytes += n; // one thread at a time reads an exchange's body
            } else if (n < 0) {
                finished = true;
            }
        }

        /** Nanoseconds until the body falls behind the minimum rate; Long.MAX_VALUE without a minimum. */
        long timeLeft() {
            if (minRate == 0 || finished) {
                return Long.MAX_VALUE;
            }
            if (!started) {
                started = true; // one thread at a time reads an exchange's body
                graceEnd = System.nanoTime() + graceNanos;
            }
            double credit = bytes * 1e9 / minRate;
            if (credit > 1e18) {
                return Long.MAX_VALUE; // centuries away
            }
            return graceEnd - System.nanoTime() + (long) credit;
        }

        void checkRate() throws IOException {
            if (timeLeft() > 0) {
                return;
            }
            if (!cutOff) {
                cutOff = true;
                LOG.log(Level.INFO, "cut off {0} {1} from {2}: {3} body bytes, below the minimum of {4} bytes/s",
                        exchange.getRequestMethod(), exchange.getRequestPath(), exchange.getSourceAddress(), bytes, minRate);
            }
            throw new IOException("request body slower than " + minRate + " bytes/s");
        }
    }

    /** Counts what the server reads from the request body, and holds it to the minimum rate. */
    private static final class GuardedConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

        private final Body body;

        GuardedConduit(StreamSourceConduit next, Body body) {
            super(next);
            this.body = body;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            body.checkRate();
            int n = next.read(dst);
            body.read(n);
            return n;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
            body.checkRate();
            long n = next.read(dsts, offs, len);
            body.read(n);
            return n;
        }

        @Override
        public void awaitReadable() throws IOException {
            long left = body.timeLeft();
            if (left == Long.MAX_VALUE) {
                next.awaitReadable();
            } else if (left > 0) {
                // wake up at the deadline at the latest: the next read then cuts the body off
                next.awaitReadable(left, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
            long left = body.timeLeft();
            if (left > 0) {
                next.awaitReadable(Math.min(left, timeUnit.toNanos(time)), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return Conduits.transfer(this, count, throughBuffer, target);
        }
    }
}
