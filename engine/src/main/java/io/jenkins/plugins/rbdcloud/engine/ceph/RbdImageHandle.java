package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rbd.RbdImage;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRbd;
import io.jenkins.plugins.rbdcloud.engine.util.NativeGuard;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open librbd image: block I/O and the diff walk. Thread-safe; {@link #close()} waits for
 * calls in flight. Open one through {@link RbdPool#open}, {@link RbdPool#openReadOnly(String)} or
 * {@link RbdPool#openReadOnly(String, String)} (a snapshot).
 *
 * <p>A read-write open of an image with the exclusive-lock feature takes the lock on the first
 * write; a read-only open takes no lock and registers no watch, so it is what parents, exports
 * and inspections use. Never combine this with advisory locks ({@code rbd lock add}).
 */
public final class RbdImageHandle implements AutoCloseable {

    private static final LibRbd LIB = LibRbd.INSTANCE;
    private static final int ECANCELED = 125;

    private final ImageSpec spec;
    private final boolean readOnly;
    private final RbdImage image;
    private final NativeGuard guard;
    private final Runnable onClose;

    RbdImageHandle(ImageSpec spec, boolean readOnly, RbdImage image, Runnable onClose) {
        this.spec = spec;
        this.readOnly = readOnly;
        this.image = image;
        this.onClose = onClose;
        this.guard = new NativeGuard("image " + spec);
    }

    /** pool/image, or pool/image@snap for a snapshot open. */
    public ImageSpec spec() {
        return spec;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** Current size in bytes (the snapshot's size for a snapshot open). */
    public long size() {
        return call("size", () -> {
            LongByReference size = new LongByReference();
            check(LIB.rbd_get_size(ptr(), size), "size");
            return size.getValue();
        });
    }

    public Set<RbdFeature> features() {
        return call("features", () -> {
            LongByReference bits = new LongByReference();
            check(LIB.rbd_get_features(ptr(), bits), "features");
            return RbdFeature.fromBits(bits.getValue());
        });
    }

    /**
     * Reads into {@code dst} from its position to its limit, starting at image offset
     * {@code position}; stops early only at the end of the image.
     *
     * @return bytes read (0 at the end of the image); {@code dst}'s position advances by as much
     */
    public int read(long position, ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        return call("read", () -> {
            // librbd fails a read that crosses the end with EINVAL: clip it here.
            LongByReference size = new LongByReference();
            check(LIB.rbd_get_size(ptr(), size), "read");
            int want = (int) Math.max(0, Math.min(dst.remaining(), size.getValue() - position));
            if (want == 0) {
                return 0;
            }
            int done = 0;
            try (Memory buf = dst.isDirect() ? null : new Memory(want)) {
                Pointer p = buf != null ? buf : Native.getDirectBufferPointer(dst).share(dst.position());
                while (done < want) {
                    long n = check(LIB.rbd_read(ptr(), position + done, want - done, p.share(done)), "read");
                    if (n == 0) {
                        break;
                    }
                    done += (int) n;
                }
                if (buf != null) {
                    dst.put(buf.getByteArray(0, done));
                } else {
                    dst.position(dst.position() + done);
                }
            }
            return done;
        });
    }

    /** Reads up to {@code length} bytes at {@code position}; shorter only at the end of the image. */
    public byte[] read(long position, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        int n = read(position, b);
        byte[] out = new byte[n];
        b.flip().get(out);
        return out;
    }

    /** Writes all of {@code src} (position to limit) at image offset {@code position}; advances its position. */
    public void write(long position, ByteBuffer src) {
        int len = src.remaining();
        if (len == 0) {
            return;
        }
        run("write", () -> {
            Memory buf = null;
            Pointer p;
            if (src.isDirect()) {
                p = Native.getDirectBufferPointer(src).share(src.position());
            } else {
                buf = new Memory(len);
                byte[] bytes = new byte[len];
                src.duplicate().get(bytes);
                buf.write(0, bytes, 0, len);
                p = buf;
            }
            try {
                long done = 0;
                while (done < len) {
                    done += check(LIB.rbd_write(ptr(), position + done, len - done, p.share(done)), "write");
                }
                src.position(src.position() + len);
            } finally {
                if (buf != null) {
                    buf.close();
                }
            }
        });
    }

    public void write(long position, byte[] data) {
        write(position, ByteBuffer.wrap(data));
    }

    /** Zeroes a range; librbd deallocates whole objects and zeroes partial ones. */
    public void writeZeroes(long position, long length) {
        run("write zeroes", () -> check(LIB.rbd_write_zeroes(ptr(), position, length, 0, 0), "write zeroes"));
    }

    /**
     * Discards a range: whole objects are removed and their space freed; partial ranges are
     * zeroed or left as they are (librbd's discard granularity). On a clone, discarding data that
     * comes from the parent can increase usage; see the environment notes.
     */
    public void discard(long position, long length) {
        run("discard", () -> check(LIB.rbd_discard(ptr(), position, length), "discard"));
    }

    /** Waits until earlier writes are on the OSDs. */
    public void flush() {
        run("flush", () -> check(LIB.rbd_flush(ptr()), "flush"));
    }

    /**
     * Walks the extents that changed since {@code fromSnapshot} (or all allocated extents when
     * null) up to the state this handle sees (head, or the snapshot it was opened at).
     *
     * @param includeParent with no {@code fromSnapshot}, also report the parent's data of a clone
     * @param wholeObject   report whole objects (fast with the object-map/fast-diff features,
     *                      what {@code rbd du} does) instead of exact extents
     * @param consumer      receives each extent; an exception from it stops the walk and is rethrown
     */
    public void diffIterate(String fromSnapshot, long offset, long length, boolean includeParent, boolean wholeObject,
            ExtentConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (fromSnapshot != null) {
            RbdNames.snapshot(fromSnapshot);
        }
        ImageSpec target = fromSnapshot == null ? spec : ImageSpec.of(spec.pool(), spec.image(), fromSnapshot);
        run("diff", () -> {
            Object lock = new Object();
            Throwable[] failure = {null};
            LibRbd.DiffCallback cb = (off, len, exists, arg) -> {
                synchronized (lock) {
                    if (failure[0] != null) {
                        return -ECANCELED;
                    }
                    try {
                        consumer.accept(off, len, exists != 0);
                        return 0;
                    } catch (Throwable t) {
                        failure[0] = t;
                        return -ECANCELED;
                    }
                }
            };
            int rc = LIB.rbd_diff_iterate2(ptr(), fromSnapshot, offset, length, flag(includeParent), flag(wholeObject), cb, null);
            Reference.reachabilityFence(cb);
            synchronized (lock) {
                if (failure[0] instanceof RuntimeException e) {
                    throw e;
                } else if (failure[0] instanceof Error e) {
                    throw e;
                } else if (failure[0] != null) {
                    throw new IllegalStateException(failure[0]);
                }
            }
            NativeCalls.check(rc, "diff", target);
        });
    }

    /**
     * Bytes allocated by this image itself, not counting a clone's parent: the sum of existing
     * whole objects, as {@code rbd du} reports it (fast with fast-diff).
     */
    public long usedBytes() {
        AtomicLong used = new AtomicLong();
        diffIterate(null, 0, size(), false, true, (off, len, exists) -> {
            if (exists) {
                used.addAndGet(len);
            }
        });
        return used.get();
    }

    /** Closes the image, after the calls in flight return. Idempotent. */
    @Override
    public void close() {
        guard.close(() -> {
            try {
                image.close();
            } catch (com.ceph.rbd.RbdException e) {
                throw (RbdException) RbdException.fromErrno(e.getReturnValue(), "close", spec).initCause(e);
            } finally {
                onClose.run();
            }
        });
    }

    @Override
    public String toString() {
        return "RbdImageHandle[" + spec + (readOnly ? ", read-only" : "") + (guard.isClosed() ? ", closed" : "") + "]";
    }

    // --- for RbdPool: one call on this handle under its guard ---

    Pointer ptr() {
        return image.getPointer();
    }

    RbdImage rbdImage() {
        return image;
    }

    <T> T call(String operation, NativeCalls.Body<T> body) {
        return NativeCalls.call(guard, operation, spec, body);
    }

    <T> T call(String operation, ImageSpec target, NativeCalls.Body<T> body) {
        return NativeCalls.call(guard, operation, target, body);
    }

    void run(String operation, NativeCalls.Action action) {
        NativeCalls.run(guard, operation, spec, action);
    }

    long check(long rc, String operation) {
        return NativeCalls.check(rc, operation, spec);
    }

    private static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
