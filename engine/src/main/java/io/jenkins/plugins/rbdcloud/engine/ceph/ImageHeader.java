package io.jenkins.plugins.rbdcloud.engine.ceph;

import com.ceph.rados.IoCTX;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRados;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An image's metadata read and written with cls_rbd's own methods ({@code metadata_list},
 * {@code metadata_set}) on its header object, as librbd does underneath, but without opening the
 * image: librbd's open (header reads, a watch) and, for writes, its exclusive lock cost several
 * times the one round trip that changes the keys. librbd keeps no copy of the metadata (it reads
 * the header each time), so an open handle elsewhere sees the new keys at once. Only plain tags
 * go through here: {@code conf_*} overrides, which librbd applies at open, are refused upstream.
 */
final class ImageHeader {

    private static final int ERANGE = 34;
    /** Bounds what the cluster's answer may make us allocate: metadata here is tags, not data. */
    private static final int MAX_LIST_BYTES = 4 << 20;
    private static final int PAGE = 1024;

    private ImageHeader() {}

    /** The header object of a format-2 image: its id is stored, length-prefixed, in {@code rbd_id.<name>}. */
    static String headerObject(IoCTX io, String image) throws java.io.IOException {
        byte[] buf = new byte[4 + 128];
        int n = io.read("rbd_id." + image, buf.length, 0, buf);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        int len = n >= 4 ? b.getInt() : -1;
        if (len <= 0 || len > n - 4) {
            throw new com.ceph.rados.exceptions.RadosException("malformed id object of image " + image, -22);
        }
        return "rbd_header." + new String(buf, 4, len, StandardCharsets.US_ASCII);
    }

    /** All metadata keys and values, paged through cls_rbd {@code metadata_list}. */
    static SortedMap<String, String> list(Pointer io, String header) throws java.io.IOException {
        SortedMap<String, String> out = new TreeMap<>();
        String after = "";
        while (true) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            putString(in, after);
            putLong(in, PAGE);
            byte[] req = in.toByteArray();
            byte[] buf = new byte[16 << 10];
            int rc;
            while ((rc = LibRados.INSTANCE.rados_exec(io, header, "rbd", "metadata_list", req, req.length, buf, buf.length)) == -ERANGE
                    && buf.length < MAX_LIST_BYTES) {
                buf = new byte[buf.length * 4];
            }
            if (rc < 0) {
                throw new com.ceph.rbd.RbdException("metadata_list", rc);
            }
            Map<String, String> page = decodeMap(ByteBuffer.wrap(buf, 0, rc).order(ByteOrder.LITTLE_ENDIAN));
            out.putAll(page);
            if (page.size() < PAGE) {
                return out;
            }
            after = out.lastKey();
        }
    }

    /** Sets all entries in one write, which fails with ENOENT rather than create a header that is gone. */
    static void set(Pointer io, String header, Map<String, String> entries) throws java.io.IOException {
        byte[] req = encodeMap(entries);
        LibRados lib = LibRados.INSTANCE;
        Pointer op = lib.rados_create_write_op();
        try {
            IntByReference prval = new IntByReference();
            lib.rados_write_op_assert_exists(op);
            lib.rados_write_op_exec(op, "rbd", "metadata_set", req, req.length, prval);
            int rc = lib.rados_write_op_operate(op, io, header, null, 0);
            if (rc == 0) {
                rc = prval.getValue();
            }
            if (rc < 0) {
                throw new com.ceph.rbd.RbdException("metadata_set", rc);
            }
        } finally {
            lib.rados_release_write_op(op);
        }
    }

    /** Ceph's encoding of {@code map<string, bufferlist>}: a little-endian count, then length-prefixed keys and values. */
    static byte[] encodeMap(Map<String, String> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        putInt(out, entries.size());
        entries.forEach((k, v) -> {
            putString(out, k);
            putString(out, v);
        });
        return out.toByteArray();
    }

    /** The inverse of {@link #encodeMap}, refusing counts and lengths the buffer cannot hold. */
    static Map<String, String> decodeMap(ByteBuffer b) {
        int n = b.remaining() >= 4 ? b.getInt() : -1;
        if (n < 0 || n > b.remaining() / 8) {
            throw new IllegalArgumentException("metadata list claims " + n + " entries in " + b.remaining() + " bytes");
        }
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String k = getString(b);
            out.put(k, getString(b));
        }
        return out;
    }

    private static String getString(ByteBuffer b) {
        int len = b.remaining() >= 4 ? b.getInt() : -1;
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("metadata entry of " + len + " bytes in " + b.remaining() + " left");
        }
        byte[] s = new byte[len];
        b.get(s);
        // librbd stores values with or without a trailing NUL depending on the writer; tags never contain one.
        int end = len;
        while (end > 0 && s[end - 1] == 0) {
            end--;
        }
        return new String(s, 0, end, StandardCharsets.UTF_8);
    }

    static void putString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putInt(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void putLong(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
