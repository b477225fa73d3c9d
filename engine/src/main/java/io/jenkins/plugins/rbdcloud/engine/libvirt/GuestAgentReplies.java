package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.util.Json;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads qemu-guest-agent replies. They come from inside the guest, which runs builds, so they
 * are untrusted: a reply of the wrong shape is a {@link GuestAgentException} naming the call
 * and what is wrong with it, never a NullPointerException or ClassCastException deep in the
 * engine. Messages never quote captured output (it may hold a build's secrets).
 */
final class GuestAgentReplies {

    /** Longest part of a guest's error object quoted in a message. */
    private static final int MAX_QUOTED = 300;

    private final String domain;

    GuestAgentReplies(String domain) {
        this.domain = domain;
    }

    /** The {@code return} value of the reply to {@code call} (null when the reply has none). */
    Object returned(String call, String reply) {
        if (reply == null) {
            throw wrong(call, "no reply");
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(reply);
        } catch (Json.JsonException e) {
            throw new GuestAgentException(call + " on " + domain + ": malformed reply (" + e.getMessage() + ")", e);
        }
        if (m.containsKey("error")) {
            String error = Json.write(m.get("error"));
            throw new GuestAgentException(call + " on " + domain + " failed: "
                    + (error.length() > MAX_QUOTED ? error.substring(0, MAX_QUOTED) + "..." : error));
        }
        return m.get("return");
    }

    /** The pid guest-exec started. */
    long pid(Object returned) {
        return wholeNumber("guest-exec", object("guest-exec", returned).get("pid"), "'pid'");
    }

    /** The result of guest-exec-status once the command has exited; empty while it runs. */
    Optional<ExecResult> exited(Object returned) {
        String call = "guest-exec-status";
        Map<String, Object> st = object(call, returned);
        if (!flag(call, st, "exited")) {
            return Optional.empty();
        }
        return Optional.of(new ExecResult(optionalInt(call, st, "exitcode", -1), optionalInt(call, st, "signal", 0),
                base64(call, st, "out-data"), base64(call, st, "err-data"),
                flag(call, st, "out-truncated") || flag(call, st, "err-truncated")));
    }

    /** The handle guest-file-open gave, to pass back to the other guest-file calls. */
    long fileHandle(Object returned) {
        return wholeNumber("guest-file-open", returned, "handle");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(String call, Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw wrong(call, "reply is not an object");
    }

    /** A non-negative number that fits a long: pids and handles. */
    private long wholeNumber(String call, Object v, String what) {
        if (v instanceof Long n && n >= 0) {
            return n;
        }
        // Json gives Long, BigInteger (too large) or Double (fraction): only the first is usable.
        throw wrong(call, "reply has no " + what + " (a whole number)" + (v instanceof BigInteger ? ", got one too large" : ""));
    }

    private boolean flag(String call, Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        throw wrong(call, key + " is not true or false");
    }

    private int optionalInt(String call, Map<String, Object> m, String key, int absent) {
        Object v = m.get(key);
        if (v == null) {
            return absent;
        }
        if (v instanceof Long n && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw wrong(call, key + " is not a whole number");
    }

    private byte[] base64(String call, Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return new byte[0];
        }
        try {
            if (v instanceof String s) {
                return Base64.getDecoder().decode(s);
            }
        } catch (IllegalArgumentException e) {
            // fall through: the decoder's message quotes the offending character, not needed here
        }
        throw wrong(call, key + " is not base64");
    }

    private GuestAgentException wrong(String call, String problem) {
        return new GuestAgentException(call + " on " + domain + ": " + problem);
    }
}
