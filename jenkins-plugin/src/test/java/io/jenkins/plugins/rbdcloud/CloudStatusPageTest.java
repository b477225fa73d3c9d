package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.htmlunit.WebResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class CloudStatusPageTest {

    private static final String CLOUD = "rbd-status-page";

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
        j.jenkins.clouds.add(new RbdCloud(CLOUD));
    }

    @Test
    void withoutARunningEngineThePageAnswersAndSaysWhy() throws Exception {
        WebResponse r = j.createWebClient().goTo("cloud/" + CLOUD + "/").getWebResponse();

        assertEquals(200, r.getStatusCode());
        String page = r.getContentAsString();
        // Not started, starting, or failed (the minute's reconciliation may have tried, without Ceph credentials).
        assertTrue(page.contains("The engine is not running yet") || page.contains("The engine is starting")
                || page.contains("The engine did not start"), page);
        assertTrue(page.contains("Golden images and versions"), page);
        assertNull(Engines.get().current(CLOUD), "a page view starts no engine");
    }
}
