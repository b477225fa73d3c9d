package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.util.Optional;
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

    /**
     * The one rule for a golden image name, said the same way wherever a name is refused (the
     * catalog, a template's {@code image} setting).
     */
    public static final String RULE = "1-" + MAX_LENGTH + " characters of a-z 0-9 _ - starting with a letter or digit";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");
    private static final Pattern VERSION_IMAGE = Pattern.compile("([a-z0-9][a-z0-9_-]*)\\.v([1-9][0-9]{0,8})");

    private GoldenNames() {}

    /** Whether {@code golden} follows {@link #RULE}; every such name is also a valid RBD image name. */
    public static boolean isValid(String golden) {
        return golden != null && NAME.matcher(golden).matches();
    }

    /** @throws IllegalArgumentException unless {@code golden} follows {@link #RULE} */
    public static String check(String golden) {
        if (!isValid(golden)) {
            throw new IllegalArgumentException("golden image name must be " + RULE + ", got "
                    + (golden == null ? "null" : "'" + Printable.of(golden) + "'"));
        }
        return golden;
    }

    /** The image holding version {@code n}: {@code <name>.v<n>}. */
    public static String versionImage(String golden, int n) {
        return check(golden) + ".v" + checkVersion(n);
    }

    /** The RADOS object beside a version image that keeps its block digests (replication's cache). */
    public static String blockDigestsObject(String versionImage) {
        return "rbd-cloud.digests." + versionImage;
    }

    /** The protected snapshot of version {@code n}: {@code v<n>}. */
    public static String versionSnap(int n) {
        return "v" + checkVersion(n);
    }

    /** The snapshot a promotion takes of the agent disk. */
    public static String promoteSnap(String golden, int n) {
        return PROMOTE_SNAP_PREFIX + check(golden) + ".v" + checkVersion(n);
    }

    /** Whether {@code snap} is named like a promotion's snapshot of an agent disk. */
    public static boolean isPromoteSnap(String snap) {
        return snap.startsWith(PROMOTE_SNAP_PREFIX);
    }

    /**
     * The version a promotion snapshot's name says the disk became, as {@code <golden>@v<N>}; empty
     * for any other name (snapshot names on an agent disk are whatever its clones and users made).
     */
    public static Optional<String> promotedVersionOf(String snap) {
        return promoteSnapMatch(snap).map(m -> m.group(1) + "@v" + m.group(2));
    }

    /** The golden image a promotion snapshot's name says the disk was promoted into; empty for any other name. */
    public static Optional<String> promotedGoldenOf(String snap) {
        return promoteSnapMatch(snap).map(m -> m.group(1));
    }

    private static Optional<Matcher> promoteSnapMatch(String snap) {
        Matcher m = PROMOTE_SNAP.matcher(snap);
        return m.matches() && isValid(m.group(1)) ? Optional.of(m) : Optional.empty();
    }

    private static final String PROMOTE_SNAP_PREFIX = "rbd-cloud.promote.";
    private static final Pattern PROMOTE_SNAP = Pattern.compile(Pattern.quote(PROMOTE_SNAP_PREFIX) + "(.+)\\.v([1-9][0-9]{0,8})");

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
