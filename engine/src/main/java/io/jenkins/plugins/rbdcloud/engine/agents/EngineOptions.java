package io.jenkins.plugins.rbdcloud.engine.agents;

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
 */
public record EngineOptions(int threads, int perHypervisorConcurrency, Function<String, LaunchValues> launchValues,
                            AgentLifecycleListener listener, Clock clock, StepHook steps,
                            io.jenkins.plugins.rbdcloud.engine.images.StepHook catalogSteps, int keepVersions,
                            Duration trimInterval, RetryPolicy deletion, Duration reconcileInterval, Duration connectTimeout,
                            Duration holdLimit) {

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
    }

    /** 8 threads, 2 concurrent starts per hypervisor, keep 3 versions, trim hourly, Nova-like deletion retries, hold 2 h. */
    public static EngineOptions defaults() {
        return new EngineOptions(8, 2, agent -> LaunchValues.NONE, AgentLifecycleListener.NONE, Clock.systemUTC(), StepHook.NONE,
                io.jenkins.plugins.rbdcloud.engine.images.StepHook.NONE, 3, Duration.ofHours(1), RetryPolicy.deletion(),
                Duration.ofMinutes(1), Duration.ofSeconds(20), Duration.ofHours(2));
    }

    public EngineOptions withThreads(int v) {
        return new EngineOptions(v, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                keepVersions, trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withPerHypervisorConcurrency(int v) {
        return new EngineOptions(threads, v, launchValues, listener, clock, steps, catalogSteps, keepVersions,
                trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withLaunchValues(Function<String, LaunchValues> v) {
        return new EngineOptions(threads, perHypervisorConcurrency, v, listener, clock, steps, catalogSteps, keepVersions,
                trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withListener(AgentLifecycleListener v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, v, clock, steps, catalogSteps,
                keepVersions, trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withSteps(StepHook v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, v, catalogSteps,
                keepVersions, trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withCatalogSteps(io.jenkins.plugins.rbdcloud.engine.images.StepHook v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, v, keepVersions,
                trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withKeepVersions(int v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps, v,
                trimInterval, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withDeletion(RetryPolicy v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                keepVersions, trimInterval, v, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withTrimInterval(Duration v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                keepVersions, v, deletion, reconcileInterval, connectTimeout, holdLimit);
    }

    public EngineOptions withConnectTimeout(Duration v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                keepVersions, trimInterval, deletion, reconcileInterval, v, holdLimit);
    }

    public EngineOptions withHoldLimit(Duration v) {
        return new EngineOptions(threads, perHypervisorConcurrency, launchValues, listener, clock, steps, catalogSteps,
                keepVersions, trimInterval, deletion, reconcileInterval, connectTimeout, v);
    }
}
