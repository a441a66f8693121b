package io.pkgr.registry.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The client stopped sending a request body (disconnect or read timeout): nobody is left to answer. */
public final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGoneException(IOException cause) {
        super("client went away while sending the body: " + cause.getMessage(), cause);
    }

    /**
     * Wraps a request body so read failures are told apart from storage failures. Closing the wrapper
     * leaves the body as it is: closing Undertow's stream would read the rest of the body first, on
     * this worker, at whatever pace the client sends it; the end of the exchange closes the
     * connection instead when the body is unread (see {@link ExchangeGuard}).
     */
    public static InputStream watch(InputStream body) {
        return new FilterInputStream(body) {
            @Override
            public void close() {
                // see above: never drain here
            }

            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new ClientGoneException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw new ClientGoneException(e);
                }
            }
        };
    }
}
