package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.EnvironmentContributor;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Job;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import hudson.model.TaskListener;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What a build's promotion request says about it: its job's full name, number and starting user;
 * branch, change request and fork only from the job's own environment contributors (branch-api's,
 * stood in for here), never from a build parameter the build's author can set.
 */
@WithJenkins
class BuildProvenanceTest {

    /** Stands in for branch-api's contributor: a job named PR-7 is change request 7 from fork mallory. */
    @Extension
    public static final class ChangeRequests extends EnvironmentContributor {
        @Override
        @SuppressWarnings("rawtypes")
        public void buildEnvironmentFor(Job j, EnvVars envs, TaskListener listener) {
            if (j.getName().equals("PR-7")) {
                envs.put("BRANCH_NAME", "PR-7");
                envs.put("CHANGE_ID", "7");
                envs.put("CHANGE_FORK", "mallory");
            }
        }
    }

    @Test
    void aPlainJobsBuildHasNoBranchAndAParameterCannotGiveItOne(JenkinsRule j) throws Exception {
        MockFolder ci = j.createFolder("ci");
        FreeStyleProject p = ci.createProject(FreeStyleProject.class, "app");
        p.addProperty(new ParametersDefinitionProperty(new StringParameterDefinition("BRANCH_NAME", "main")));
        FreeStyleBuild b = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause("alice")),
                new ParametersAction(new StringParameterValue("BRANCH_NAME", "main"))));
        assertEquals(Provenance.of("ci/app", 1).withStartedBy("alice"), BuildProvenance.of(b));
    }

    @Test
    void aChangeRequestFromAForkSaysSo(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("PR-7");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        Provenance got = BuildProvenance.of(b);
        assertEquals(Optional.of("PR-7"), got.branch());
        assertEquals(Optional.of("7"), got.changeRequest());
        assertEquals(Optional.of("mallory"), got.fork());
    }

    @Test
    void controlCharactersAndLongNamesAreMadeToFit() {
        assertEquals("a?b", BuildProvenance.fit("a\nb"));
        assertEquals(Provenance.MAX_FIELD, BuildProvenance.fit("x".repeat(500)).length());
    }
}
