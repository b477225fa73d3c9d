package io.jenkins.plugins.rbdcloud;

import hudson.model.Action;
import hudson.model.Run;
import io.jenkins.plugins.rbdcloud.engine.agents.CompletionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.TerminationReport;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * On a failed build's page: the agent kept running for inspection ({@code onFailure=keep:<d>}),
 * until when, and how to reach it outside Jenkins. Its Jenkins node is gone, so this page is where
 * an admin finds it.
 */
public final class KeptAgentAction implements Action {

    private static final Logger LOG = Logger.getLogger(KeptAgentAction.class.getName());

    private final String agent;
    private final String hypervisor;
    /** 0 when the keep time is unknown (a node saved before it was recorded). */
    private final long untilMillis;

    KeptAgentAction(String agent, String hypervisor, long untilMillis) {
        this.agent = agent;
        this.hypervisor = hypervisor;
        this.untilMillis = untilMillis;
    }

    public String getAgent() { return agent; }
    public String getHypervisor() { return hypervisor; }
    public Date getUntil() { return untilMillis == 0 ? null : new Date(untilMillis); }
    public String getExecCommand() { return "rbd-cloud agents exec " + agent + " -- /bin/sh -c 'CMD'"; }
    public String getConsoleCommand() { return "virsh console " + agent; }

    /**
     * After the engine was asked to keep {@code agent} running for {@code run}'s failure: shows it on the
     * build's page when it did, and says what happened instead when it did not (keeping it failed, so
     * it was deleted). Returns the line for the build's log.
     */
    static String attachIfKept(Run<?, ?> run, RbdAgent agent, CompletionReport report) {
        TerminationReport t = report.termination();
        if (t.domainRemoved() || t.disk() != TerminationReport.DiskFate.KEPT_FOR_DEBUGGING) {
            return "could not keep " + agent.getNodeName() + " running for inspection: " + RbdAgent.describe(report);
        }
        return attach(run, agent);
    }

    /** Shows on {@code run}'s page that {@code agent} was kept running; returns the line for the build's log. */
    private static String attach(Run<?, ?> run, RbdAgent agent) {
        Instant until = agent.keptFor().map(d -> Instant.now().plus(d)).orElse(null);
        run.addOrReplaceAction(new KeptAgentAction(agent.getNodeName(), agent.getHypervisor(),
                until == null ? 0 : until.toEpochMilli()));
        try {
            run.save();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "saving " + run.getFullDisplayName() + " with its kept agent", e);
        }
        return "kept " + agent.getNodeName() + " running for inspection on " + agent.getHypervisor()
                + (until == null ? "" : " until " + until) + ": rbd-cloud agents exec " + agent.getNodeName()
                + " -- CMD; it is deleted then";
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "rbd-cloud kept agent";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
