// Declaration-only stub of hudson.model.InvisibleAction (Jenkins 2.555 public API), for the
// stub-kit compile check only; see ../../README.md.
package hudson.model;

public abstract class InvisibleAction implements Action {
    @Override public final String getIconFileName() { throw new UnsupportedOperationException(); }
    @Override public String getDisplayName() { throw new UnsupportedOperationException(); }
    @Override public String getUrlName() { throw new UnsupportedOperationException(); }
}
