package io.pkgr.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard's minimum-rate clock, against a bare Undertow on port 0 with a route that waits before reading. */
class ExchangeGuardTest {

    private static final Duration GRACE = Duration.ofMillis(300);
    private static final long WAIT_BEFORE_READING_MILLIS = 1200;

    private Undertow server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aBodyWhoseRouteReadsItLateIsNotCutOffForTheServersOwnWait() throws Exception {
        // given a route that, like an upload behind a bcrypt check or a busy worker queue, starts reading late
        int port = start(exchange -> {
            Thread.sleep(WAIT_BEFORE_READING_MILLIS);
            try (InputStream body = exchange.getInputStream()) {
                exchange.getResponseSender().send("read " + body.readAllBytes().length);
            } catch (IOException e) {
                exchange.setStatusCode(408);
                exchange.getResponseSender().send(e.getMessage());
            }
        });
        byte[] body = new byte[8 * 1024];
        Arrays.fill(body, (byte) 'x');

        // when the client sends its whole body at once
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/upload")).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        // then the grace period starts at the first read, and the body arrives whole
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("read " + body.length, response.body());
    }

    private int start(BlockingRoute route) {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new ExchangeGuard(new BlockingHandler(route::handle), 1024, GRACE)).build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** A route body that may sleep and throw. */
    interface BlockingRoute {
        void handle(HttpServerExchange exchange) throws Exception;
    }
}
