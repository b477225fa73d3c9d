package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.agents.policy.PromotionPolicy;
import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import io.jenkins.plugins.rbdcloud.engine.images.Provenance;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Asks the template's policy whether a held disk may be promoted: who asks first (no I/O), then the
 * delta guard, on the bytes the held snapshot holds beyond its golden version.
 */
final class PromotionGate {

    /** The answer: bytes written (when measured) and the rule that refused, if one did. */
    record Verdict(OptionalLong writtenBytes, Optional<String> refusal) {
    }

    private final EngineContext ctx;

    PromotionGate(EngineContext ctx) {
        this.ctx = ctx;
    }

    Verdict check(String template, String disk, String snapshot, Provenance provenance) {
        Optional<TemplateSettings> t = ctx.settings().template(template);
        if (t.isEmpty()) {
            return new Verdict(OptionalLong.empty(), Optional.of("template " + template
                    + " is no longer configured, so nothing promotes from it"));
        }
        Optional<String> who = PromotionPolicy.byPromoteFrom(t.get(), provenance);
        if (who.isPresent()) {
            return new Verdict(OptionalLong.empty(), who);
        }
        long written = ctx.agentsPool().writtenBytes(disk, snapshot);
        return new Verdict(OptionalLong.of(written), PromotionPolicy.byDeltaGuard(t.get(), written));
    }
}
