package io.jenkins.plugins.rbdcloud.engine.ceph.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the C string buffers librbd fills in. */
public final class CStrings {

    private CStrings() {}

    /**
     * Splits the first {@code length} bytes of a buffer of NUL-terminated strings, as
     * {@code rbd_metadata_list} and {@code rbd_list} return them. A trailing part without NUL is
     * kept; an empty buffer gives an empty list.
     */
    public static List<String> split(byte[] buf, int length) {
        List<String> out = new ArrayList<>();
        int end = Math.min(length, buf.length);
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (buf[i] == 0) {
                out.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < end) {
            out.add(new String(buf, start, end - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The string before the first NUL (or the whole buffer). */
    public static String first(byte[] buf, int length) {
        List<String> all = split(buf, length);
        return all.isEmpty() ? "" : all.get(0);
    }
}
