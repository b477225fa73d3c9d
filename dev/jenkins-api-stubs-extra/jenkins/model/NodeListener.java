// Declaration-only stub of jenkins.model.NodeListener (Jenkins 2.555 public API), for the stub-kit
// compile check only; see ../../README.md.
package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Node;

public abstract class NodeListener implements ExtensionPoint {
    protected void onCreated(@NonNull Node node) { }
    protected void onUpdated(@NonNull Node oldOne, @NonNull Node newOne) { }
    protected void onDeleted(@NonNull Node node) { }
}
