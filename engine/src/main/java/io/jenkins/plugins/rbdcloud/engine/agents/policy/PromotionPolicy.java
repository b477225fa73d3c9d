package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.util.Optional;

/**
 * Whether a successful build's held disk may become the next golden version: the template's
 * {@code promoteFrom} (which jobs and branches; change requests and forks only when allowed) and
 * the delta guard (bytes the build wrote). promoteFrom is asked first, before the disk is measured;
 * the first rule that refuses is the answer, worded for the build's log.
 */
public final class PromotionPolicy {

    private PromotionPolicy() {
    }

    /** Empty when promoteFrom lets the build {@code p} promote; otherwise the rule that refuses it. */
    public static Optional<String> byPromoteFrom(TemplateSettings t, Provenance p) {
        PromoteFrom from = t.promoteFrom();
        String where = "template " + t.name() + ": ";
        if (from.jobs().isEmpty()) {
            return Optional.of(where + "promoteFrom.jobs is empty, so no job may promote (an administrator names the jobs)");
        }
        if (!from.allowsJob(p.job())) {
            return Optional.of(where + "job " + p.job() + " matches none of promoteFrom.jobs " + from.jobs());
        }
        if (!from.allowsBranch(p.branch().orElse(null))) {
            return Optional.of(where + p.branch().map(b -> "branch " + b).orElse("a build without a branch")
                    + " matches none of promoteFrom.branches " + from.branches());
        }
        if (p.changeRequest().isPresent() && !from.changeRequests()) {
            return Optional.of(where + "change request " + p.changeRequest().get()
                    + " may not promote (promoteFrom.changeRequests is false)");
        }
        if (p.fork().isPresent() && !from.forks()) {
            return Optional.of(where + "a build from fork " + p.fork().get() + " may not promote (promoteFrom.forks is false)");
        }
        return Optional.empty();
    }

    /** Empty when {@code writtenBytes} (what the build wrote) is within the delta guard; otherwise why not. */
    public static Optional<String> byDeltaGuard(TemplateSettings t, long writtenBytes) {
        if (writtenBytes > t.promoteMaxWrittenBytes()) {
            return Optional.of("template " + t.name() + ": the build wrote " + Bytes.human(writtenBytes) + " (" + writtenBytes
                    + " bytes), over the delta guard promoteMaxWrittenMib " + t.promoteMaxWrittenBytes() / (1L << 20));
        }
        return Optional.empty();
    }
}
