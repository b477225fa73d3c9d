package io.jenkins.plugins.rbdcloud.engine.config;

/** Makes user input safe to put in a message: control characters become visible, length is capped. */
final class Printable {

    private static final int MAX = 80;

    private Printable() {
    }

    static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < MAX; i++) {
            char c = s.charAt(i);
            // A newline in a value must not be able to forge a log line.
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
