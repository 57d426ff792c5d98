package dev.jitprov.notification;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Admin e-mail notifications (R16). */
@ConfigMapping(prefix = "jit.notification")
public interface NotificationConfig {

    /** Whether this replica sends pending mails (the consumer that queues them always runs). */
    @WithDefault("true")
    boolean enabled();

    /** Sender address of every notification. */
    @WithDefault("jit-provisioning@localhost")
    String from();

    /** How often the sender looks for pending mails (Quarkus {@code every} syntax). */
    @WithDefault("1s")
    String sendInterval();

    /** Mails claimed per round. */
    @WithDefault("50")
    int batchSize();

    /** When held new-member mails are folded into one digest per admin (Quartz-style cron, server time zone). */
    @WithDefault("0 0 7 * * ?")
    String digestCron();

    /**
     * A mail still {@code SENDING} this long after its claim is reported as stuck (its sender died between handing
     * it to SMTP and recording the outcome; it is not retried, see {@link MailSender}).
     */
    @WithDefault("PT10M")
    Duration stuckAfter();

    Retry retry();

    /** Exponential backoff while the SMTP server refuses or is away: initial, doubled per attempt, capped. */
    interface Retry {
        @WithDefault("PT1S")
        Duration initialBackoff();

        @WithDefault("PT5M")
        Duration maxBackoff();
    }
}
