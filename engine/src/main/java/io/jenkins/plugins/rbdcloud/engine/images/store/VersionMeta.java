package io.jenkins.plugins.rbdcloud.engine.images.store;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image-metadata keys of the catalog (see docs/golden-images.md) and their parsing.
 *
 * <p>A version image carries four keys: {@link #STATE}, {@link #VERSION} (its own label),
 * {@link #INFO} (the provenance as one {@code field=value;...} record, so a promotion writes it
 * in one metadata call — each call opens the image and takes its exclusive lock) and
 * {@link #USED_BYTES}; a promoted one also {@link #CLONE_FROM} until its flatten made its snapshot.
 */
public final class VersionMeta {

    public static final String PREFIX = Ownership.META_PREFIX + "golden.";
    /** On the catalog image {@code <name>}: always {@value #CATALOG}. */
    public static final String KIND = PREFIX + "kind";
    public static final String CATALOG = "catalog";
    /** On the catalog image: the current version number. */
    public static final String CURRENT = PREFIX + "current";

    /** On the catalog image: {@code pin.v<N>} = an operator's note; a pinned version is never pruned. */
    public static final String PIN = PREFIX + "pin.v";

    public static final String STATE = PREFIX + "state";
    /** {@code <name>@v<N>}; a version image whose value differs carries inherited tags. */
    public static final String VERSION = PREFIX + "version";
    public static final String INFO = PREFIX + "info";
    public static final String USED_BYTES = PREFIX + "used-bytes";
    /** Who promoted the version ({@link Provenance#encode()}); written with {@link #INFO}, empty when unknown. */
    public static final String PROVENANCE = PREFIX + "provenance";

    /** Why a {@code rejected} version failed its test boot: one line, at most {@value #MAX_REASON} characters. */
    public static final String REJECTED = PREFIX + "rejected";
    public static final int MAX_REASON = 500;

    /** Fields of {@link #INFO}. */
    public static final String CREATED_AT = "created-at";
    public static final String CREATED_BY = "created-by";
    public static final String PARENT_VERSION = "parent-version";
    public static final String FORMAT = "format";
    public static final String CHECKSUM = "source-checksum";
    /** While flattening: the agent disk snapshot the version is a clone of ({@code pool/image@snap}). */
    public static final String SOURCE = "source";
    /** The image id of that agent disk, to find it in the trash or tell it from a namesake. */
    public static final String SOURCE_ID = "source-id";
    /** Bytes the promoted build wrote: its agent disk's diff against the version it was cloned from. */
    public static final String WRITTEN_BYTES = "written-bytes";

    /** The keys a version keeps; librbd copies every other one from the clone's parent. */
    /**
     * Replication's content checksum of the version, {@code v<N>#<snap id>:sha256:<hex>}: a cache
     * bound to the version's snapshot, kept by the flatten when it is this version's own.
     */
    public static final String CONTENT_CHECKSUM = PREFIX + "content-checksum";

    /**
     * The clones of a version that existed when its flatten finished ({@code pool/image,...}):
     * they opened the version while it was still a clone of the agent disk, and librbd keeps the
     * parent chain it opened, so that disk and its snapshot stay until they are gone.
     */
    public static final String EARLY_READERS = PREFIX + "early-readers";

    /**
     * {@value #FROM_SOURCE} on a version promoted natively until its flatten made its own snapshot:
     * agents are cloned from its {@link #SOURCE} (the same data: the version image is an unwritten
     * clone of it), so the promotion is current without a second snapshot on its critical path.
     */
    public static final String CLONE_FROM = PREFIX + "clone-from";
    public static final String FROM_SOURCE = "source";

    public static final Set<String> OWN_KEYS = Set.of(STATE, VERSION, INFO, USED_BYTES, PROVENANCE, REJECTED, EARLY_READERS,
            CLONE_FROM);

    /**
     * Whether {@code key} of the version image {@code versionImage} is one librbd copied from the
     * agent disk the version was promoted from (that disk's ownership, hold or keep tags), not one
     * of the version's own.
     */
    public static boolean inherited(String versionImage, String key, String value) {
        String ownChecksum = versionImage.substring(versionImage.lastIndexOf('.') + 1) + "#"; // v<N>#<snap id>
        boolean own = OWN_KEYS.contains(key) || key.equals(CONTENT_CHECKSUM) && value.startsWith(ownChecksum);
        return key.startsWith(Ownership.META_PREFIX) && !own;
    }

    private static final Pattern SPEC = Pattern.compile("([^/@]+)/([^/@]+)@([^/@]+)");
    private static final Pattern FIELD = Pattern.compile("[a-z-]+=[^;=]*");

    private VersionMeta() {}

    /** Encodes {@link #INFO}; values must not contain {@code ;} or {@code =} (names are validated, so they do not). */
    public static String encode(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> {
            String field = k + "=" + v;
            if (!FIELD.matcher(field).matches()) {
                throw new IllegalArgumentException("version info field '" + k + "' has a value with ';' or '='");
            }
            b.append(b.length() == 0 ? "" : ";").append(field);
        });
        return b.toString();
    }

    /** Decodes {@link #INFO}; malformed parts are skipped. */
    public static Map<String, String> decode(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        if (info != null) {
            for (String part : info.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    m.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        return m;
    }

    /**
     * Reads a version from its image's metadata; missing fields read as unknown, never fail.
     * librbd copies image metadata into clones, so a version image fresh from a clone carries
     * its ancestors' keys until the promotion publishes it: a {@link #VERSION} that is not this
     * version's label means the state is inherited, and the version reads as {@code creating}.
     */
    public static GoldenVersion parse(String pool, String golden, int n, Map<String, String> meta, boolean current,
            long sizeBytes) {
        String label = golden + "@v" + n;
        VersionState state = label.equals(meta.get(VERSION)) ? VersionState.ofMeta(meta.get(STATE)) : VersionState.CREATING;
        Map<String, String> info = decode(meta.get(INFO));
        Optional<ImageSpec> pinned = dependsOnAgentDisk(state) ? source(meta, golden, n) : Optional.empty();
        boolean measured = state == VersionState.READY || state == VersionState.RETIRED;
        ImageSpec own = ImageSpec.of(pool, GoldenNames.versionImage(golden, n), GoldenNames.versionSnap(n));
        return new GoldenVersion(golden, n, cloneSource(meta, golden, n).orElse(own),
                state, current, instant(info.get(CREATED_AT)), info.getOrDefault(CREATED_BY, "unknown"),
                Optional.ofNullable(info.get(CHECKSUM)), (int) number(info.get(PARENT_VERSION)), sizeBytes,
                measured ? number(meta.get(USED_BYTES)) : 0, pinned,
                label.equals(meta.get(VERSION)) ? Provenance.decode(meta.get(PROVENANCE)) : Optional.empty(),
                info.containsKey(WRITTEN_BYTES) ? OptionalLong.of(number(info.get(WRITTEN_BYTES))) : OptionalLong.empty(),
                state == VersionState.REJECTED ? Optional.of(reason(meta.get(REJECTED))) : Optional.empty());
    }

    /** States in which a promoted version may still be a clone of its agent disk's promotion snapshot. */
    private static boolean dependsOnAgentDisk(VersionState s) {
        return s == VersionState.FLATTENING || s == VersionState.CREATING || s == VersionState.CANDIDATE
                || s == VersionState.REJECTED;
    }

    /**
     * The agent disk snapshot agents of version n are cloned from while its own snapshot is not
     * made yet ({@link #CLONE_FROM}); empty once it is, or when the recorded source is not this
     * version's own promotion snapshot.
     */
    public static Optional<ImageSpec> cloneSource(Map<String, String> meta, String golden, int n) {
        if (!FROM_SOURCE.equals(meta.get(CLONE_FROM))) {
            return Optional.empty();
        }
        return source(meta, golden, n);
    }

    /** A rejection reason as stored, or as read back: printable, one line, bounded (it is shown to people). */
    public static String reason(String s) {
        if (s == null || s.isBlank()) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_REASON; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    /**
     * The agent disk snapshot recorded in the info, if it is this version's own promotion
     * snapshot (inherited info names an ancestor's).
     */
    public static Optional<ImageSpec> source(Map<String, String> meta, String golden, int n) {
        String s = decode(meta.get(INFO)).get(SOURCE);
        Matcher m = s == null ? null : SPEC.matcher(s);
        if (m == null || !m.matches() || !m.group(3).equals(GoldenNames.promoteSnap(golden, n))) {
            return Optional.empty();
        }
        return Optional.of(ImageSpec.of(m.group(1), m.group(2), m.group(3)));
    }

    public static String field(Map<String, String> meta, String field) {
        return decode(meta.get(INFO)).get(field);
    }

    /** The version number in an ownership tag {@code <golden>@v<N>}, else 0. */
    public static int versionOfLabel(String golden, String label) {
        if (label != null && label.startsWith(golden + "@v")) {
            return (int) number(label.substring(golden.length() + 2));
        }
        return 0;
    }

    public static long number(String s) {
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
