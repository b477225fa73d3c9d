package io.jenkins.plugins.rbdcloud.engine.util;

import java.util.Locale;

/** Byte counts as people read them. */
public final class Bytes {

    private Bytes() {
    }

    /** Bytes in binary units with one decimal: {@code 1.5 GiB}; below 1 KiB exact: {@code 740 B}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
