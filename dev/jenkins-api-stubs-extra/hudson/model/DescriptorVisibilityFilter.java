// Declaration-only stub of hudson.model.DescriptorVisibilityFilter (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../../README.md.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;

@SuppressWarnings("rawtypes")
public abstract class DescriptorVisibilityFilter implements ExtensionPoint {
    public boolean filterType(@NonNull Class<?> contextClass, @NonNull Descriptor descriptor) { throw new UnsupportedOperationException(); }
    public abstract boolean filter(@CheckForNull Object context, @NonNull Descriptor descriptor);
}
