package io.jenkins.plugins.rbdcloud;

import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Snapshot-on-success and failure snapshots decided at the build's end. An agent of a template that
 * promotes, or keeps failed builds' disks ({@code onFailure=snapshot}), ends with its disk held
 * (snapshot taken, domain gone); the build it served then decides: SUCCESS promotes the held disk
 * to the next golden version (or drops it), anything else keeps it as a failure snapshot when the
 * template says so ({@link FailureSnapshotAction} on the build) or drops it. A
 * Pipeline's {@code node} block ends before its build has a result, a freestyle build after: one
 * path for both. With {@code onFailure=keep:<d>} the whole agent, not its disk, waits for the
 * result, running ({@link KeptAgentAction} on a failed build). A decision lost to a controller
 * restart is no leak: the engine drops a held disk, or a waiting agent, when its hold limit passes.
 */
@Extension
@SuppressWarnings("rawtypes")
public final class PromotionDecisions extends RunListener<Run> {

    private static final Logger LOG = Logger.getLogger(PromotionDecisions.class.getName());

    /**
     * One held agent disk: the cloud that holds it, the agent's name, and whether success promotes it;
     * {@code kept} when the whole agent is kept running instead ({@code onFailure=keep:<d>}), else null.
     */
    private record Held(String cloud, String agent, boolean promote, RbdAgent kept) {
    }

    /** How long the end of a build waits to write the decision into its log. */
    private static final int LOG_WAIT_SECONDS = 90;

    /** Run id → the agents' disks it decides. */
    private static final Map<String, Set<Held>> PENDING = new ConcurrentHashMap<>();

    /**
     * {@code agent}'s disk is held, or the whole agent {@code kept} running: promote, keep or drop it
     * when {@code run} completes (at once if it has).
     */
    static void awaitResult(Run<?, ?> run, String cloud, String agent, boolean promote, RbdAgent kept) {
        PENDING.computeIfAbsent(run.getExternalizableId(), k -> ConcurrentHashMap.newKeySet()).add(new Held(cloud, agent, promote, kept));
        if (!run.isBuilding()) {
            decide(run, null); // a freestyle build completed before its agent ended
        }
    }

    @Override
    public void onCompleted(Run r, TaskListener listener) {
        decide(r, listener.getLogger());
    }

    @Override
    public void onFinalized(Run r) {
        decide(r, null); // held after onCompleted had run, while the build was finishing
    }

    private static void decide(Run<?, ?> run, PrintStream log) {
        Set<Held> held = PENDING.remove(run.getExternalizableId());
        if (held == null) {
            return;
        }
        boolean success = run.getResult() == Result.SUCCESS;
        Provenance provenance = BuildProvenance.of(run);
        for (Held h : held) {
            RbdCloudEngine engine = Engines.get().current(h.cloud());
            if (engine == null) {
                LOG.warning(() -> "rbd-cloud " + h.cloud() + " is not running: the held disk of " + h.agent()
                        + " is dropped when its hold ends");
                continue;
            }
            String what = (success && h.promote() ? "promoting" : success ? "dropping" : h.kept() != null ? "keeping" : "ending")
                    + (h.kept() != null ? " the agent " : " the disk of ") + h.agent() + " (build " + run.getResult() + ")";
            if (log != null) {
                log.println("rbd-cloud: " + what);
            }
            CompletableFuture<String> decided = h.kept() != null
                    ? engine.complete(h.agent(), success, provenance)
                            .thenApply(c -> success ? RbdAgent.describe(c) : KeptAgentAction.attachIfKept(run, h.kept(), c))
                    : success && h.promote()
                    ? engine.promoteHeld(h.agent(), provenance).thenApply(RbdAgent::describe)
                    : success ? engine.dropHeld(h.agent()).thenApply(t -> "dropped the disk of " + h.agent() + " (" + t.disk() + ")")
                    : FailureSnapshotAction.keepOrDrop(engine, run, h.agent(), provenance);
            if (log != null) {
                tell(log, decided);
            }
            decided.whenComplete((done, failure) -> {
                if (failure == null) {
                    LOG.info(() -> "rbd-cloud " + h.cloud() + ": " + done + " after " + run.getFullDisplayName());
                } else {
                    LOG.log(Level.WARNING, "rbd-cloud " + h.cloud() + ": " + what + " failed; the held disk is dropped when"
                            + " its hold ends", failure);
                }
            });
        }
    }

    /**
     * The outcome in the build's log while it is still open (a refused promotion names the rule that
     * refused it); a decision that takes longer is in the Jenkins log only.
     */
    private static void tell(PrintStream log, CompletableFuture<String> decided) {
        try {
            log.println("rbd-cloud: " + decided.get(LOG_WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            log.println("rbd-cloud: still deciding after " + LOG_WAIT_SECONDS + " s; the outcome goes to the Jenkins log");
        } catch (ExecutionException e) {
            log.println("rbd-cloud: failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
