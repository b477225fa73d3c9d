package io.jenkins.plugins.rbdcloud.engine.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which builds may promote a template's agent disks: job name patterns and branch patterns. The
 * default, {@link #NOBODY}, promotes nothing until an administrator names the jobs. A pattern is
 * matched against the whole name: {@code *} matches any characters but {@code /}, {@code **} any
 * characters at all ({@code ci/app/*} matches {@code ci/app/main}, not {@code ci/app/x/main}).
 *
 * @param jobs           job full names allowed to promote; empty: none
 * @param branches       branches allowed to promote; empty: any branch, and builds without one
 * @param changeRequests whether change requests (pull or merge requests) may promote
 * @param forks          whether change requests from forks may promote (also needs {@code changeRequests})
 */
public record PromoteFrom(List<String> jobs, List<String> branches, boolean changeRequests, boolean forks) {

    public static final PromoteFrom NOBODY = new PromoteFrom(List.of(), List.of(), false, false);
    static final int MAX_PATTERNS = 50;
    /** No blanks or control characters; at most 200, as the provenance a build gives. */
    private static final Pattern PATTERN = Pattern.compile("[^\\s\\p{Cntrl}]{1,200}");

    public PromoteFrom {
        jobs = List.copyOf(jobs);
        branches = List.copyOf(branches);
        check("promoteFrom.jobs", jobs);
        check("promoteFrom.branches", branches);
    }

    /** Whether {@code job} matches one of the job patterns. */
    public boolean allowsJob(String job) {
        return jobs.stream().anyMatch(p -> glob(p).matcher(job).matches());
    }

    /** Whether a build of {@code branch} (null: no branch) may promote. */
    public boolean allowsBranch(String branch) {
        return branches.isEmpty() || branch != null && branches.stream().anyMatch(p -> glob(p).matcher(branch).matches());
    }

    private static void check(String field, List<String> patterns) {
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException(field + " takes at most " + MAX_PATTERNS + " patterns, got " + patterns.size());
        }
        for (String p : patterns) {
            if (p == null || !PATTERN.matcher(p).matches()) {
                throw new IllegalArgumentException(field + " patterns must be 1-200 characters without blanks or control "
                        + "characters, got " + (p == null ? "none" : io.jenkins.plugins.rbdcloud.engine.util.Printable.of(p)));
            }
        }
    }

    /** The pattern as a regular expression: only {@code *} and {@code **} are special. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            if (pattern.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (pattern.charAt(i) == '*') {
                re.append("[^/]*");
                i++;
            } else {
                int next = pattern.indexOf('*', i);
                int end = next < 0 ? pattern.length() : next;
                re.append(Pattern.quote(pattern.substring(i, end)));
                i = end;
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
