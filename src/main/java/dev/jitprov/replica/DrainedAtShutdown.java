package dev.jitprov.replica;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Background work a stopping replica waits for ({@link BackgroundWork}): a scheduled job or a Kafka consumer method
 * that returns a {@code Uni}. A call that started before the stop is waited for before the pools close; a call made
 * after it does not run.
 */
@InterceptorBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface DrainedAtShutdown {

    /** What a call made after the stop began gets instead of running. */
    @Nonbinding
    WhenStopping value() default WhenStopping.SKIP;

    enum WhenStopping {
        /** A scheduled job: the run is skipped (the next replica's run does the work). */
        SKIP,
        /**
         * A Kafka consumer: the batch is never completed, so its offsets are never committed and the partition's next
         * owner receives it again (every consumer is idempotent). Completing it unprocessed would lose it.
         */
        HOLD
    }
}
