package io.pkgr.registry.ops;

import io.pkgr.registry.http.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Routes java.util.logging (and so System.Logger and Undertow's jboss-logging) to stderr, one line per record. */
public final class LogSetup {

    // JUL holds loggers weakly: keep the configured ones alive or their levels are lost
    private static final Logger[] QUIET = {
        Logger.getLogger("org.xnio"), Logger.getLogger("io.undertow"), Logger.getLogger("org.jboss"),
    };

    private LogSetup() {
    }

    /** Replaces the root handlers with one writing {@code text} or {@code json} lines; for the container main. */
    public static void install(boolean json) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        // formatted on the caller's thread, written in batches by one thread: no write(2) per request
        Handler handler = new AsyncLineHandler(System.err);
        handler.setLevel(Level.ALL);
        handler.setFormatter(json ? new JsonFormatter() : new TextFormatter());
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Undertow and XNIO are chatty at INFO about their own versions
        for (Logger logger : QUIET) {
            logger.setLevel(Level.WARNING);
        }
    }

    static String message(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message != null && parameters != null && parameters.length > 0 && message.contains("{0")) {
            message = MessageFormat.format(message, parameters);
        }
        return message;
    }

    static String thrown(LogRecord record) {
        if (record.getThrown() == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String thrown = thrown(record);
            if (AccessLogHandler.LOGGER.equals(record.getLoggerName())) {
                return Instant.ofEpochMilli(record.getMillis()) + " access " + message(record) + System.lineSeparator();
            }
            return Instant.ofEpochMilli(record.getMillis()) + " " + record.getLevel() + " " + shortName(record.getLoggerName())
                    + " " + message(record) + System.lineSeparator() + (thrown == null ? "" : thrown);
        }
    }

    private static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            if (AccessLogHandler.LOGGER.equals(record.getLoggerName())) {
                // the access log builds its own JSON object
                return message(record) + System.lineSeparator();
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
            line.put("level", record.getLevel().getName());
            line.put("logger", record.getLoggerName());
            line.put("message", message(record));
            String thrown = thrown(record);
            if (thrown != null) {
                line.put("exception", thrown);
            }
            return new String(Json.bytes(line), StandardCharsets.UTF_8) + System.lineSeparator();
        }
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
