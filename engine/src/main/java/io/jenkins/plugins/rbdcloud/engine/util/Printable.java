package io.jenkins.plugins.rbdcloud.engine.util;

/**
 * Makes a value safe to quote in a message or log line: anything but printable ASCII becomes a
 * visible {@code \\uXXXX}, so a newline in a name cannot forge a log line and look-alike
 * characters show for what they are; long values are cut.
 */
public final class Printable {

    /** Characters shown before the value is cut with {@code ...}. */
    static final int MAX = 80;

    private Printable() {
    }

    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < MAX; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
