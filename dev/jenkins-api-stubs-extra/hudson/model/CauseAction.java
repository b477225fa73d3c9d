// Declaration-only stub of hudson.model.CauseAction (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../../README.md.
package hudson.model;

import java.util.List;

// Supertypes FoldableAction and RunAction2 omitted: declared here as an Action.
public class CauseAction implements Action {
    public CauseAction(Cause c) { throw new UnsupportedOperationException(); }
    public CauseAction(Cause... c) { throw new UnsupportedOperationException(); }
    public List<Cause> getCauses() { throw new UnsupportedOperationException(); }
    public <T extends Cause> T findCause(Class<T> type) { throw new UnsupportedOperationException(); }
    @Override public String getDisplayName() { throw new UnsupportedOperationException(); }
    @Override public String getIconFileName() { throw new UnsupportedOperationException(); }
    @Override public String getUrlName() { throw new UnsupportedOperationException(); }
}
