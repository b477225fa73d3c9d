package io.jenkins.plugins.rbdcloud;

import hudson.EnvVars;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.EnvironmentContributor;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The provenance a build's promotion request carries: job, build number, the user who started it
 * and, for a branch project (branch-api, where installed), the branch, change request and fork. Those
 * come from the job's own environment contributors ({@code BRANCH_NAME}, {@code CHANGE_ID},
 * {@code CHANGE_FORK}), never from the build's parameters, which the build's author could set.
 * No hard dependency: without branch-api a job simply has no branch.
 */
final class BuildProvenance {

    private static final Logger LOG = Logger.getLogger(BuildProvenance.class.getName());

    private BuildProvenance() {
    }

    static Provenance of(Run<?, ?> run) {
        Provenance p = Provenance.of(fit(run.getParent().getFullName()), run.getNumber());
        EnvVars job = jobEnvironment(run);
        p = p.withBranch(fitOrNull(job.get("BRANCH_NAME")));
        p = p.withChangeRequest(fitOrNull(job.get("CHANGE_ID")));
        p = p.withFork(fitOrNull(job.get("CHANGE_FORK")));
        CauseAction causes = run.getAction(CauseAction.class);
        Cause.UserIdCause user = causes == null ? null : causes.findCause(Cause.UserIdCause.class);
        return p.withStartedBy(user == null ? null : fitOrNull(user.getUserId()));
    }

    /** What the job's contributors say (branch-api's names the branch and change request); build parameters not included. */
    private static EnvVars jobEnvironment(Run<?, ?> run) {
        EnvVars env = new EnvVars();
        for (EnvironmentContributor c : EnvironmentContributor.all()) {
            try {
                c.buildEnvironmentFor(run.getParent(), env, TaskListener.NULL);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "environment contributor " + c.getClass().getName() + " failed for " + run, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return env;
    }

    private static String fitOrNull(String s) {
        return s == null || s.isBlank() ? null : fit(s);
    }

    /** Within the engine's provenance rules: control characters shown as '?', at most 200 characters. */
    static String fit(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), Provenance.MAX_FIELD));
        for (int i = 0; i < s.length() && b.length() < Provenance.MAX_FIELD; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        return b.toString();
    }
}
