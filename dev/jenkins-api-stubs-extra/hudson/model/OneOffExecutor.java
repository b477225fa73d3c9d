// Declaration-only stub of hudson.model.OneOffExecutor (Jenkins 2.555 public API), for the
// stub-kit compile check only; see ../../README.md.
package hudson.model;

public class OneOffExecutor extends Executor {
    public OneOffExecutor(Computer owner) { super(owner, -1); }
}
