package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.rbdcloud.engine.config.PromoteFrom;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which builds may promote: promoteFrom (jobs, branches, change requests, forks) and the delta guard. */
class PromotionPolicyTest {

    private static TemplateSettings template(PromoteFrom from) {
        return TemplateSettings.builder("debian").labels(Set.of("linux")).image("debian").promoteFrom(from)
                .promoteMaxWrittenMib(100).build();
    }

    private static final Provenance MAIN = Provenance.of("ci/app/main", 12).withBranch("main");

    @Test
    void nothingPromotesUntilAnAdministratorNamesTheJobs() {
        assertEquals(Optional.of("template debian: promoteFrom.jobs is empty, so no job may promote (an administrator "
                + "names the jobs)"), PromotionPolicy.byPromoteFrom(template(PromoteFrom.NOBODY), MAIN));
    }

    @Test
    void anAllowedJobAndBranchPromotes() {
        TemplateSettings t = template(new PromoteFrom(List.of("ci/app/*"), List.of("main", "release/**"), false, false));
        assertEquals(Optional.empty(), PromotionPolicy.byPromoteFrom(t, MAIN));
        assertEquals(Optional.empty(), PromotionPolicy.byPromoteFrom(t, Provenance.of("ci/app/r", 1).withBranch("release/1.x/rc")));
        assertEquals(Optional.of("template debian: job ci/app/x/main matches none of promoteFrom.jobs [ci/app/*]"),
                PromotionPolicy.byPromoteFrom(t, Provenance.of("ci/app/x/main", 1).withBranch("main")), "* stops at /");
        assertEquals(Optional.of("template debian: branch dev matches none of promoteFrom.branches [main, release/**]"),
                PromotionPolicy.byPromoteFrom(t, Provenance.of("ci/app/dev", 1).withBranch("dev")));
        assertEquals(Optional.of("template debian: a build without a branch matches none of promoteFrom.branches "
                + "[main, release/**]"), PromotionPolicy.byPromoteFrom(t, Provenance.of("ci/app/x", 1)));
        assertEquals(Optional.of("template debian: job ci/app/mainx.y matches none of promoteFrom.jobs [ci/app/main.y]"),
                PromotionPolicy.byPromoteFrom(template(new PromoteFrom(List.of("ci/app/main.y"), List.of(), false, false)),
                        Provenance.of("ci/app/mainx.y", 1)), "a dot is a dot, not any character");
    }

    @Test
    void changeRequestsAndForksPromoteOnlyWhenAllowed() {
        Provenance pr = Provenance.of("ci/app/PR-7", 3).withBranch("PR-7").withChangeRequest("7");
        Provenance forked = pr.withFork("mallory");
        TemplateSettings strict = template(new PromoteFrom(List.of("ci/**"), List.of(), false, false));
        assertEquals(Optional.of("template debian: change request 7 may not promote (promoteFrom.changeRequests is false)"),
                PromotionPolicy.byPromoteFrom(strict, pr));
        TemplateSettings prs = template(new PromoteFrom(List.of("ci/**"), List.of(), true, false));
        assertEquals(Optional.empty(), PromotionPolicy.byPromoteFrom(prs, pr));
        assertEquals(Optional.of("template debian: a build from fork mallory may not promote (promoteFrom.forks is false)"),
                PromotionPolicy.byPromoteFrom(prs, forked));
        assertEquals(Optional.empty(), PromotionPolicy.byPromoteFrom(template(new PromoteFrom(List.of("ci/**"), List.of(), true,
                true)), forked));
    }

    @Test
    void theDeltaGuardRefusesABuildThatWroteTooMuch() {
        TemplateSettings t = template(new PromoteFrom(List.of("**"), List.of(), false, false));
        assertEquals(Optional.empty(), PromotionPolicy.byDeltaGuard(t, 100L << 20));
        assertEquals(Optional.of("template debian: the build wrote 100.0 MiB (104857601 bytes), over the delta guard "
                + "promoteMaxWrittenMib 100"), PromotionPolicy.byDeltaGuard(t, (100L << 20) + 1));
        assertEquals(2048L << 20, TemplateSettings.builder("d").labels(Set.of("l")).image("d").build().promoteMaxWrittenBytes());
    }

    @Test
    void patternsAreBoundedAndPrintable() {
        assertThrows(IllegalArgumentException.class, () -> new PromoteFrom(List.of("a b"), List.of(), false, false));
        assertThrows(IllegalArgumentException.class, () -> new PromoteFrom(List.of("x".repeat(201)), List.of(), false, false));
        assertThrows(IllegalArgumentException.class, () -> new PromoteFrom(List.of("ok"), List.of("main\n"), false, false));
    }
}
