package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.springframework.security.access.AccessDeniedException;

@WithJenkins
class PermissionTest {

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        this.j = j;
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Jenkins.MANAGE).everywhere().to("manager"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(
                CredentialsScope.SYSTEM, "ceph-controller-key", "cephx key", Secret.fromString("AQBsecret")));
    }

    @Test
    void testConnectionNeedsAdminister() {
        CephSection.DescriptorImpl ceph = j.jenkins.getDescriptorByType(CephSection.DescriptorImpl.class);
        HypervisorEntry.DescriptorImpl hv = j.jenkins.getDescriptorByType(HypervisorEntry.DescriptorImpl.class);
        try (ACLContext ignored = ACL.as2(User.getById("manager", true).impersonate2())) {
            assertThrows(AccessDeniedException.class, () -> ceph.doTestConnection("10.0.0.1:6789", "", "rbd-cloud",
                    "ceph-controller-key", "rbd-cloud-hv", "ceph-controller-key", "images", "agents"));
            assertThrows(AccessDeniedException.class, () -> hv.doTestConnection("hv1", "test:///default"));
        }
    }

    @Test
    void credentialsAreListedOnlyToAdministrators() {
        CephSection.DescriptorImpl ceph = j.jenkins.getDescriptorByType(CephSection.DescriptorImpl.class);
        try (ACLContext ignored = ACL.as2(User.getById("manager", true).impersonate2())) {
            ListBoxModel m = ceph.doFillCredentialsIdItems("current-id");
            assertEquals(1, m.size());
            assertEquals("current-id", m.get(0).value);
        }
        try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
            ListBoxModel m = ceph.doFillCredentialsIdItems("");
            assertTrue(m.stream().anyMatch(o -> o.value.equals("ceph-controller-key")));
        }
    }
}
