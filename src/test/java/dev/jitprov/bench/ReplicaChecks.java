package dev.jitprov.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.jitprov.stack.TopicReader;
import dev.jitprov.support.Scenario;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * What several service processes on one PostgreSQL and one Kafka must get right together (issue 22), checked from
 * outside: HTTP to each replica, SQL on the store, the topic read as a downstream consumer reads it, the mails the
 * SMTP server received. Each check returns its failures (empty: passed) and prints what it saw; shared by the
 * replica harness ({@link ReplicaHarness}, scripts/replicas.sh) and the short version in {@code ./mvnw verify}
 * ({@code ReplicaRacesIT}).
 */
final class ReplicaChecks {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "replica-client");
                t.setDaemon(true);
                return t;
            }))
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplicaChecks() {
    }

    /** Posts a SAML Response to a replica's ACS; the outcome is "303" (signed in), the status, or the client error. */
    static CompletableFuture<String> postAcs(int port, String workspaceId, String samlResponse) {
        String form = "SAMLResponse=" + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8) + "&RelayState=%2Fconsole";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/saml/" + workspaceId + "/acs"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
            if (error != null) {
                return "client " + error.getClass().getSimpleName();
            }
            boolean session = response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("jit_session="));
            return response.statusCode() == 303 && session ? "303" : String.valueOf(response.statusCode());
        });
    }

    /** The same signed Response posted to two replicas at once, {@code pairs} times: each is accepted exactly once. */
    static List<String> sameResponseRacedIsAcceptedOnce(Scenario scenario, ServiceProcess a, ServiceProcess b, int pairs) {
        List<String> emails = Responses.emails("race-replay-" + UUID.randomUUID().toString().substring(0, 6), pairs);
        List<String> signed = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(30));
        List<String> failures = new ArrayList<>();
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < pairs; i++) {
            CompletableFuture<String> onA = postAcs(a.port, scenario.workspaceId, signed.get(i));
            CompletableFuture<String> onB = postAcs(b.port, scenario.workspaceId, signed.get(i));
            List<String> both = List.of(onA.join(), onB.join());
            both.forEach(o -> outcomes.merge(o, 1, Integer::sum));
            long accepted = both.stream().filter("303"::equals).count();
            if (accepted != 1) {
                failures.add("response " + i + " raced to both replicas was accepted " + accepted + " times " + both);
            }
        }
        say("same Response raced to two replicas, %d pairs: outcomes %s".formatted(pairs, outcomes));
        return failures;
    }

    /** One new user's first sign-in, two distinct Responses raced on two replicas, {@code pairs} users: one member each. */
    static List<String> firstSignInRacedMakesOneMember(Scenario scenario, ServiceProcess a, ServiceProcess b, int pairs) throws Exception {
        List<String> emails = Responses.emails("race-first-" + UUID.randomUUID().toString().substring(0, 6), pairs);
        List<String> first = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(30));
        List<String> second = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(30));
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < pairs; i++) {
            CompletableFuture<String> onA = postAcs(a.port, scenario.workspaceId, first.get(i));
            CompletableFuture<String> onB = postAcs(b.port, scenario.workspaceId, second.get(i));
            outcomes.merge(onA.join(), 1, Integer::sum);
            outcomes.merge(onB.join(), 1, Integer::sum);
        }
        List<String> failures = new ArrayList<>();
        try (Connection db = a.database()) {
            Map<String, Long> provisioned = counts(db, "SELECT payload->>'memberKey', count(*) FROM events WHERE workspace_id = ? "
                    + "AND type = 'user.provisioned.v1' GROUP BY 1", scenario.workspaceId);
            Map<String, Long> indexed = counts(db, "SELECT member_key, count(*) FROM member_index WHERE workspace_id = ? GROUP BY 1",
                    scenario.workspaceId);
            for (String email : emails) {
                if (provisioned.getOrDefault(email, 0L) != 1 || indexed.getOrDefault(email, 0L) != 1) {
                    failures.add("%s raced on two replicas: provisioned %d times, %d member_index rows"
                            .formatted(email, provisioned.getOrDefault(email, 0L), indexed.getOrDefault(email, 0L)));
                }
            }
        }
        say("first sign-in of one user raced on two replicas, %d users: outcomes %s, members made twice: %d"
                .formatted(pairs, outcomes, failures.size()));
        return failures;
    }

    /**
     * Every event in the store is on the topic, and per key (stream) the stream versions first appear in order
     * 1, 2, 3… (the relay is at least once: a copy after a crash may follow, never an event ahead of its predecessor).
     */
    static List<String> relaysPublishedEveryEventInOrder(ServiceProcess stack, Duration timeout) throws Exception {
        Map<String, Integer> stored = new HashMap<>();
        try (Connection db = stack.database(); PreparedStatement query = db.prepareStatement("SELECT event_id::text, version FROM events");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getInt(2));
            }
        }
        List<String> failures = new ArrayList<>();
        try (TopicReader topic = new TopicReader("provisioning-events", stack.kafka.bootstrapServers())) {
            Set<String> seen = new HashSet<>();
            List<ConsumerRecord<String, String>> records;
            try {
                records = topic.readUntil(read -> {
                    read.forEach(record -> seen.add(eventId(record)));
                    return seen.containsAll(stored.keySet());
                }, timeout);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Set<String> missing = new HashSet<>(stored.keySet());
                missing.removeAll(seen);
                failures.add(missing.size() + " stored events never reached Kafka, e.g. " + missing.stream().limit(3).toList());
                return failures;
            }
            Map<String, Integer> lastVersion = new HashMap<>();
            Map<String, Set<Integer>> versionsSeen = new HashMap<>();
            int copies = 0;
            for (ConsumerRecord<String, String> record : records) {
                JsonNode envelope = JSON.readTree(record.value());
                int version = envelope.path("streamversion").asInt();
                if (!versionsSeen.computeIfAbsent(record.key(), k -> new HashSet<>()).add(version)) {
                    copies++;
                    continue;
                }
                int previous = lastVersion.getOrDefault(record.key(), 0);
                if (version != previous + 1) {
                    failures.add("key %s: version %d published before version %d".formatted(record.key(), version, previous + 1));
                }
                lastVersion.put(record.key(), version);
            }
            say("relays: %d stored events, %d records on the topic (%d copies of an event already published), %d keys in order: %s"
                    .formatted(stored.size(), records.size(), copies, lastVersion.size(), failures.isEmpty() ? "yes" : "NO"));
        }
        return failures.stream().limit(20).toList();
    }

    private static String eventId(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value()).path("id").asText();
        } catch (Exception e) {
            return "";
        }
    }

    /** Every temporary member of the workspace deleted exactly once (by whichever expirer claimed it first). */
    static List<String> expirersDeletedEachDueMemberOnce(ServiceProcess stack, String workspaceId, Duration timeout) throws Exception {
        List<String> failures = new ArrayList<>();
        try (Connection db = stack.database()) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            long notDeleted;
            do {
                notDeleted = single(db, "SELECT count(*) FROM events p WHERE p.workspace_id = ? AND p.type = 'user.provisioned.v1' "
                        + "AND NOT EXISTS (SELECT 1 FROM events d WHERE d.stream_id = p.stream_id AND d.type = 'user.deleted.v1')", workspaceId);
                if (notDeleted > 0) {
                    Thread.sleep(500);
                }
            } while (notDeleted > 0 && System.currentTimeMillis() < deadline);
            long twice = single(db, "SELECT count(*) FROM (SELECT stream_id FROM events WHERE workspace_id = ? AND type = 'user.deleted.v1' "
                    + "GROUP BY stream_id HAVING count(*) > 1) d", workspaceId);
            long deleted = single(db, "SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'user.deleted.v1'", workspaceId);
            if (notDeleted > 0) {
                failures.add(notDeleted + " temporary members still not deleted after " + timeout);
            }
            if (twice > 0) {
                failures.add(twice + " members deleted more than once");
            }
            say("expirers: %d temporary members deleted, %d not yet, %d twice".formatted(deleted, notDeleted, twice));
        }
        return failures;
    }

    /** Every mail the outbox marked sent reached the SMTP server once; no mail twice; nothing due left unsent. */
    static List<String> notifiersSentEachMailOnce(ServiceProcess stack, Duration timeout) throws Exception {
        List<String> failures = new ArrayList<>();
        try (Connection db = stack.database()) {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            long due;
            do {
                due = single(db, "SELECT count(*) FROM notification_outbox WHERE status IN ('PENDING', 'SENDING') AND next_attempt_at <= now()");
                if (due > 0) {
                    Thread.sleep(500);
                }
            } while (due > 0 && System.currentTimeMillis() < deadline);
            long sent = single(db, "SELECT count(*) FROM notification_outbox WHERE status = 'SENT'");
            MimeMessage[] received = stack.smtp.getReceivedMessages();
            Map<String, Integer> copies = new HashMap<>();
            for (MimeMessage message : received) {
                String identity = String.join("|", List.of(String.valueOf(List.of(message.getAllRecipients())), message.getSubject(),
                        GreenMailUtil.getBody(message)));
                copies.merge(identity, 1, Integer::sum);
            }
            long twice = copies.values().stream().filter(n -> n > 1).count();
            if (due > 0) {
                failures.add(due + " due mails still unsent after " + timeout);
            }
            if (received.length != sent) {
                failures.add("the SMTP server received " + received.length + " mails, the outbox marked " + sent + " sent");
            }
            if (twice > 0) {
                failures.add(twice + " mails received more than once");
            }
            say("notifiers: %d mails sent by the outbox, %d received, %d received twice".formatted(sent, received.length, twice));
        }
        return failures;
    }

    /** Waits until the replica's consumer of each group named in {@code groups} holds at least one partition. */
    static void awaitPartitionsOf(ServiceProcess stack, String replica, List<String> groups, Duration timeout) {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
                    admin.describeConsumerGroups(groups).all().get(5, java.util.concurrent.TimeUnit.SECONDS).values().stream()
                            .allMatch(group -> group.members().stream().anyMatch(member -> member.clientId().startsWith(replica + "-")
                                    && !member.assignment().topicPartitions().isEmpty())));
        }
    }

    static Map<String, Long> counts(Connection db, String sql, String... params) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    static long single(Connection db, String sql, String... params) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** How many lines a replica's log has now (what {@link #warningsAfter} skips). */
    static int lines(java.nio.file.Path log) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(log).size();
    }

    /** Lines at WARN or ERROR after the first {@code skip} lines (the service logs "HH:MM:SS.mmm LEVEL [category] ..."). */
    static List<String> warningsAfter(java.nio.file.Path log, int skip) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(log).stream().skip(skip)
                .filter(l -> l.matches("^\\S+ (WARN|ERROR) .*")).toList();
    }

    static void say(String message) {
        System.out.println("[replicas] " + message);
    }
}
