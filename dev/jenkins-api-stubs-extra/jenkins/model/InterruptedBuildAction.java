// Declaration-only stub of jenkins.model.InterruptedBuildAction (Jenkins 2.555 public API), for the
// stub-kit compile check only; see ../../README.md.
package jenkins.model;

import hudson.model.InvisibleAction;
import java.util.Collection;
import java.util.List;

public class InterruptedBuildAction extends InvisibleAction {
    public InterruptedBuildAction(Collection<? extends CauseOfInterruption> causes) { }
    public List<CauseOfInterruption> getCauses() { throw new UnsupportedOperationException(); }
}
