package io.jenkins.plugins.rbdcloud.engine.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Watch mode: runs a replication at most once per period, so versions promoted on the source
 * appear on the target within one period (plus the run's own time). Time is passed in; the caller
 * (the CLI's {@code --watch} loop, a Jenkins PeriodicWork) sleeps until the returned due time.
 * A failed run is remembered and retried at the next due time, never sooner.
 */
public final class PeriodicReplication {

    private final Supplier<ReplicationResult> run;
    private final Duration period;
    private Instant due = Instant.MIN;
    private ReplicationResult lastResult;
    private RuntimeException lastFailure;

    public PeriodicReplication(Supplier<ReplicationResult> run, Duration period) {
        this.run = Objects.requireNonNull(run, "run");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("replication period must be positive, got " + period);
        }
        this.period = period;
    }

    /** Runs when due; returns the next due time. */
    public Instant runIfDue(Instant now) {
        if (now.isBefore(due)) {
            return due;
        }
        due = now.plus(period);
        try {
            lastResult = run.get();
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e;
        }
        return due;
    }

    public Optional<ReplicationResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /** The failure of the last run, empty after a successful one. */
    public Optional<RuntimeException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }
}
