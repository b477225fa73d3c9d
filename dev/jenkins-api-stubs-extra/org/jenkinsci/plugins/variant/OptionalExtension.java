// Declaration-only stub of org.jenkinsci.plugins.variant.OptionalExtension (the Variant plugin,
// a dependency of the Metrics plugin), for the stub-kit compile check only; see ../../../../README.md.
package org.jenkinsci.plugins.variant;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
@Documented
public @interface OptionalExtension {
    double ordinal() default 0;

    String[] requirePlugins() default {};

    @SuppressWarnings("rawtypes")
    Class[] requireClasses() default {};

    String[] requireVariants() default {};
}
