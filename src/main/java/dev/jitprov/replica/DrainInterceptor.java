package dev.jitprov.replica;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Counts the background work in flight and refuses new work once the replica stops ({@link DrainedAtShutdown}). */
@DrainedAtShutdown
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
class DrainInterceptor {

    private final BackgroundWork work;

    DrainInterceptor(BackgroundWork work) {
        this.work = work;
    }

    @AroundInvoke
    Object drained(InvocationContext call) throws Exception {
        if (work.stopping()) {
            DrainedAtShutdown binding = call.getMethod().getAnnotation(DrainedAtShutdown.class);
            boolean hold = binding != null && binding.value() == DrainedAtShutdown.WhenStopping.HOLD;
            return hold ? Uni.createFrom().nothing() : Uni.createFrom().voidItem();
        }
        Object result = call.proceed();
        return result instanceof Uni<?> uni ? work.track(uni) : result;
    }
}
