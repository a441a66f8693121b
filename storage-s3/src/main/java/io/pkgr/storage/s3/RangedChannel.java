package io.pkgr.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * Random reads of an object of known size through ranged GETs of {@code window} bytes, so reading a
 * zip's central directory from the end of a 1 GiB wheel fetches a window, not the object.
 */
final class RangedChannel implements SeekableByteChannel {

    /** Fetches {@code length} bytes of the object from {@code first}. */
    @FunctionalInterface
    interface RangeReader {
        InputStream open(long first, long length) throws IOException;
    }

    private final RangeReader reader;
    private final long size;
    private final int window;
    private byte[] buffer = new byte[0];
    private long bufferStart;
    private long position;
    private boolean open = true;

    RangedChannel(RangeReader reader, long size, int window) {
        this.reader = reader;
        this.size = size;
        this.window = window;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (position < bufferStart || position >= bufferStart + buffer.length) {
            fill(position);
        }
        int offset = (int) (position - bufferStart);
        int n = Math.min(dst.remaining(), buffer.length - offset);
        dst.put(buffer, offset, n);
        position += n;
        return n;
    }

    private void fill(long from) throws IOException {
        int length = (int) Math.min(window, size - from);
        try (InputStream in = reader.open(from, length)) {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new IOException("object shorter than its size: " + (from + bytes.length) + " of " + size);
            }
            buffer = bytes;
            bufferStart = from;
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        buffer = new byte[0];
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
