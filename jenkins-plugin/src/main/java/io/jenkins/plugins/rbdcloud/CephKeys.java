package io.jenkins.plugins.rbdcloud;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.rbdcloud.engine.config.Secret;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * cephx keys kept as "Secret text" credentials. The key leaves the credentials store only as an
 * engine {@link Secret}, whose toString never shows it.
 */
final class CephKeys {

    private CephKeys() {
    }

    /** The key of credential {@code id}; the message of a missing one names the id and the field, never a key. */
    static Secret resolve(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(field + ": choose a Secret text credential holding the cephx key");
        }
        StringCredentials c = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StringCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (c == null) {
            throw new IllegalArgumentException(field + ": no Secret text credential with id '" + id + "' in the global store");
        }
        return Secret.of(c.getSecret().getPlainText());
    }

    /** Secret text credentials to choose from; without ADMINISTER only the current value, so ids do not leak. */
    static ListBoxModel choices(String currentValue) {
        String current = currentValue == null ? "" : currentValue;
        StandardListBoxModel m = new StandardListBoxModel();
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            m.includeCurrentValue(current);
            return m;
        }
        m.includeEmptyValue();
        m.includeAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, List.of());
        m.includeCurrentValue(current);
        return m;
    }
}
