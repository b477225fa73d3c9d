package io.jenkins.plugins.rbdcloud;

import hudson.model.Label;
import jenkins.model.Jenkins;

/**
 * Asks Jenkins' NodeProvisioners to look again now rather than at their next tick (every 10 s,
 * and 100 s after a controller start): when an engine has started, and when a planned agent is
 * ready (or failed), so a waiting build gets it at once.
 */
final class Reviews {

    private Reviews() {
    }

    static void suggestNow() {
        Jenkins j = Jenkins.getInstanceOrNull();
        if (j == null) {
            return;
        }
        // Labels only: rbd-cloud agents never take unlabelled builds.
        for (Label label : j.getLabels()) {
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
