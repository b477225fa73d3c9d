package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-process byte pipe between the sending thread (source cluster) and the receiving thread
 * (target cluster), holding at most a few chunks so neither side runs far ahead. Either side can
 * break it: the other side's next call then fails instead of blocking for ever.
 */
public final class ChunkPipe {

    private static final byte[] EOF = new byte[0];
    private static final int CHUNK = 1 << 20;

    private final BlockingQueue<byte[]> queue;
    private volatile Throwable broken;

    public ChunkPipe(int chunks) {
        this.queue = new ArrayBlockingQueue<>(chunks);
    }

    /** Makes both ends fail from now on, with {@code cause} as the reason. */
    public void breakWith(Throwable cause) {
        if (broken == null) {
            broken = cause;
        }
        queue.clear();
    }

    public OutputStream output() {
        return new OutputStream() {
            private byte[] buf = new byte[CHUNK];
            private int len;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int n) throws IOException {
                while (n > 0) {
                    int k = Math.min(n, CHUNK - len);
                    System.arraycopy(b, off, buf, len, k);
                    len += k;
                    off += k;
                    n -= k;
                    if (len == CHUNK) {
                        flush();
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                if (len > 0) {
                    put(Arrays.copyOf(buf, len));
                    len = 0;
                }
            }

            @Override
            public void close() throws IOException {
                flush();
                put(EOF);
            }
        };
    }

    public InputStream input() {
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int pos;
            private boolean eof;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int n) throws IOException {
                if (n == 0) {
                    return 0;
                }
                while (pos == chunk.length) {
                    if (eof) {
                        return -1;
                    }
                    chunk = take();
                    pos = 0;
                    eof = chunk == EOF;
                }
                int k = Math.min(n, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, k);
                pos += k;
                return k;
            }
        };
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                failIfBroken();
            }
            failIfBroken();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        }
    }

    private byte[] take() throws IOException {
        try {
            while (true) {
                failIfBroken();
                byte[] c = queue.poll(100, TimeUnit.MILLISECONDS);
                if (c != null) {
                    return c;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while receiving");
        }
    }

    private void failIfBroken() throws IOException {
        Throwable t = broken;
        if (t != null) {
            throw new IOException("the other end of the replication stream failed: " + t.getMessage(), t);
        }
    }
}
