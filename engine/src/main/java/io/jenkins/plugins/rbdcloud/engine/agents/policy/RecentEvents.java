package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.agents.AgentFigures;
import io.jenkins.plugins.rbdcloud.engine.agents.CloudStatus;
import io.jenkins.plugins.rbdcloud.engine.agents.ReconcileReport;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The last launches, failures, rollbacks and ended agents' figures and the last reconciliation, for the status page.
 * Memory is bounded: the newest {@code size} of each are kept. Thread-safe.
 */
public final class RecentEvents {

    public static final int DEFAULT_SIZE = 20;

    private final int size;
    // Newest first, guarded by "this".
    private final ArrayDeque<CloudStatus.LaunchEvent> launches = new ArrayDeque<>();
    private final ArrayDeque<CloudStatus.Failure> failures = new ArrayDeque<>();
    private final ArrayDeque<CloudStatus.Rollback> rollbacks = new ArrayDeque<>();
    private final ArrayDeque<AgentFigures> figures = new ArrayDeque<>();
    private CloudStatus.Reconciliation lastReconcile;

    public RecentEvents(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, got " + size);
        }
        this.size = size;
    }

    /** A launch ended; a failed one is a failure too. */
    public synchronized void launched(CloudStatus.LaunchEvent launch) {
        push(launches, launch);
        launch.failure().ifPresent(f -> push(failures, f));
    }

    /** A failure after launch: promotion, ending, or a sick agent ended. */
    public synchronized void failed(CloudStatus.Failure failure) {
        push(failures, failure);
    }

    /** The engine rolled a golden image back. */
    public synchronized void rolledBack(CloudStatus.Rollback rollback) {
        push(rollbacks, rollback);
    }

    public synchronized List<CloudStatus.Rollback> rollbacks() {
        return List.copyOf(rollbacks);
    }

    /** An agent ended, with its disk figures and times. */
    public synchronized void ended(AgentFigures agent) {
        push(figures, agent);
    }

    /** The figures of the agents that ended last, newest first. */
    public synchronized List<AgentFigures> figures() {
        return List.copyOf(figures);
    }

    public synchronized void reconciled(Instant at, ReconcileReport report) {
        lastReconcile = new CloudStatus.Reconciliation(at, report);
    }

    public synchronized List<CloudStatus.LaunchEvent> launches() {
        return List.copyOf(launches);
    }

    public synchronized List<CloudStatus.Failure> failures() {
        return List.copyOf(failures);
    }

    public synchronized Optional<CloudStatus.Reconciliation> lastReconcile() {
        return Optional.ofNullable(lastReconcile);
    }

    private <T> void push(ArrayDeque<T> events, T event) {
        events.addFirst(event);
        while (events.size() > size) {
            events.removeLast();
        }
    }
}
