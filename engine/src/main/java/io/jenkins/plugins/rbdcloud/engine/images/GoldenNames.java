package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNames;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of golden images and of the RBD objects that hold them. A golden name is stricter than
 * an RBD name (no dots), so {@code <name>.v<N>} can always be read back.
 */
public final class GoldenNames {

    /** Longest golden image name; leaves room for {@code rbd-cloud.promote.<name>.v<N>} within RBD's 95. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern VERSION_IMAGE = Pattern.compile("([a-z0-9][a-z0-9_-]*)\\.v([1-9][0-9]{0,8})");

    private GoldenNames() {}

    /** @throws IllegalArgumentException unless 1-64 characters of {@code a-z 0-9 _ -}, starting with a letter or digit */
    public static String check(String golden) {
        RbdNames.check("golden image", golden);
        if (golden.length() > MAX_LENGTH || !NAME.matcher(golden).matches()) {
            throw new IllegalArgumentException("golden image name '" + golden + "' must be 1-" + MAX_LENGTH
                    + " characters of a-z 0-9 _ - starting with a letter or digit");
        }
        return golden;
    }

    /** The image holding version {@code n}: {@code <name>.v<n>}. */
    public static String versionImage(String golden, int n) {
        return check(golden) + ".v" + checkVersion(n);
    }

    /** The protected snapshot of version {@code n}: {@code v<n>}. */
    public static String versionSnap(int n) {
        return "v" + checkVersion(n);
    }

    /** The snapshot a promotion takes of the agent disk. */
    public static String promoteSnap(String golden, int n) {
        return "rbd-cloud.promote." + check(golden) + ".v" + checkVersion(n);
    }

    /** The version number of {@code image} when it is a version image of {@code golden}. */
    public static OptionalInt versionOf(String golden, String image) {
        Matcher m = VERSION_IMAGE.matcher(image);
        if (m.matches() && m.group(1).equals(golden)) {
            return OptionalInt.of(Integer.parseInt(m.group(2)));
        }
        return OptionalInt.empty();
    }

    /** The golden name of a version image name, else null. */
    static String goldenOf(String image) {
        Matcher m = VERSION_IMAGE.matcher(image);
        return m.matches() ? m.group(1) : null;
    }

    static int checkVersion(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("version must be 1 or more, got " + n);
        }
        return n;
    }
}
