package io.jenkins.plugins.rbdcloud.engine.agents;

import java.time.Duration;

/**
 * Hears what happens to agents, e.g. to write it to a build log or a metrics registry. Every
 * method has a no-op default; calls come from engine threads and must return quickly and not throw
 * (an exception is logged and ignored).
 */
public interface AgentLifecycleListener {

    AgentLifecycleListener NONE = new AgentLifecycleListener() {};

    /** Capacity is reserved for a new agent on {@code hypervisor}. */
    default void planned(String agent, String template, String hypervisor) {}

    /** A provisioning step finished. */
    default void stepDone(String agent, String step, Duration took) {}

    /** The domain is running (the guest is booting). */
    default void domainStarted(String agent, String hypervisor) {}

    /** The agent is ready. */
    default void ready(Agent agent) {}

    /** Provisioning failed; everything done was undone. */
    default void failed(String agent, ProvisioningException cause) {}

    /**
     * The engine ended a sick agent: its watchdog fired, its guest crashed, its disk had an I/O
     * error, or its domain stopped without the engine asking. Its domain and disk are being deleted
     * (never promoted) and its capacity released; a build running on it cannot go on.
     * {@code why} is one line for a build log, e.g. "the guest crashed".
     */
    default void sick(String agent, String why) {}

    /** The agent ended and its disk is held until its build's result decides (promote or drop). */
    default void held(HoldReport report) {}

    /** A successful build's disk became golden version {@code label}. */
    default void promoted(String agent, String label) {}

    /** A failed build's disk was kept as a failure snapshot. */
    default void failureKept(FailureSnapshot snapshot) {}

    /** A successful build's disk was not promoted: {@code rule} (the template's promoteFrom or delta guard) refused it. */
    default void promotionRefused(String agent, String rule) {}

    /** Promotion was wanted but failed; the current version is unchanged. */
    default void promotionFailed(String agent, Throwable cause) {}

    /**
     * Launches from version {@code from} of golden image {@code golden}, promoted a short while ago,
     * kept failing, so the engine made {@code to} current again; {@code why} says what failed.
     */
    default void rolledBack(String golden, int from, int to, String why) {}

    /** The agent's domain and disk are gone. */
    default void terminated(TerminationReport report) {}

    /** The agent ended (deleted, or its disk held): its disk figures and times. */
    default void ended(AgentFigures figures) {}

    /** Reconciliation removed leaked objects. */
    default void reconciled(ReconcileReport report) {}
}
