package io.pkgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Main#releaseHttpSelectors} ends the selector thread an HTTP client keeps in native code,
 * which would hold the JVM's exit for 300 ms. Checked in a JVM of its own: it interrupts every
 * client's selector, and this test JVM's other clients must keep theirs.
 */
class HttpSelectorReleaseTest {

    @Test
    void theSelectorThreadOfAClientThatTalkedToAServerEnds() throws Exception {
        // given a real HTTP server
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            // when a JVM of its own sends a request to it, then releases the selectors
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);

            // then the client's selector thread had been there and has ended
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("selector ended"), out);
        } finally {
            server.stop(0);
        }
    }

    /** Sends one request, releases the selectors, and says whether the selector thread ended within 10 s. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            HttpClient client = HttpClient.newBuilder().build();
            client.send(HttpRequest.newBuilder(URI.create(args[0])).build(), HttpResponse.BodyHandlers.discarding());
            List<Thread> selectors = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().endsWith("-SelectorManager")).toList();
            if (selectors.isEmpty()) {
                System.out.println("no selector thread: the JDK names it differently now");
                System.exit(2);
            }
            Main.releaseHttpSelectors();
            for (Thread t : selectors) {
                t.join(10_000);
                if (t.isAlive()) {
                    System.out.println(t.getName() + " still runs");
                    System.exit(1);
                }
            }
            System.out.println("selector ended");
            System.exit(client == null ? 3 : 0);
        }
    }
}
