package io.jenkins.plugins.rbdcloud.engine;

import java.util.Locale;

/**
 * Turns the LinkageError that JNA (or a class that binds through it) throws when librados,
 * librbd or libvirt is missing on this machine into a message an admin can act on: which library,
 * which Debian package. Such an error is not an {@code Exception}, so it escapes catch blocks that
 * expect backend failures and is easily lost.
 */
public final class NativeLibraries {

    private NativeLibraries() {
    }

    /** A one-line explanation of {@code error} that names the missing library and its package. */
    public static String explain(LinkageError error) {
        String text = chain(error);
        String lower = text.toLowerCase(Locale.ROOT);
        String what;
        if (lower.contains("rbd")) {
            what = "librbd (Debian package librbd1)";
        } else if (lower.contains("rados")) {
            what = "librados (Debian package librados2)";
        } else if (lower.contains("virt")) {
            what = "libvirt (Debian package libvirt0)";
        } else if (lower.contains("jna") || lower.contains("com/sun/jna") || lower.contains("com.sun.jna")) {
            what = "JNA (it comes with Jenkins core; is this the engine outside Jenkins without JNA?)";
        } else {
            what = "a native library of rbd-cloud (librados2, librbd1, libvirt0)";
        }
        return "cannot load " + what + " on this machine: install it where the Jenkins controller runs and restart it ("
                + error.getClass().getSimpleName() + ": " + firstLine(text) + ")";
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 2000; c = c.getCause()) {
            b.append(c.getMessage()).append(' ');
        }
        return b.toString().trim();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
