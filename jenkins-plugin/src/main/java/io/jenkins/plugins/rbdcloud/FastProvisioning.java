package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueListener;
import jenkins.model.Jenkins;

/** Asks for a provisioning review the moment a build for rbd-cloud agents becomes buildable, instead of at the next tick. */
@Extension
public final class FastProvisioning extends QueueListener {

    @Override
    public void onEnterBuildable(Queue.BuildableItem item) {
        Label label = item.getAssignedLabel();
        for (var cloud : Jenkins.get().clouds) {
            if (cloud instanceof RbdCloud c && c.canProvision(new hudson.slaves.Cloud.CloudState(label, 0))) {
                // This runs inside the Queue's maintenance, before the queue's snapshot (which the review
                // counts waiting builds from) has this item: a review started now could count none and
                // plan nothing. Review once the maintenance has released the Queue lock.
                Computer.threadPoolForRemoting.execute(() -> {
                    Queue.withLock(() -> { });
                    label.nodeProvisioner.suggestReviewNow();
                });
                return;
            }
        }
    }
}
