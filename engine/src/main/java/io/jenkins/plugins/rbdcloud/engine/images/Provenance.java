package io.jenkins.plugins.rbdcloud.engine.images;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Who asked for a promotion: the build whose agent disk becomes the next golden version. Text from
 * a CI system (job and branch names, a user id), so untrusted: every field is bounded and printable,
 * checked when made and again when read back from the catalog.
 *
 * @param job           the job's full name, e.g. {@code ci/app/main}
 * @param build         the build number, from 1
 * @param branch        the branch built, when the job knows one
 * @param changeRequest the change request (pull or merge request) id, when the build is one
 * @param fork          the fork the change request comes from (its owner or repository), when it does
 * @param startedBy     the user who started the build, when a user did
 */
public record Provenance(String job, long build, Optional<String> branch, Optional<String> changeRequest,
                         Optional<String> fork, Optional<String> startedBy) {

    /** Longest value of one field, in characters. */
    public static final int MAX_FIELD = 200;
    /** Longest encoded record read back; anything longer is not ours. */
    static final int MAX_ENCODED = 8 * MAX_FIELD;

    public Provenance {
        check("job", job);
        if (build < 1) {
            throw new IllegalArgumentException("build number must be at least 1, got " + build);
        }
        branch.ifPresent(v -> check("branch", v));
        changeRequest.ifPresent(v -> check("change request", v));
        fork.ifPresent(v -> check("fork", v));
        startedBy.ifPresent(v -> check("started by", v));
    }

    /** A plain job's build: no branch, not a change request. */
    public static Provenance of(String job, long build) {
        return new Provenance(job, build, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Provenance withBranch(String v) {
        return new Provenance(job, build, Optional.ofNullable(v), changeRequest, fork, startedBy);
    }

    public Provenance withChangeRequest(String v) {
        return new Provenance(job, build, branch, Optional.ofNullable(v), fork, startedBy);
    }

    public Provenance withFork(String v) {
        return new Provenance(job, build, branch, changeRequest, Optional.ofNullable(v), startedBy);
    }

    public Provenance withStartedBy(String v) {
        return new Provenance(job, build, branch, changeRequest, fork, Optional.ofNullable(v));
    }

    /** One line for people: {@code ci/app #12, branch main, change request 7 from fork alice/app, started by bob}. */
    public String describe() {
        StringBuilder b = new StringBuilder(job).append(" #").append(build);
        branch.ifPresent(v -> b.append(", branch ").append(v));
        changeRequest.ifPresent(v -> b.append(", change request ").append(v));
        fork.ifPresent(v -> b.append(" from fork ").append(v));
        startedBy.ifPresent(v -> b.append(", started by ").append(v));
        return b.toString();
    }

    /** The catalog's form: {@code field=value;...}, values URL-encoded (so {@code ;} and {@code =} cannot split a field). */
    public String encode() {
        StringJoiner j = new StringJoiner(";");
        j.add("job=" + enc(job)).add("build=" + build);
        branch.ifPresent(v -> j.add("branch=" + enc(v)));
        changeRequest.ifPresent(v -> j.add("change-request=" + enc(v)));
        fork.ifPresent(v -> j.add("fork=" + enc(v)));
        startedBy.ifPresent(v -> j.add("started-by=" + enc(v)));
        return j.toString();
    }

    /**
     * Reads a record written by {@link #encode()}; empty for none (an empty value) and for anything that does
     * not pass the same checks, e.g. a value someone wrote into the catalog by hand.
     */
    public static Optional<Provenance> decode(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_ENCODED) {
            return Optional.empty();
        }
        Map<String, String> f = new LinkedHashMap<>();
        try {
            for (String part : s.split(";", 16)) {
                int eq = part.indexOf('=');
                if (eq <= 0 || f.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                    return Optional.empty();
                }
            }
            String job = f.get("job");
            String build = f.get("build");
            if (job == null || build == null || !build.matches("[1-9][0-9]{0,17}")) {
                return Optional.empty();
            }
            return Optional.of(new Provenance(job, Long.parseLong(build), Optional.ofNullable(f.get("branch")),
                    Optional.ofNullable(f.get("change-request")), Optional.ofNullable(f.get("fork")),
                    Optional.ofNullable(f.get("started-by"))));
        } catch (IllegalArgumentException bad) {
            return Optional.empty();
        }
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** 1–{@value #MAX_FIELD} characters, none a control character (a newline could forge a log line). */
    private static void check(String what, String v) {
        if (v == null || v.isEmpty() || v.length() > MAX_FIELD) {
            throw new IllegalArgumentException("provenance " + what + " must be 1-" + MAX_FIELD + " characters, got "
                    + (v == null ? "none" : v.length()));
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i)) || Character.getType(v.charAt(i)) == Character.FORMAT) {
                throw new IllegalArgumentException("provenance " + what + " has a control character at " + i);
            }
        }
    }
}
