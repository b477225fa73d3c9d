package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A running controller's sign of life, for the CLI: a small RADOS object in the agents pool, one
 * per owner and cloud, rewritten by the engine's {@link RbdCloudEngine#tick}. While it is
 * {@linkplain #isFresh fresh}, {@code gc} and {@code agents down} leave that cloud's agents alone
 * (unless forced): to them every agent Jenkins uses would look unknown.
 *
 * @param ownerId controller identity
 * @param cloud   cloud name
 * @param host    host the controller runs on (for the message only)
 * @param pid     its process id (for the message only)
 * @param session the writing engine's random id, so closing it removes only its own heartbeat
 * @param at      when it was written, by the writer's clock
 */
public record ControllerHeartbeat(String ownerId, String cloud, String host, long pid, String session, Instant at) {

    /** A controller ticks every minute; one silent for longer than this counts as stopped. */
    public static final Duration FRESH = Duration.ofMinutes(3);

    /** Longest heartbeat read: the object's content is not trusted. */
    static final int MAX_BYTES = 1024;

    public ControllerHeartbeat {
        Map.of("ownerId", ownerId, "cloud", cloud, "host", host, "session", session).forEach(Ownership::checkTag);
        if (pid < 0) {
            throw new IllegalArgumentException("pid must not be negative, got " + pid);
        }
        java.util.Objects.requireNonNull(at, "at");
    }

    /** The object's name: a digest, since owner ids may hold characters RADOS names here may not. */
    public static String objectName(String ownerId, String cloud) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((ownerId + "\n" + cloud).getBytes(StandardCharsets.UTF_8));
            return "rbd-cloud.heartbeat." + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How long ago it was written; never negative (a writer's clock ahead of ours counts as now). */
    public Duration age(Instant now) {
        Duration d = Duration.between(at, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean isFresh(Instant now) {
        return age(now).compareTo(FRESH) <= 0;
    }

    /** Writes (replaces) this heartbeat. */
    public void write(RbdPool agentsPool) {
        String json = Json.write(new TreeMap<>(Map.of("owner", ownerId, "cloud", cloud, "host", host, "pid", pid,
                "session", session, "at", at.toString())));
        agentsPool.objectWrite(objectName(ownerId, cloud), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The heartbeat of {@code ownerId}'s {@code cloud}, empty when there is none.
     *
     * @throws IllegalArgumentException when the object holds something else, naming what is wrong
     */
    public static Optional<ControllerHeartbeat> read(RbdPool agentsPool, String ownerId, String cloud) {
        String object = objectName(ownerId, cloud);
        Optional<byte[]> raw = agentsPool.objectRead(object, MAX_BYTES);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, Object> m = Json.parseObject(new String(raw.get(), StandardCharsets.UTF_8));
            ControllerHeartbeat h = new ControllerHeartbeat(text(m, "owner"), text(m, "cloud"), text(m, "host"),
                    m.get("pid") instanceof Number n ? n.longValue() : -1, text(m, "session"), Instant.parse(text(m, "at")));
            if (!h.ownerId().equals(ownerId) || !h.cloud().equals(cloud)) {
                throw new IllegalArgumentException("it names owner " + h.ownerId() + ", cloud " + h.cloud());
            }
            return Optional.of(h);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("heartbeat object " + agentsPool.name() + "/" + object + " of owner " + ownerId
                    + ", cloud " + cloud + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Removes the heartbeat of {@code ownerId}'s {@code cloud} if {@code session} wrote it last; true when removed. */
    public static boolean removeIfWrittenBy(RbdPool agentsPool, String ownerId, String cloud, String session) {
        Optional<ControllerHeartbeat> h;
        try {
            h = read(agentsPool, ownerId, cloud);
        } catch (IllegalArgumentException unreadable) {
            return false; // not ours to judge
        }
        return h.isPresent() && h.get().session().equals(session) && agentsPool.objectRemove(objectName(ownerId, cloud));
    }

    private static String text(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a string");
        }
        return s;
    }
}
