package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.LaunchBreaker;
import io.jenkins.plugins.rbdcloud.engine.agents.policy.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the engine runs, beyond the cloud's settings.
 *
 * @param threads                  threads for blocking librados/libvirt calls (all engine work runs there)
 * @param perHypervisorConcurrency clones and domain starts at the same time per hypervisor
 * @param launchValues             per-agent launch values: public ones (e.g. the Jenkins URL) as SMBIOS OEM
 *                                 strings, secret ones (and the template's env) in a root-only file in the guest
 * @param listener                 lifecycle events
 * @param clock                    time for ownership tags and timings
 * @param steps                    told before each agent step; tests inject failures here
 * @param catalogSteps             told before each golden image catalog step (promotion); tests inject failures here
 * @param keepVersions             golden versions kept by maintenance besides the current and the pinned ones
 * @param trimInterval             how often long-lived (idle-retention) agents get a guest fstrim
 * @param deletion                 retries for removing busy disks and domains
 * @param reconcileInterval        how often to reconcile when nothing is about to expire
 * @param connectTimeout           Ceph connect and per-request timeout
 * @param holdLimit                how long a held agent disk waits for its build's result before
 *                                 reconciliation drops it
 * @param breaker                  when a template whose launches keep failing at one step backs off, and how long
 * @param rollbackWindow           a golden version promoted less than this long ago whose launches trip the
 *                                 breaker is rolled back to the previous one; zero turns that off
 */
public record EngineOptions(int threads, int perHypervisorConcurrency, Function<String, LaunchValues> launchValues,
                            AgentLifecycleListener listener, Clock clock, StepHook steps,
                            io.jenkins.plugins.rbdcloud.engine.images.StepHook catalogSteps, int keepVersions,
                            Duration trimInterval, RetryPolicy deletion, Duration reconcileInterval, Duration connectTimeout,
                            Duration holdLimit, LaunchBreaker.Settings breaker, Duration rollbackWindow) {

    public EngineOptions {
        if (threads < 2 || perHypervisorConcurrency < 1 || keepVersions < 0) {
            throw new IllegalArgumentException("threads >= 2, perHypervisorConcurrency >= 1 and keepVersions >= 0 needed");
        }
        Objects.requireNonNull(launchValues, "launchValues");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(catalogSteps, "catalogSteps");
        Objects.requireNonNull(trimInterval, "trimInterval");
        Objects.requireNonNull(deletion, "deletion");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (holdLimit == null || holdLimit.isNegative() || holdLimit.isZero()) {
            throw new IllegalArgumentException("holdLimit must be positive, got " + holdLimit);
        }
        Objects.requireNonNull(breaker, "breaker");
        if (rollbackWindow == null || rollbackWindow.isNegative()) {
            throw new IllegalArgumentException("rollbackWindow must not be negative, got " + rollbackWindow);
        }
    }

    /**
     * 8 threads, 2 concurrent starts per hypervisor, keep 3 versions, trim hourly, Nova-like deletion
     * retries, hold 2 h, back off after 3 launches failing at one step (30 s doubling to 10 min),
     * roll back versions promoted less than 1 h ago.
     */
    public static EngineOptions defaults() {
        return builder().build();
    }

    /** A builder holding {@link #defaults()}; set only what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the options one at a time; {@link #build()} checks them. */
    public static final class Builder {
        private int threads = 8;
        private int perHypervisorConcurrency = 2;
        private Function<String, LaunchValues> launchValues = agent -> LaunchValues.NONE;
        private AgentLifecycleListener listener = AgentLifecycleListener.NONE;
        private Clock clock = Clock.systemUTC();
        private StepHook steps = StepHook.NONE;
        private io.jenkins.plugins.rbdcloud.engine.images.StepHook catalogSteps =
                io.jenkins.plugins.rbdcloud.engine.images.StepHook.NONE;
        private int keepVersions = 3;
        private Duration trimInterval = Duration.ofHours(1);
        private RetryPolicy deletion = RetryPolicy.deletion();
        private Duration reconcileInterval = Duration.ofMinutes(1);
        private Duration connectTimeout = Duration.ofSeconds(20);
        private Duration holdLimit = Duration.ofHours(2);
        private LaunchBreaker.Settings breaker = LaunchBreaker.Settings.defaults();
        private Duration rollbackWindow = Duration.ofHours(1);

        private Builder() {
        }

        // how much runs at once
        public Builder threads(int v) { threads = v; return this; }
        public Builder perHypervisorConcurrency(int v) { perHypervisorConcurrency = v; return this; }

        // what agents get and who hears about them
        public Builder launchValues(Function<String, LaunchValues> v) { launchValues = v; return this; }
        public Builder listener(AgentLifecycleListener v) { listener = v; return this; }
        public Builder holdLimit(Duration v) { holdLimit = v; return this; }

        // golden versions and disks over time
        public Builder keepVersions(int v) { keepVersions = v; return this; }
        public Builder trimInterval(Duration v) { trimInterval = v; return this; }
        public Builder reconcileInterval(Duration v) { reconcileInterval = v; return this; }

        // backends: time, timeouts and retries
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder deletion(RetryPolicy v) { deletion = v; return this; }

        // templates whose launches keep failing
        public Builder breaker(LaunchBreaker.Settings v) { breaker = v; return this; }
        public Builder rollbackWindow(Duration v) { rollbackWindow = v; return this; }

        // tests inject failures through these
        public Builder steps(StepHook v) { steps = v; return this; }
        public Builder catalogSteps(io.jenkins.plugins.rbdcloud.engine.images.StepHook v) { catalogSteps = v; return this; }

        public EngineOptions build() {
            return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                    keepVersions, trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit, breaker, rollbackWindow);
        }
    }
}
