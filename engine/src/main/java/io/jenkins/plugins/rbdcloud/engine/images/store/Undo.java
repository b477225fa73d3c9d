package io.jenkins.plugins.rbdcloud.engine.images.store;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo actions of a multi-step change, run newest first when the change fails. An undo
 * that fails is attached to the original failure as suppressed, so nothing is hidden.
 */
public final class Undo {

    @FunctionalInterface
    public interface Action {
        void run();
    }

    private final Deque<Action> actions = new ArrayDeque<>();
    private boolean committed;

    public void push(Action action) {
        actions.push(action);
    }

    /** The change is complete: drop the undo actions. */
    public void commit() {
        committed = true;
        actions.clear();
    }

    /** Runs the undo actions (unless committed), recording their failures on {@code cause}. */
    public void rollback(Throwable cause) {
        if (committed) {
            return;
        }
        while (!actions.isEmpty()) {
            try {
                actions.pop().run();
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
