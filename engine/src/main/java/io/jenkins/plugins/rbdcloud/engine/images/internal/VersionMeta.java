package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The image-metadata keys of the catalog (see docs/golden-images.md) and their parsing. */
public final class VersionMeta {

    public static final String PREFIX = Ownership.META_PREFIX + "golden.";
    /** On the catalog image {@code <name>}: always {@value #CATALOG}. */
    public static final String KIND = PREFIX + "kind";
    public static final String CATALOG = "catalog";
    /** On the catalog image: the current version number. */
    public static final String CURRENT = PREFIX + "current";

    public static final String NAME = PREFIX + "name";
    public static final String VERSION = PREFIX + "version";
    public static final String STATE = PREFIX + "state";
    public static final String CREATED_AT = PREFIX + "created-at";
    public static final String CREATED_BY = PREFIX + "created-by";
    public static final String CHECKSUM = PREFIX + "source-checksum";
    public static final String PARENT_VERSION = PREFIX + "parent-version";
    public static final String USED_BYTES = PREFIX + "used-bytes";
    public static final String FORMAT = PREFIX + "format";
    /** While flattening: the agent disk snapshot the version is a clone of ({@code pool/image@snap}). */
    public static final String SOURCE = PREFIX + "source";
    /** The image id of that agent disk, to find it in the trash or tell it from a namesake. */
    public static final String SOURCE_ID = PREFIX + "source-id";

    private static final Pattern SPEC = Pattern.compile("([^/@]+)/([^/@]+)@([^/@]+)");

    private VersionMeta() {}

    /**
     * Reads a version from its image's metadata; missing fields read as unknown, never fail.
     * librbd copies image metadata into clones, so a version image fresh from a clone carries
     * its ancestors' keys until the promotion tags it: a {@link #VERSION} that is not {@code n}
     * means the tags are inherited, and the version reads as {@code creating}.
     */
    public static GoldenVersion parse(String pool, String golden, int n, Map<String, String> meta, boolean current,
            long sizeBytes) {
        boolean own = Integer.toString(n).equals(meta.get(VERSION)) && golden.equals(meta.get(NAME));
        VersionState state = own ? VersionState.ofMeta(meta.get(STATE)) : VersionState.CREATING;
        Optional<ImageSpec> pinned = state == VersionState.FLATTENING || state == VersionState.CREATING
                ? source(meta, golden, n) : Optional.empty();
        return new GoldenVersion(golden, n, ImageSpec.of(pool, GoldenNames.versionImage(golden, n), GoldenNames.versionSnap(n)),
                state, current, instant(meta.get(CREATED_AT)), meta.getOrDefault(CREATED_BY, "unknown"),
                Optional.ofNullable(meta.get(CHECKSUM)), (int) number(meta.get(PARENT_VERSION)), sizeBytes,
                number(meta.get(USED_BYTES)), pinned);
    }

    /**
     * The agent disk snapshot recorded in {@link #SOURCE}, if it is this version's own promotion
     * snapshot (an inherited key names an ancestor's).
     */
    public static Optional<ImageSpec> source(Map<String, String> meta, String golden, int n) {
        String s = meta.get(SOURCE);
        Matcher m = s == null ? null : SPEC.matcher(s);
        if (m == null || !m.matches() || !m.group(3).equals(GoldenNames.promoteSnap(golden, n))) {
            return Optional.empty();
        }
        return Optional.of(ImageSpec.of(m.group(1), m.group(2), m.group(3)));
    }

    /** The version number in an ownership tag {@code <golden>@v<N>}, else 0. */
    public static int versionOfLabel(String golden, String label) {
        if (label != null && label.startsWith(golden + "@v")) {
            return (int) number(label.substring(golden.length() + 2));
        }
        return 0;
    }

    static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant instant(String s) {
        try {
            return s == null ? Instant.EPOCH : Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
