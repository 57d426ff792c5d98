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

    /** Mails claimed per round; a full round is followed at once by the next one, until the due mails are sent. */
    @WithDefault("100")
    int batchSize();

    /**
     * Mails handed to SMTP at the same time (bounded parallelism over the mailer's pooled, kept-alive connections:
     * keep {@code quarkus.mailer.max-pool-size} at least this large).
     */
    @WithDefault("8")
    int sendConcurrency();

    /**
     * New-member mails are coalesced per admin (issue 21): the first member after a quiet period is mailed at once,
     * the members of the following window in one mail when it closes. An onboarding wave costs one mail per window.
     */
    @WithDefault("PT15M")
    Duration memberWindow();

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
