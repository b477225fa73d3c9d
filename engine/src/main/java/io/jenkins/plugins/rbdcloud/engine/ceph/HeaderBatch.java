package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
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
    private static final int OUT_BYTES = 16 << 10;
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

    /**
     * The metadata of each image id; an id whose header is gone (removed meanwhile) is left out.
     * Keeps {@value #IN_FLIGHT} reads in flight: each finished one is replaced by the next. Answers
     * too large for one buffer are read again one by one.
     */
    static Map<String, SortedMap<String, String>> metadata(Pointer io, Collection<String> ids) throws java.io.IOException {
        Map<String, SortedMap<String, String>> out = new HashMap<>();
        List<String> all = new ArrayList<>(ids);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ImageHeader.putString(in, "");
        in.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PAGE).array());
        byte[] req = in.toByteArray();
        LibRados lib = LibRados.INSTANCE;
        int slots = Math.min(IN_FLIGHT, all.size());
        Pointer[] completions = new Pointer[slots];
        Memory[] buffers = new Memory[slots];
        try {
            for (int i = 0; i < slots; i++) {
                buffers[i] = new Memory(OUT_BYTES);
            }
            for (int next = 0, done = 0; done < all.size(); ) {
                if (next < all.size() && next - done < slots) {
                    int slot = next % slots;
                    PointerByReference c = new PointerByReference();
                    check(lib.rados_aio_create_completion(null, null, null, c), "aio completion");
                    completions[slot] = c.getValue();
                    check(lib.rados_aio_exec(io, "rbd_header." + all.get(next), completions[slot], "rbd", "metadata_list", req,
                            req.length, buffers[slot], OUT_BYTES), "metadata_list");
                    next++;
                    continue;
                }
                int slot = done % slots;
                lib.rados_aio_wait_for_complete(completions[slot]);
                int rc = lib.rados_aio_get_return_value(completions[slot]);
                lib.rados_aio_release(completions[slot]);
                completions[slot] = null;
                collect(io, all.get(done), rc, buffers[slot], out);
                done++;
            }
        } finally {
            for (Pointer c : completions) {
                if (c != null) {
                    lib.rados_aio_wait_for_complete(c); // never free a buffer a call still writes into
                    lib.rados_aio_release(c);
                }
            }
            for (Memory m : buffers) {
                if (m != null) {
                    m.close();
                }
            }
        }
        return out;
    }

    private static void collect(Pointer io, String id, int rc, Memory buffer, Map<String, SortedMap<String, String>> out)
            throws java.io.IOException {
        if (rc == -ENOENT) {
            return; // removed meanwhile
        }
        if (rc > 0) {
            Map<String, String> page = ImageHeader.decodeMap(buffer.getByteBuffer(0, rc).order(ByteOrder.LITTLE_ENDIAN));
            if (page.size() < PAGE) {
                out.put(id, new TreeMap<>(page));
                return;
            }
        }
        // Too large for one buffer (-ERANGE) or one page, or no length reported: read it whole.
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
