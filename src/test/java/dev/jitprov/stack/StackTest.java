package dev.jitprov.stack;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Declares the real test stack once for the whole run: Quarkus starts {@link TestStack} a single time and every
 * {@code @QuarkusTest} shares it.
 */
@WithTestResource(value = TestStack.class, scope = TestResourceScope.GLOBAL)
public final class StackTest {

    private StackTest() {
    }
}
