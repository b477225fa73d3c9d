package io.jenkins.plugins.rbdcloud.engine.agents.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.config.TemplateSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which versions templates pin, per golden image, for retention to keep. */
class TemplatePinsTest {

    private static TemplateSettings template(String name, String image, String version) {
        return TemplateSettings.builder(name).labels(Set.of("linux")).image(image).imageVersion(version).build();
    }

    @Test
    void collectsEveryTemplatesPinPerGoldenImage() {
        TemplatePins pins = new TemplatePins(List.of(template("a", "debian", null), template("b", "debian", "v1"),
                template("c", "debian", "1"), template("d", "debian", "v4"), template("e", "alpine", "v2")));
        assertEquals(Map.of(1, "template b, template c", 4, "template d"), pins.of("debian"));
        assertEquals(Map.of(2, "template e"), pins.of("alpine"));
        assertEquals(Map.of(), pins.of("other"));
        assertEquals(Optional.empty(), pins.unreadable("debian"));
    }

    @Test
    void versionsReadWithOrWithoutVAndNothingElse() {
        assertEquals(3, TemplatePins.version("v3").getAsInt());
        assertEquals(12, TemplatePins.version("12").getAsInt());
        for (String bad : List.of("latest", "v0", "v", "", "v-1", "v1.5", "v99999999999")) {
            assertTrue(TemplatePins.version(bad).isEmpty(), bad);
        }
    }
}
