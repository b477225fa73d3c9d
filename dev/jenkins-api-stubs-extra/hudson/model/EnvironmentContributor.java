// Declaration-only stub of hudson.model.EnvironmentContributor (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../../README.md.
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.ExtensionList;
import hudson.ExtensionPoint;
import java.io.IOException;

@SuppressWarnings("rawtypes")
public abstract class EnvironmentContributor implements ExtensionPoint {
    public void buildEnvironmentFor(@NonNull Run r, @NonNull EnvVars envs, @NonNull TaskListener listener)
            throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public void buildEnvironmentFor(@NonNull Job j, @NonNull EnvVars envs, @NonNull TaskListener listener)
            throws IOException, InterruptedException { throw new UnsupportedOperationException(); }
    public static ExtensionList<EnvironmentContributor> all() { throw new UnsupportedOperationException(); }
}
