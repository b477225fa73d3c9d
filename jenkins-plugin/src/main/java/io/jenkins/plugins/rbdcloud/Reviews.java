package io.jenkins.plugins.rbdcloud;

import hudson.model.Label;
import hudson.model.Queue;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import jenkins.util.Timer;

/**
 * Asks Jenkins' NodeProvisioners to look again now rather than at their next tick (every 10 s,
 * and 100 s after a controller start): when an engine has started, and when a planned agent is
 * ready (or failed), so a waiting build gets it at once.
 */
final class Reviews {

    /** How soon a label whose builds got fewer agents than they wanted is looked at again. */
    static final Duration RETRY = Duration.ofSeconds(2);

    private static final Set<Label> RETRYING = ConcurrentHashMap.newKeySet();

    private Reviews() {
    }

    /**
     * Looks at {@code label} again in {@link #RETRY}, once however often this is asked meanwhile:
     * what kept the engine from planning an agent (capacity an ending agent frees, a pool check, a
     * hypervisor retried, a template's back-off) passes without telling Jenkins, and a waiting
     * build should not wait for the next 10 s tick on top.
     */
    static void retrySoon(Label label) {
        if (label != null && RETRYING.add(label)) {
            Timer.get().schedule(() -> {
                RETRYING.remove(label);
                label.nodeProvisioner.suggestReviewNow();
            }, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Reviews the labels builds wait for now. Only those: a review starts Jenkins' one-review-a-second
     * limit for its label, and a build arriving just after a review it did not need (an engine that
     * started with the controller, before any build) waited out the rest of that second.
     */
    static void suggestNow() {
        if (Jenkins.getInstanceOrNull() == null) {
            return;
        }
        Set<Label> waitedFor = new HashSet<>();
        for (Queue.BuildableItem item : Queue.getInstance().getBuildableItems()) {
            // Labels only: rbd-cloud agents never take unlabelled builds.
            if (item.getAssignedLabel() != null) {
                waitedFor.add(item.getAssignedLabel());
            }
        }
        for (Label label : waitedFor) {
            label.nodeProvisioner.suggestReviewNow();
        }
    }

    static void suggestNow(Label label) {
        if (label == null) {
            suggestNow();
        } else {
            label.nodeProvisioner.suggestReviewNow();
        }
    }
}
