package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cloud's health as the engine knows it at {@code at}, for a status page: assembled from what
 * the engine already tracks, without a Ceph or libvirt call, so it is cheap and never blocks.
 *
 * @param at            when it was assembled
 * @param live          agents running, of {@code maxAgents}
 * @param reserved      agents being created
 * @param maxAgents     the cloud's cap
 * @param hypervisors   each configured hypervisor, in configuration order
 * @param templates     each template, in configuration order
 * @param launches      recent launches, newest first
 * @param failures      recent failures (launch, promotion, ending, sick agents), newest first
 * @param lastReconcile the last reconciliation, if one ran since the engine started
 * @param rollbacks     golden images the engine rolled back because their new version kept failing, newest first
 * @param pendingUndos  failed launches whose leftovers are not removed yet (retried on every tick); their
 *                      reservations count in {@code reserved} or {@code live} until then
 */
public record CloudStatus(Instant at, int live, int reserved, int maxAgents, List<Hypervisor> hypervisors,
                          List<Template> templates, List<LaunchEvent> launches, List<Failure> failures,
                          Optional<Reconciliation> lastReconcile, List<Rollback> rollbacks, List<PendingUndo> pendingUndos) {

    public CloudStatus {
        pendingUndos = List.copyOf(pendingUndos);
        hypervisors = List.copyOf(hypervisors);
        templates = List.copyOf(templates);
        launches = List.copyOf(launches);
        failures = List.copyOf(failures);
        Objects.requireNonNull(lastReconcile, "lastReconcile");
        rollbacks = List.copyOf(rollbacks);
    }

    /**
     * Whether a hypervisor takes agents, and its last contact and failure.
     *
     * @param reachable     false while placement skips it after a failure
     * @param lastContact   the last time libvirt answered (a start or a listing); empty before the first
     * @param lastFailureAt when libvirt last could not be reached; empty if never
     * @param lastFailure   why, or empty
     */
    public record Reachability(boolean reachable, Optional<Instant> lastContact, Optional<Instant> lastFailureAt,
                               Optional<String> lastFailure) {

        public static Reachability untried() {
            return new Reachability(true, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** One hypervisor: reachability and what its agents hold of its capacity. */
    public record Hypervisor(String name, String uri, Reachability reachability, int agents, int maxAgents,
                             int vcpus, int maxVcpus, int memoryMib, int maxMemoryMib) {
    }

    /**
     * The golden version a template's new agents get.
     *
     * @param label  e.g. {@code debian@v4}
     * @param pinned the template pins this version; otherwise it is the image's current one
     * @param asOf   when the engine last saw it current (clone, warm pool check, promotion, listing); empty when pinned
     */
    public record Golden(String label, boolean pinned, Optional<Instant> asOf) {
    }

    /**
     * One template.
     *
     * @param maxAgents its cap; {@code TemplateSettings.UNLIMITED} when only the cloud and hypervisor caps apply
     * @param golden    empty when the engine has not seen the current version yet
     * @param backoff   present while no agent is launched for it because its launches kept failing
     */
    public record Template(String name, int agents, int maxAgents, int warmReady, int warmSize, String image,
                           Optional<Golden> golden, Optional<Backoff> backoff) {

        public Template {
            Objects.requireNonNull(golden, "golden");
            Objects.requireNonNull(backoff, "backoff");
        }

        /** Not backing off. */
        public Template(String name, int agents, int maxAgents, int warmReady, int warmSize, String image,
                        Optional<Golden> golden) {
            this(name, agents, maxAgents, warmReady, warmSize, image, golden, Optional.empty());
        }
    }

    /**
     * A template the engine does not launch for until {@code until}: {@code failures} launches in a
     * row failed at {@code step}, the last one with {@code lastReason}.
     */
    public record Backoff(Instant until, int failures, String step, String lastReason) {

        /** "backing off until T: 3 launches failed at wait-ready: why". */
        public String describe() {
            return "backing off until " + until + ": " + failures + " launches failed at " + step + ": " + lastReason;
        }
    }

    /** The engine made {@code to} current again instead of {@code from} of golden image {@code golden}, and why. */
    public record Rollback(Instant at, String golden, int from, int to, String reason) {

        /** "debian: v5 rolled back to v4: why". */
        public String describe() {
            return golden + ": v" + from + " rolled back to v" + to + ": " + reason;
        }
    }

    /**
     * One launch, ended ready or failed.
     *
     * @param golden  the version cloned, or empty when the clone did not happen
     * @param phases  how long each phase done took
     * @param failure the failed step and why; empty when the agent became ready
     */
    public record LaunchEvent(Instant at, String agent, String template, String hypervisor, Optional<String> golden,
                              Map<PhaseTimings.Phase, Duration> phases, Optional<Failure> failure) {

        public LaunchEvent {
            phases = Map.copyOf(phases);
        }

        public boolean ok() {
            return failure.isEmpty();
        }

        /** The phases done, in phase order. */
        public Duration total() {
            return phases.values().stream().reduce(Duration.ZERO, Duration::plus);
        }
    }

    /** What went wrong with an agent, and where: SICK is a ready agent the engine ended (watchdog, crash, I/O error, stop). */
    public enum Kind { LAUNCH, PROMOTION, ENDING, SICK }

    /** A failure: which agent, in which step, and why (engine messages hold no secret). */
    public record Failure(Instant at, String agent, String template, Kind kind, String step, String reason) {
    }

    /** A reconciliation and what it removed. */
    public record Reconciliation(Instant at, ReconcileReport report) {
    }
}
