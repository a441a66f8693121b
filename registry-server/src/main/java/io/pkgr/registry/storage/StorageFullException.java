package io.pkgr.registry.storage;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A write failed because the storage has no room (no space left, quota exceeded). Not a bug: the
 * operator frees space and the same request then succeeds, so it is answered 507, not 500.
 */
public final class StorageFullException extends IOException {
    private static final long serialVersionUID = 1L;
    /** Below this much usable space a failed write is taken for a full disk, whatever its message. */
    static final long LOW_SPACE_BYTES = 1024 * 1024;

    public StorageFullException(IOException cause) {
        super("storage is full: " + cause.getMessage(), cause);
    }

    /**
     * {@code e} as a {@link StorageFullException} when it is ENOSPC or EDQUOT, else {@code e}.
     * Java exposes no errno: the JDK puts the text of {@code strerror} into the message (for a
     * {@link FileSystemException}, as its reason), so the text is what can be checked.
     */
    public static IOException classify(IOException e) {
        if (e instanceof StorageFullException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t.getMessage(); // a FileSystemException's message ends with its reason
            if (text != null && isOutOfSpace(text.toLowerCase(Locale.ROOT))) {
                return new StorageFullException(e);
            }
        }
        return e;
    }

    /**
     * As {@link #classify(IOException)}, and also storage-full when the text says nothing known but
     * the file store holding {@code store} has less than {@link #LOW_SPACE_BYTES} left: the strerror
     * text is English only under an English C locale.
     */
    public static IOException classify(IOException e, Path store) {
        IOException classified = classify(e);
        if (classified instanceof StorageFullException) {
            return classified;
        }
        try {
            return Files.getFileStore(store).getUsableSpace() < LOW_SPACE_BYTES ? new StorageFullException(e) : e;
        } catch (IOException | RuntimeException unknown) {
            return e;
        }
    }

    private static boolean isOutOfSpace(String text) {
        return text.contains("no space left on device") || text.contains("disk quota exceeded");
    }
}
