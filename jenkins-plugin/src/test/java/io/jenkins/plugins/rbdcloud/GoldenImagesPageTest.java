package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class GoldenImagesPageTest {

    private static final String CLOUD = "rbd-images-page";
    private static final String PAGE = "cloud/" + CLOUD + "/images/";

    private JenkinsRule j;
    private boolean systemReadWasEnabled;

    @BeforeEach
    void setUp(JenkinsRule j) {
        this.j = j;
        // SYSTEM_READ is off by default. With it, a non-administrator can open the cloud's pages, so a
        // 403 below comes from the buttons' own check and not from the way to them.
        systemReadWasEnabled = Jenkins.SYSTEM_READ.getEnabled();
        Jenkins.SYSTEM_READ.setEnabled(true);
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Jenkins.SYSTEM_READ).everywhere().to("reader"));
        j.jenkins.clouds.add(new RbdCloud(CLOUD));
    }

    @AfterEach
    void restore() {
        Jenkins.SYSTEM_READ.setEnabled(systemReadWasEnabled);
    }

    @Test
    void rollbackAndPruneNeedAdminister() throws Exception {
        JenkinsRule.WebClient reader = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("reader");
        assertEquals(200, reader.goTo(PAGE).getWebResponse().getStatusCode(), "the reader may see the page");
        assertEquals(403, post(reader, "rollback", "golden=debian-12&version=1").getStatusCode());
        assertEquals(403, post(reader, "prune", "golden=debian-12&keep=1").getStatusCode());
        assertNull(((RbdCloud) j.jenkins.clouds.getByName(CLOUD)).getImages().lastOutcome(), "nothing ran");

        // The same request from an administrator passes the check (and the crumb), reaches the
        // engine, which is not running without Ceph credentials, and comes back to the page.
        JenkinsRule.WebClient admin = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("admin");
        WebResponse r = post(admin, "rollback", "golden=debian-12&version=1");
        assertEquals(200, r.getStatusCode());
        assertTrue(r.getContentAsString().contains("Cannot roll debian-12 back to v1: the engine is not running"),
                r.getContentAsString());
    }

    /**
     * The cloud's metrics URL is for administrators only; without a running engine it answers 503
     * saying why, instead of an empty scrape that would read as "no agents".
     */
    @Test
    void metricsNeedAdministerAndAStoppedEngineSaysSo() throws Exception {
        String metrics = "cloud/" + CLOUD + "/metrics";
        JenkinsRule.WebClient reader = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("reader");
        assertEquals(403, reader.goTo(metrics, null).getWebResponse().getStatusCode());

        JenkinsRule.WebClient admin = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("admin");
        WebResponse r = admin.goTo(metrics, null).getWebResponse();
        assertEquals(503, r.getStatusCode(), r.getContentAsString());
        assertTrue(r.getContentAsString().contains("rbd-cloud " + CLOUD + ": the engine is not running"), r.getContentAsString());
    }

    private static WebResponse post(JenkinsRule.WebClient wc, String method, String query) throws Exception {
        URL url = URI.create(wc.createCrumbedUrl(PAGE + method) + "&" + query).toURL();
        Page page = wc.getPage(new WebRequest(url, HttpMethod.POST));
        return page.getWebResponse();
    }
}
