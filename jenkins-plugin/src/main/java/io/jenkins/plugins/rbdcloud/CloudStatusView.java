package io.jenkins.plugins.rbdcloud;

import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cloud page's status section: the engine's {@link CloudStatus}, or why there is none, with
 * the wording the page shows. Building one starts no engine and reads no credentials, so a page
 * view never connects to anything.
 *
 * @param status     the engine's report, or null when no engine runs
 * @param notRunning why no engine runs, or null
 * @param now        when the page was asked for; times are shown relative to it
 */
public record CloudStatusView(CloudStatus status, String notRunning, Instant now) {

    static CloudStatusView of(String cloudName, Instant now) {
        Engines engines = Engines.get();
        RbdCloudEngine engine = engines.current(cloudName);
        if (engine != null) {
            return new CloudStatusView(engine.status(now), null, now);
        }
        String error = engines.lastError(cloudName);
        String why = error != null ? "The engine did not start: " + error + ". It is tried again within a minute."
                : engines.starting(cloudName) ? "The engine is starting: it is connecting to Ceph. Reload the page in a moment."
                : "The engine is not running yet: it starts with Jenkins and within a minute of saving the cloud."
                        + " Reload the page in a moment.";
        return new CloudStatusView(null, why, now);
    }

    public When when(Instant at) {
        return When.of(at, now);
    }

    /** "reachable, last contact 2 min ago", or "unreachable: why"; an earlier failure is mentioned. */
    public String reachability(CloudStatus.Hypervisor h) {
        CloudStatus.Reachability r = h.reachability();
        String failure = r.lastFailure().map(why -> why + ", " + r.lastFailureAt().map(t -> when(t).ago()).orElse("")).orElse("");
        if (!r.reachable()) {
            return "unreachable: " + failure + "; placement skips it for now";
        }
        String contact = r.lastContact().map(t -> "last contact " + when(t).ago()).orElse("not contacted yet");
        return "reachable, " + contact + (failure.isEmpty() ? "" : "; last failure: " + failure);
    }

    /** "2 of 4", or "2, no cap of its own" when the template has none. */
    public String ofCap(int used, int cap) {
        return cap == TemplateSettings.UNLIMITED ? used + ", no cap of its own" : used + " of " + cap;
    }

    /** "debian@v4, current as of 3 min ago", "debian@v3, pinned", or why it is unknown. */
    public String golden(CloudStatus.Template t) {
        return t.golden().map(g -> g.label() + (g.pinned() ? ", pinned" : ", current as of " + g.asOf().map(a -> when(a).ago())
                .orElse("unknown"))).orElse("not seen yet: shown once the engine clones from it or lists the golden images");
    }

    /**
     * "launching", or "backing off (new agents in 25 sec): 3 launches failed at wait-ready: why"
     * while the engine launches no agent for the template.
     */
    public String launching(CloudStatus.Template t) {
        return t.backoff().filter(b -> b.until().isAfter(now)).map(b -> "backing off (new agents " + when(b.until()).ago()
                + "): " + b.failures() + " launches failed at " + b.step() + ": " + b.lastReason()).orElse("launching");
    }

    /** "debian: v5 rolled back to v4: why". */
    public String rollback(CloudStatus.Rollback r) {
        return r.describe();
    }

    /** "clone 0.41 s, start 0.30 s, ready 5.10 s", in phase order. */
    public String phases(CloudStatus.LaunchEvent l) {
        return l.phases().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + seconds(e.getValue())).collect(Collectors.joining(", "));
    }

    /** "ready", or "failed in clone: why". */
    public String result(CloudStatus.LaunchEvent l) {
        return l.failure().map(f -> "failed in " + f.step() + ": " + f.reason()).orElse("ready");
    }

    public String kind(CloudStatus.Failure f) {
        return f.kind().name().toLowerCase(Locale.ROOT);
    }

    public String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }

    /** A list for a table cell: its items joined, or "none". */
    public String items(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }

    public String golden(CloudStatus.LaunchEvent l) {
        return l.golden().orElse("");
    }

    /** The last reconciliation, or null before the first. */
    public CloudStatus.Reconciliation lastReconcile() {
        return Optional.ofNullable(status).flatMap(CloudStatus::lastReconcile).orElse(null);
    }
}
