// Declaration-only stub of jenkins.model.CauseOfInterruption (Jenkins 2.555 public API), for the
// stub-kit compile check only; see ../../README.md.
package jenkins.model;

import hudson.model.TaskListener;
import java.io.Serializable;

public abstract class CauseOfInterruption implements Serializable {
    public abstract String getShortDescription();
    public void print(TaskListener listener) { throw new UnsupportedOperationException(); }
}
