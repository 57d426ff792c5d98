package dev.jitprov.notification;

import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.stack.TestStack;
import dev.jitprov.stack.TopicReader;
import dev.jitprov.support.Db;
import dev.jitprov.support.Scenario;
import com.icegreen.greenmail.util.GreenMail;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** R16 against a real SMTP server (GreenMail): one mail per event and admin, whatever happens on the way. */
@QuarkusTest
class AdminMailTest {

    private static final String ENABLED = "JIT provisioning enabled for ";
    private static final String DISABLED = "JIT provisioning disabled for ";
    private static final String NEW_MEMBER = "New member ";

    @Inject
    Pool pool;
    @Inject
    DigestJob digests;
    @Inject
    MailSender sender;
    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;
    @Inject
    dev.jitprov.support.TestClock clock;

    @Test
    @DisplayName("R16: enable, JIT creation and disable each give exactly one e-mail per admin, also when an event is delivered twice")
    void r16_oneMailPerAdminPerEventDespiteRedelivery() throws Exception {
        String name = "r16-mail-" + UUID.randomUUID().toString().substring(0, 6);
        Scenario s = Scenario.withSso(name);
        String secondAdmin = invite(s, "Admin");
        String manager = invite(s, "Manager");
        List<String> admins = List.of(s.ownerEmail, secondAdmin);

        s.enableJit(Map.of()).then().statusCode(200);
        awaitOneEach(admins, ENABLED + name);

        String newcomer = "newcomer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        s.signIn(newcomer);
        awaitOneEach(admins, NEW_MEMBER + newcomer);

        // Deliver the enable event a second time, as a relay retry or a replayed offset would.
        redeliver(WorkspaceState.streamId(s.workspaceId), "provisioning.enabled.v1");

        // The disable event has the same key, so it is consumed after the duplicate: once its mails are there,
        // the duplicate has been handled.
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
        awaitOneEach(admins, DISABLED + name);

        for (String admin : admins) {
            assertThat(mailsTo(admin, ENABLED + name)).hasSize(1);
            assertThat(mailsTo(admin, NEW_MEMBER + newcomer)).hasSize(1);
            assertThat(mailsTo(admin, DISABLED + name)).hasSize(1);
        }
        assertThat(mailsTo(manager, "")).isEmpty();
        assertThat(mailsTo(newcomer, "")).isEmpty();
        MimeMessage mail = mailsTo(s.ownerEmail, ENABLED + name).get(0);
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'SENT'", s.workspaceId) == 6);
    }

    @Test
    @DisplayName("R16: a consumer restarted mid-batch (its records delivered again from an earlier offset) still mails each admin each member once: the first at once, the others in one summary")
    void r16_consumerRestartedMidBatchSendsOneMailEach() throws Exception {
        String name = "r16-restart-" + UUID.randomUUID().toString().substring(0, 6);
        Scenario s = Scenario.withSso(name);
        String secondAdmin = invite(s, "Admin");
        List<String> admins = List.of(s.ownerEmail, secondAdmin);
        s.enableJit(Map.of()).then().statusCode(200);
        List<String> newcomers = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String newcomer = "restart-" + i + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
            newcomers.add(newcomer);
            s.signIn(newcomer);
        }

        // While the notifier works through them, every record of this workspace is delivered again, in order:
        // what a consumer restarted after a crash reads when its last committed offset is before all of them.
        List<ConsumerRecord<String, String>> records;
        try (TopicReader reader = new TopicReader("provisioning-events")) {
            records = reader.readUntil(rs -> rs.stream().filter(r -> mailingEventOf(r, s)).count() >= 1 + newcomers.size(),
                    Duration.ofSeconds(30)).stream().filter(r -> mailingEventOf(r, s)).toList();
        }
        republish(records);

        awaitOneEach(admins, ENABLED + name);
        // the disable event comes after the replayed records on the workspace's key: its mails mean they were handled
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
        awaitOneEach(admins, DISABLED + name);
        awaitOneEach(admins, NEW_MEMBER);
        String first = mailsTo(s.ownerEmail, NEW_MEMBER).get(0).getSubject().substring(NEW_MEMBER.length()).split(" ")[0];
        assertThat(newcomers).contains(first);

        // the window closes (jit.notification.member-window, 15 minutes): one summary per admin with the other five
        clock.offset(Duration.ofMinutes(16));
        awaitOneEach(admins, "5 new members provisioned by JIT in " + name);
        for (String admin : admins) {
            assertThat(mailsTo(admin, NEW_MEMBER)).hasSize(1);
            String summary = com.icegreen.greenmail.util.GreenMailUtil.getBody(mailsTo(admin, "5 new members").get(0));
            for (String newcomer : newcomers) {
                assertThat(summary.contains(newcomer)).as("summary lists %s", newcomer).isEqualTo(!newcomer.equals(first));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'SENT'", s.workspaceId) == 2L * 4);
    }

    @Test
    @DisplayName("R16: changing the JIT settings mails every admin what changed")
    void r16_jitSettingsChangeIsMailed() {
        String name = "r16-updated-" + UUID.randomUUID().toString().substring(0, 6);
        Scenario s = Scenario.withJit(name, Map.of());
        s.enableJit(Map.of("defaultRole", "Manager", "updateUserRole", true)).then().statusCode(200);
        awaitOneEach(List.of(s.ownerEmail), "JIT provisioning settings changed for " + name);
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(mailsTo(s.ownerEmail, "JIT provisioning settings changed").get(0));
        assertThat(body).contains("defaultRole").contains("updateUserRole").contains("Manager");
    }

    /** An event of {@code s}'s workspace that mails its admins (JIT enabled, member created). */
    private static boolean mailingEventOf(ConsumerRecord<String, String> record, Scenario s) {
        String type = TopicReader.headers(record).get("ce_type");
        return ("provisioning.enabled.v1".equals(type) || "user.provisioned.v1".equals(type))
                && record.value().contains("\"" + s.workspaceId + "\"");
    }

    @Test
    @DisplayName("R16: while SMTP is down the mail is retried with backoff and arrives once when it is back")
    void r16_retriedWhileSmtpIsDown() {
        String name = "r16-smtp-down-" + UUID.randomUUID().toString().substring(0, 6);
        Scenario s = Scenario.withSso(name);
        GreenMail smtp = TestStack.smtp();
        smtp.stop();
        try {
            s.enableJit(Map.of()).then().statusCode(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                    "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'PENDING' AND attempts >= 2 AND last_error IS NOT NULL",
                    s.workspaceId) == 1);
        } finally {
            smtp.start();
        }
        awaitOneEach(List.of(s.ownerEmail), ENABLED + name);
        // the row is marked SENT just after the SMTP server accepted the mail: wait for that commit
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'SENT' AND claimed_at IS NOT NULL", s.workspaceId) == 1);
    }

    @Test
    @DisplayName("R16: a mail left SENDING by a sender that died mid-send is not retried, but counted and logged as stuck")
    void r16_aMailLeftSendingIsReportedNotResent() {
        String ws = "r16-stuck-" + UUID.randomUUID().toString().substring(0, 6);
        long before = sender.countStuck().await().indefinitely();
        for (Duration claimedAgo : List.of(Duration.ofHours(1), Duration.ofSeconds(5))) {
            pool.preparedQuery("INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, attempts, "
                            + "next_attempt_at, created_at, claimed_at) VALUES ($1, 'admin@example.com', $2, 'JIT_ENABLED', '{}'::jsonb, "
                            + "'SENDING', 1, now(), now(), now() - make_interval(secs => $3))")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.randomUUID(), ws, (double) claimedAgo.toSeconds())).await().indefinitely();
        }

        long after = sender.countStuck().await().indefinitely();
        sender.sendBatch().await().indefinitely();   // a send round claims PENDING rows only

        assertThat(after - before).as("only the one claimed an hour ago (stuck-after PT10M)").isEqualTo(1);
        assertThat(metrics.get("jit.mail.stuck").gauge().value()).isEqualTo((double) after);
        assertThat(Db.count(pool, "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'SENDING'", ws))
                .as("neither is claimed again (at most once)").isEqualTo(2);
        pool.preparedQuery("DELETE FROM notification_outbox WHERE workspace_id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(ws))
                .await().indefinitely();
    }

    @Test
    @DisplayName("R16: a workspace on the daily digest holds one row per admin, whatever the number of new members, and mails it once")
    void r16_dailyDigestInsteadOfNewMemberMails() {
        String name = "r16-digest-" + UUID.randomUUID().toString().substring(0, 6);
        Scenario s = Scenario.withJit(name, Map.of());
        s.admin().body(Map.of("newMemberMails", "DAILY_DIGEST")).put("/api/workspaces/" + s.workspaceId + "/notifications")
                .then().statusCode(200);
        s.admin().get("/api/workspaces/" + s.workspaceId + "/notifications").then().statusCode(200)
                .body("newMemberMails", org.hamcrest.Matchers.equalTo("DAILY_DIGEST"));
        String first = "first-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String second = "second-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        s.signIn(first);
        s.signIn(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND status = 'HELD' AND (params->>'count')::int = 2",
                s.workspaceId) == 1);
        assertThat(Db.count(pool, "SELECT count(*) FROM notification_outbox WHERE workspace_id = $1 AND kind LIKE 'MEMBER%'", s.workspaceId))
                .isEqualTo(1);

        digests.compile().await().indefinitely();
        digests.compile().await().indefinitely();

        awaitOneEach(List.of(s.ownerEmail), "New members in " + name + ": 2");
        MimeMessage digest = mailsTo(s.ownerEmail, "New members in " + name).get(0);
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(digest)).contains(first).contains(second);
        assertThat(mailsTo(s.ownerEmail, NEW_MEMBER)).isEmpty();
    }

    @Test
    @DisplayName("R16: rows queued by the previous release (one HELD row per member and admin) are folded into one digest per admin")
    void r16_heldRowsOfThePreviousReleaseAreFoldedIntoOneDigest() {
        String ws = "r16-legacy-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 25; i++) {
            pool.preparedQuery("INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, next_attempt_at, created_at) "
                            + "VALUES ($1, 'legacy-admin@example.com', $2, 'MEMBER_PROVISIONED', $3, 'HELD', now(), now())")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.randomUUID(), ws, new io.vertx.core.json.JsonObject(Map.of("workspace", ws,
                            "email", "legacy-" + i + "@example.com", "role", "Analyst", "temporary", false, "at", "2026-12-01T00:00:00Z"))))
                    .await().indefinitely();
        }
        digests.compile().await().indefinitely();
        awaitOneEach(List.of("legacy-admin@example.com"), "New members in " + ws + ": 25");
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(mailsTo("legacy-admin@example.com", "New members in " + ws).get(0));
        assertThat(body).contains("legacy-0@example.com").contains("legacy-19@example.com").doesNotContain("legacy-20@example.com")
                .contains("5 more");
    }

    @org.junit.jupiter.api.AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String invite(Scenario s, String role) {
        String email = role.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        s.admin().body(Map.of("email", email, "role", role)).post("/api/workspaces/" + s.workspaceId + "/members").then().statusCode(201);
        return email;
    }

    private static void awaitOneEach(List<String> recipients, String subjectPrefix) {
        await().atMost(Duration.ofSeconds(30)).until(() -> recipients.stream().allMatch(r -> mailsTo(r, subjectPrefix).size() >= 1));
        for (String r : recipients) {
            assertThat(mailsTo(r, subjectPrefix)).as("mails to %s starting %s", r, subjectPrefix).hasSize(1);
        }
    }

    private static List<MimeMessage> mailsTo(String recipient, String subjectPrefix) {
        return dev.jitprov.support.Mails.to(recipient, subjectPrefix);
    }

    private static void redeliver(String key, String type) throws Exception {
        ConsumerRecord<String, String> original;
        try (TopicReader reader = new TopicReader("provisioning-events")) {
            List<ConsumerRecord<String, String>> records = reader.readUntil(rs -> rs.stream().anyMatch(r -> matches(r, key, type)),
                    Duration.ofSeconds(30));
            original = records.stream().filter(r -> matches(r, key, type)).findFirst().orElseThrow();
        }
        republish(List.of(original));
    }

    private static void republish(List<ConsumerRecord<String, String>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (ConsumerRecord<String, String> original : records) {
                ProducerRecord<String, String> copy = new ProducerRecord<>(original.topic(), original.key(), original.value());
                original.headers().forEach(h -> copy.headers().add(h));
                producer.send(copy).get();
            }
        }
    }

    private static boolean matches(ConsumerRecord<String, String> record, String key, String type) {
        return key.equals(record.key()) && type.equals(TopicReader.headers(record).get("ce_type"));
    }
}
