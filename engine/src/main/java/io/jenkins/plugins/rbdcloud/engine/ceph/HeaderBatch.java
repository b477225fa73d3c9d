package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRados;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads for a whole pool at once, as reconciliation needs them: every image name with its id from
 * the pool's {@code rbd_directory} (cls_rbd {@code dir_list}, a page of 1,024 per round trip), and
 * the metadata of many images by id with up to {@value #IN_FLIGHT} cls_rbd {@code metadata_list}
 * calls in flight ({@code rados_aio_exec}), so 10,000 images cost a fraction of 10,000 round trips.
 */
final class HeaderBatch {

    static final int IN_FLIGHT = 128;
    private static final int PAGE = 1024;
    private static final int ENOENT = 2;

    private HeaderBatch() {}

    /** Name to image id of every image in the pool (not the trash), sorted by name. */
    static SortedMap<String, String> directory(Pointer io) throws java.io.IOException {
        SortedMap<String, String> out = new TreeMap<>();
        String after = "";
        while (true) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ImageHeader.putString(in, after);
            in.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PAGE).array());
            byte[] req = in.toByteArray();
            byte[] buf = new byte[256 << 10];
            int rc = LibRados.INSTANCE.rados_exec(io, "rbd_directory", "rbd", "dir_list", req, req.length, buf, buf.length);
            if (rc == -ENOENT) {
                return out; // a pool no image was ever created in
            }
            if (rc < 0) {
                throw new com.ceph.rbd.RbdException("dir_list", rc);
            }
            Map<String, String> page = ImageHeader.decodeMap(ByteBuffer.wrap(buf, 0, rc).order(ByteOrder.LITTLE_ENDIAN));
            out.putAll(page);
            if (page.size() < PAGE) {
                return out;
            }
            after = out.lastKey();
        }
    }

    /** One read in flight: its op, completion and the out-parameters librados fills when it completes. */
    private static final class Slot {
        Pointer op;
        Pointer completion;
        final PointerByReference out = new PointerByReference();
        final LongByReference outLen = new LongByReference();
        final IntByReference prval = new IntByReference();

        /** Waits for the read and frees what it holds; returns its result (answer length, or -errno). */
        int finish(LibRados lib) {
            lib.rados_aio_wait_for_complete(completion); // never free what a call in flight still writes into
            int rc = lib.rados_aio_get_return_value(completion);
            lib.rados_aio_release(completion);
            lib.rados_release_read_op(op);
            completion = null;
            op = null;
            return rc < 0 ? rc : prval.getValue() < 0 ? prval.getValue() : (int) Math.min(Integer.MAX_VALUE, outLen.getValue());
        }

        void freeAnswer(LibRados lib) {
            Pointer p = out.getValue();
            if (p != null) {
                lib.rados_buffer_free(p);
                out.setValue(null);
            }
        }
    }

    /**
     * The metadata of each image id; an id whose header is gone (removed meanwhile) is left out.
     * Keeps {@value #IN_FLIGHT} reads in flight: each finished one is replaced by the next. An
     * answer of a full page is read again whole, one call at a time.
     */
    static Map<String, SortedMap<String, String>> metadata(Pointer io, Collection<String> ids) throws java.io.IOException {
        Map<String, SortedMap<String, String>> out = new HashMap<>();
        List<String> all = new ArrayList<>(ids);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ImageHeader.putString(in, "");
        in.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PAGE).array());
        byte[] req = in.toByteArray();
        LibRados lib = LibRados.INSTANCE;
        Slot[] slots = new Slot[Math.min(IN_FLIGHT, all.size())];
        try {
            for (int next = 0, done = 0; done < all.size(); ) {
                if (next < all.size() && next - done < slots.length) {
                    Slot slot = slots[next % slots.length] = new Slot();
                    PointerByReference c = new PointerByReference();
                    check(lib.rados_aio_create_completion(null, null, null, c), "aio completion");
                    slot.completion = c.getValue();
                    slot.op = lib.rados_create_read_op();
                    lib.rados_read_op_exec(slot.op, "rbd", "metadata_list", req, req.length, slot.out, slot.outLen, slot.prval);
                    check(lib.rados_aio_read_op_operate(slot.op, io, slot.completion, "rbd_header." + all.get(next), 0),
                            "metadata_list");
                    next++;
                    continue;
                }
                Slot slot = slots[done % slots.length];
                try {
                    int rc = slot.finish(lib);
                    collect(io, all.get(done), rc, slot.out.getValue(), out);
                } finally {
                    slot.freeAnswer(lib);
                }
                done++;
            }
        } finally {
            for (Slot s : slots) {
                if (s != null && s.completion != null) {
                    s.finish(lib);
                    s.freeAnswer(lib);
                }
            }
        }
        return out;
    }

    private static void collect(Pointer io, String id, int rc, Pointer answer, Map<String, SortedMap<String, String>> out)
            throws java.io.IOException {
        if (rc == -ENOENT) {
            return; // removed meanwhile
        }
        if (rc > 0 && answer != null) {
            Map<String, String> page = ImageHeader.decodeMap(answer.getByteBuffer(0, rc).order(ByteOrder.LITTLE_ENDIAN));
            if (page.size() < PAGE) {
                out.put(id, new TreeMap<>(page));
                return;
            }
        }
        // A full page (more keys follow), an error to report with its name, or no answer: read it whole.
        try {
            out.put(id, ImageHeader.list(io, "rbd_header." + id));
        } catch (com.ceph.rbd.RbdException e) {
            if (e.getReturnValue() != -ENOENT) {
                throw e;
            }
        }
    }

    private static void check(int rc, String what) throws com.ceph.rbd.RbdException {
        if (rc < 0) {
            throw new com.ceph.rbd.RbdException(what, rc);
        }
    }
}
