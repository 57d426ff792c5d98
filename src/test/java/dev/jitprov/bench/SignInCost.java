package dev.jitprov.bench;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.stack.LocalStack;
import dev.jitprov.support.Scenario;
import io.restassured.RestAssured;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Issue 20's cost harness: where the machine's CPU goes per sign-in, everything co-located as {@code ./mvnw -Plocal}
 * runs it (PostgreSQL with its data on disk, Kafka and SMTP in this JVM, the packaged service as a child process).
 *
 * <p>After a warm-up of {@code cost.warmup} first sign-ins, two phases, closed loop with {@code cost.concurrency} in
 * flight: {@code cost.users} first sign-ins (member created), then as many repeat sign-ins of those users. For each
 * phase it prints sign-ins/s and latency, then per sign-in:
 * <ul>
 *   <li>CPU ms by process: the service (/proc/pid/stat), PostgreSQL (the postmaster and its backends), and this JVM
 *       split by thread: the Kafka broker, SMTP, the rest (GC and JIT are in "this JVM, other"); their sum is the
 *       machine's figure the issue sets its goal on. The HTTP load client runs in a process of its own
 *       ({@link SignInClientProcess}), as in the measurement: its CPU is printed apart;</li>
 *   <li>the service's CPU by stage, from a JFR recording (execution samples, {@code settings=default}, recording from the start) classified by
 *       the first recognised frame from the top of each stack (signature, XML parsing, PostgreSQL client, Kafka
 *       client, JSON, logging, HTTP, …) and, separately, by the first frame of this project's code (which component:
 *       ACS, projections, relay, notifier, expirer);</li>
 *   <li>rows written per table (pg_stat_user_tables) and statements per sign-in (pg_stat_statements: each call is one
 *       round trip for this client), the busiest statements first.</li>
 * </ul>
 * Run: {@code scripts/sign-in-cost.sh}. The figures are for this machine and its noise: compare phases and runs of
 * the same day, never absolute figures across machines.
 */
public final class SignInCost {

    private static final Map<String, String> STAGES = new LinkedHashMap<>();

    static {
        // first match from the top of the stack wins; Mutiny, java.util and java.lang frames are looked through
        STAGES.put("org.apache.xml.security.c14n", "signature: canonicalization");
        STAGES.put("org.apache.xml.security.transforms", "signature: canonicalization");
        STAGES.put("org.apache.xml.security.algorithms", "signature: crypto");
        STAGES.put("org.apache.xml.security.signature", "signature: references, digests");
        STAGES.put("org.apache.xml.security.utils", "signature: references, digests");
        STAGES.put("sun.security", "signature: crypto");
        STAGES.put("java.security", "signature: crypto");
        STAGES.put("java.math", "signature: crypto");
        STAGES.put("com.sun.crypto", "signature: crypto");
        STAGES.put("org.bouncycastle", "signature: crypto");
        STAGES.put("org.opensaml", "SAML: unmarshal, profile checks");
        STAGES.put("net.shibboleth", "SAML: unmarshal, profile checks");
        STAGES.put("org.apache.xerces", "XML parsing");
        STAGES.put("com.sun.org.apache", "XML parsing");
        STAGES.put("javax.xml", "XML parsing");
        STAGES.put("jdk.xml", "XML parsing");
        STAGES.put("org.w3c", "XML parsing");
        STAGES.put("java.util.zip", "decode (inflate)");
        STAGES.put("java.util.Base64", "decode (base64)");
        STAGES.put("io.vertx.pgclient", "PostgreSQL client");
        STAGES.put("io.vertx.sqlclient", "PostgreSQL client");
        STAGES.put("org.hibernate", "Hibernate Reactive");
        STAGES.put("org.apache.kafka", "Kafka client");
        STAGES.put("io.smallrye.reactive.messaging", "SmallRye messaging");
        STAGES.put("com.fasterxml.jackson", "JSON");
        STAGES.put("org.jboss.logmanager", "logging");
        STAGES.put("org.jboss.logging", "logging");
        STAGES.put("io.quarkus.mailer", "mail");
        STAGES.put("io.vertx.ext.mail", "mail");
        STAGES.put("io.micrometer", "metrics");
        STAGES.put("io.netty", "HTTP, network (Netty, Vert.x, REST)");
        STAGES.put("io.vertx", "HTTP, network (Netty, Vert.x, REST)");
        STAGES.put("org.jboss.resteasy", "HTTP, network (Netty, Vert.x, REST)");
        STAGES.put("io.quarkus", "HTTP, network (Netty, Vert.x, REST)");
        STAGES.put("dev.jitprov", "this project's code");
    }

    /** The load client's process, once started. */
    private static SignInClientProcess client;

    /** The replica running the background roles when the run is split ({@code -Dcost.split=true}); null otherwise. */
    private static ServiceProcess background;

    private SignInCost() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = Integer.getInteger("cost.warmup", 3000);
        int users = Integer.getInteger("cost.users", 3000);
        int concurrency = Integer.getInteger("cost.concurrency", 16);
        int openRate = Integer.getInteger("cost.openRate", 0);
        // -Dcost.history=400: a last phase, sign-ins of members with that many events of earlier sessions in their streams
        int history = Integer.getInteger("cost.history", 0);
        int historyMembers = Math.min(users, Integer.getInteger("cost.historyMembers", 300));
        System.setProperty("pg.statements", "true");
        // the JVM as ./mvnw -Plocal starts it (the container image's options; -Dcost.jvmDefaults=true: the JVM's own
        // defaults, G1 and a quarter of the RAM, as the local run had them before), pre-signed responses may wait an hour.
        // JFR runs from the start: starting a recording later instruments JDK classes (socket and file events), which
        // throws away compiled code; the JIT then recompiled for the whole phase (7 ms of CPU per sign-in measured)
        List<String> serviceArgs = new ArrayList<>(Boolean.getBoolean("cost.jvmDefaults") ? List.of() : LocalStack.SERVICE_JVM_OPTIONS);
        serviceArgs.add("-Djit.saml.max-issue-instant-age=PT60M");
        if (JFR) { // -Dcost.jfr=false: no recording (an AOT cache training run: JDK 25 answers no JFR command during it)
            serviceArgs.add("-XX:StartFlightRecording=name=cost,settings=default,maxage=30m");
        }
        String extra = System.getProperty("cost.serviceArgs", "");
        if (!extra.isBlank()) {
            serviceArgs.addAll(List.of(extra.trim().split("\\s+")));
        }
        // -Dcost.split=true: the measured service is an API replica; a second process runs the background roles
        boolean split = Boolean.getBoolean("cost.split");
        if (split) {
            serviceArgs.add("-Djit.roles=api");
        }
        boolean passed = false;
        try (ServiceProcess service = ServiceProcess.start("sign-in-cost", serviceArgs)) {
            if (split) {
                background = service.replica("background", new ArrayList<>(List.of("-Djit.saml.max-issue-instant-age=PT60M",
                        "-Djit.roles=relay,projector,notifier,expirer")));
                background.startService("background");
            }
            RestAssured.port = service.port;
            Scenario scenario = Scenario.withJit("cost-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
            String run = UUID.randomUUID().toString().substring(0, 6);
            List<String> warmEmails = Responses.emails("warm-" + run, warmup);
            List<String> emails = Responses.emails("cost-" + run, users);
            Stats.print("signing %d responses".formatted(warmup + (openRate > 0 ? 3 : 2) * users + (history > 0 ? 2 * historyMembers : 0)));
            List<String> warm = Responses.sign(scenario.idp, scenario.sp(), warmEmails, Duration.ofMinutes(60));
            List<String> first = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(60));
            List<String> repeat = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(60));
            List<String> openEmails = Responses.emails("open-" + run, openRate > 0 ? users : 0);
            List<String> open = Responses.sign(scenario.idp, scenario.sp(), openEmails, Duration.ofMinutes(60));
            List<String> historyEmails = emails.subList(0, history > 0 ? historyMembers : 0);
            List<String> catchUp = Responses.sign(scenario.idp, scenario.sp(), historyEmails, Duration.ofMinutes(60));
            List<String> withHistory = Responses.sign(scenario.idp, scenario.sp(), historyEmails, Duration.ofMinutes(60));
            try (Connection db = service.database(); Statement sql = db.createStatement()) {
                sql.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
            // the client in a JVM of its own (the method): its CPU is not the co-located parts'
            SignInClientProcess load = SignInClientProcess.start("http://localhost:" + service.port, scenario.workspaceId,
                    service.log.getParent());
            client = load;
            Stats.print("warm-up: " + load.closedLoop(warm, concurrency).summary());
            awaitQuiet(service);
            phase(service, "first sign-in (member created)", () -> load.closedLoop(first, concurrency));
            phase(service, "repeat sign-in", () -> load.closedLoop(repeat, concurrency));
            if (openRate > 0) {
                // the open-loop line: new members at a fixed rate, with the members view's lag as a reader sees it
                MembersViewLag viewLag = new MembersViewLag(service, scenario.workspaceId, "open-" + run + "-%");
                SignInLoad.Result result = phase(service, "open loop at %d/s, first sign-ins".formatted(openRate),
                        () -> load.openLoop(open, openRate, 512));
                Stats.print(viewLag.summary(result, openEmails));
            }
            if (history > 0) {
                addHistory(service, scenario.workspaceId, historyEmails, history);
                awaitQuiet(service);
                // each member's first decision after its history appeared: with snapshots on, it writes the first one
                Stats.print("catch-up sign-in of the %d members with history: %s".formatted(historyEmails.size(),
                        load.closedLoop(catchUp, concurrency).summary()));
                awaitQuiet(service);
                phase(service, "sign-in with %d events of history".formatted(history), () -> load.closedLoop(withHistory, concurrency));
            }
            Stats.print("service RSS: " + service.rss() + (background == null ? "" : "; background replica RSS: " + background.rss()));
            passed = true;
        } catch (Throwable e) {
            e.printStackTrace();
        } finally {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            if (background != null) {
                // a replica does not own the infrastructure: left running, it spins on a gone PostgreSQL and Kafka
                try {
                    background.close();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
            Stats.print(passed ? "DONE" : "FAILED");
            Runtime.getRuntime().halt(passed ? 0 : 1);
        }
    }

    /** How a phase posts its responses (closed or open loop). */
    private interface Driver {
        SignInLoad.Result run() throws Exception;
    }

    private static SignInLoad.Result phase(ServiceProcess service, String name, Driver driver) throws Exception {
        Path jfr = service.log.resolveSibling("cost-" + name.split(" ")[0] + ".jfr");
        java.time.Instant start = java.time.Instant.now();
        Snapshot before = Snapshot.take(service);
        SignInLoad.Result result = driver.run();
        awaitQuiet(service); // the background work the phase caused (relay, consumers, mails) counts too
        Snapshot after = Snapshot.take(service);
        long seconds = (after.wallNanos - before.wallNanos) / 1_000_000_000 + 1;
        long n = result.acknowledged();
        Stats.print("");
        Stats.print("== %s: %s".formatted(name, result.summary()));
        Stats.print("CPU per sign-in (ms), the phase and its background work until quiet (%.1f s):".formatted((after.wallNanos - before.wallNanos) / 1e9));
        double total = 0;
        for (String process : after.cpuMillis.keySet()) {
            double perSignIn = (after.cpuMillis.get(process) - before.cpuMillis.getOrDefault(process, 0.0)) / n;
            total += perSignIn;
            Stats.print("  %-34s %6.2f".formatted(process, perSignIn));
        }
        // the figure: what runs co-located as ./mvnw -Plocal runs it; the load client is only there to measure
        Stats.print("  %-34s %6.2f".formatted("machine (sum)", total));
        double clientCpu = (after.clientCpu - before.clientCpu) / n;
        Stats.print("  %-34s %6.2f  (machine with it: %.2f)".formatted(LOAD_CLIENT, clientCpu, total + clientCpu));
        Stats.print("the service's CPU per sign-in by thread kind (/proc/pid/task):");
        double javaThreads = 0;
        for (String kind : after.serviceThreads.keySet()) {
            double perSignIn = (after.serviceThreads.get(kind) - before.serviceThreads.getOrDefault(kind, 0.0)) / n;
            if (kind.equals(JAVA_THREADS)) {
                javaThreads = perSignIn;
            }
            Stats.print("  %-34s %6.2f".formatted(kind, perSignIn));
        }
        if (JFR) {
            jcmd(service, "JFR.dump", "name=cost", "begin=-" + seconds + "s", "filename=" + jfr);
            printSamples(jfr, start, javaThreads);
        }
        Stats.print("rows written per sign-in (inserted / updated / deleted):");
        after.rows.forEach((table, counts) -> {
            long[] was = before.rows.getOrDefault(table, new long[3]);
            if (counts[0] + counts[1] + counts[2] > was[0] + was[1] + was[2]) {
                Stats.print("  %-28s %5.2f / %5.2f / %5.2f".formatted(table, (counts[0] - was[0]) / (double) n,
                        (counts[1] - was[1]) / (double) n, (counts[2] - was[2]) / (double) n));
            }
        });
        Map<String, Double> statements = new HashMap<>();
        Map<String, Double> execMillis = new HashMap<>();
        after.calls.forEach((query, calls) -> {
            long delta = calls - before.calls.getOrDefault(query, 0L);
            if (delta > 0) {
                statements.put(query, delta / (double) n);
                execMillis.put(query, (after.execMillis.get(query) - before.execMillis.getOrDefault(query, 0.0)) / n);
            }
        });
        Stats.print("PostgreSQL's CPU per sign-in by process kind (ms):");
        after.postgresByKind.forEach((kind, ms) -> {
            double delta = (ms - before.postgresByKind.getOrDefault(kind, 0.0)) / n;
            if (delta >= 0.005) {
                Stats.print("  %-48s %5.2f".formatted(kind, delta));
            }
        });
        // execution time is the server's wall time of the statement (a COMMIT's includes waiting for its WAL flush)
        Stats.print("statements (round trips) per sign-in: %.2f, executing %.2f ms; the busiest (calls, exec ms per sign-in):".formatted(
                statements.values().stream().mapToDouble(d -> d).sum(), execMillis.values().stream().mapToDouble(d -> d).sum()));
        statements.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
                .forEach(e -> Stats.print("  %5.2f %6.3f  %s".formatted(e.getValue(), execMillis.get(e.getKey()), e.getKey())));
        return result;
    }

    /**
     * The service's CPU by stage and by component, from the recording's execution samples. The dump holds whole chunks
     * of the recording: samples from before the phase (setup, warm-up) are left out.
     */
    private static void printSamples(Path jfr, java.time.Instant start, double serviceCpuPerSignIn) throws Exception {
        Map<String, Integer> byStage = new TreeMap<>();
        Map<String, Integer> byComponent = new TreeMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStartTime().isBefore(start)) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            byStage.merge(stage(frames), 1, Integer::sum);
            byComponent.merge(component(frames, event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName()),
                    1, Integer::sum);
        }
        if (samples == 0) {
            Stats.print("no JFR samples in " + jfr);
            return;
        }
        int total = samples;
        Stats.print("service Java threads' CPU by stage (JFR, %d samples; ms per sign-in = share x %.2f ms):".formatted(samples, serviceCpuPerSignIn));
        byStage.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(e ->
                Stats.print("  %-40s %5.1f %%  %5.2f".formatted(e.getKey(), 100.0 * e.getValue() / total, serviceCpuPerSignIn * e.getValue() / total)));
        Stats.print("service CPU by component (first frame of this project's code from the top; or the thread):");
        byComponent.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(e ->
                Stats.print("  %-40s %5.1f %%  %5.2f".formatted(e.getKey(), 100.0 * e.getValue() / total, serviceCpuPerSignIn * e.getValue() / total)));
    }

    static String stage(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, String> rule : STAGES.entrySet()) {
                if (type.startsWith(rule.getKey())) {
                    return rule.getValue();
                }
            }
        }
        return "other (JDK, Mutiny)";
    }

    static String component(List<RecordedFrame> frames, String thread) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("dev.jitprov.")) {
                String rest = type.substring("dev.jitprov.".length());
                if (type.contains("KafkaRelay")) {
                    return "relay";
                }
                return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
            }
        }
        if (thread.startsWith("kafka-producer")) {
            return "(thread) Kafka producer";
        }
        if (thread.startsWith("smallrye-kafka-consumer") || thread.startsWith("consumer_background")) {
            return "(thread) Kafka consumers";
        }
        if (thread.startsWith("vert.x-eventloop")) {
            return "(thread) event loop, no project frame";
        }
        return "(thread) " + thread.replaceAll("[-\\d]+$", "");
    }

    /**
     * Gives each member {@code events} more events of earlier sign-ins: pairs of a session started (a copy of the member's
     * first one, with a session id of its own, a UUID as the service makes them) and ended (logout), appended after the member's last version in one
     * transaction. They are ordinary events: the relay publishes them and every consumer applies them.
     */
    private static void addHistory(ServiceProcess service, String workspaceId, List<String> emails, int events) throws Exception {
        String[] streams = emails.stream().map(e -> MemberKeys.streamId(workspaceId, MemberKeys.normalize(e))).toArray(String[]::new);
        long start = System.nanoTime();
        try (Connection db = service.database(); java.sql.PreparedStatement insert = db.prepareStatement(
                "INSERT INTO events (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                        + "SELECT gen_random_uuid(), t.stream_id, m.top + 2 * g + k, "
                        + "CASE k WHEN 1 THEN 'session.started.v1' ELSE 'session.ended.v1' END, t.workspace_id, "
                        + "CASE k WHEN 1 THEN jsonb_set(t.payload, '{sessionId}', to_jsonb(md5(t.stream_id || '/' || g)::uuid::text)) "
                        + "ELSE jsonb_build_object('sessionId', md5(t.stream_id || '/' || g)::uuid::text, 'reason', 'LOGOUT', "
                        + "'actor', t.payload -> 'actor', 'at', t.payload -> 'at') END, t.metadata, t.occurred_at "
                        + "FROM (SELECT DISTINCT ON (stream_id) * FROM events WHERE stream_id = ANY (?) AND type = 'session.started.v1' "
                        + "ORDER BY stream_id, version) t "
                        + "JOIN (SELECT stream_id, max(version) AS top FROM events WHERE stream_id = ANY (?) GROUP BY stream_id) m "
                        + "USING (stream_id) CROSS JOIN generate_series(0, ? - 1) AS g CROSS JOIN (VALUES (1), (2)) AS kind(k) "
                        + "ORDER BY t.stream_id, g, k")) {
            java.sql.Array array = db.createArrayOf("text", streams);
            insert.setArray(1, array);
            insert.setArray(2, array);
            insert.setInt(3, events / 2);
            int added = insert.executeUpdate();
            Stats.print("history: %d events added to %d members' streams in %.1f s".formatted(added, streams.length,
                    (System.nanoTime() - start) / 1e9));
        }
    }

    /** Until the relay and the audit projection (every event type) have caught up and no mail is due. */
    private static void awaitQuiet(ServiceProcess service) throws Exception {
        // long enough for the history phase's 60,000 added events (the relay sends a stream's events one after another)
        long deadline = System.currentTimeMillis() + 600_000;
        try (Connection db = service.database()) {
            while (System.currentTimeMillis() < deadline) {
                long behind = ReplicaChecks.single(db, "SELECT (SELECT count(*) FROM events e, subscription_checkpoints c WHERE c.name = "
                        + "'kafka-relay' AND (e.transaction_id, e.position) > (c.last_transaction_id, c.last_position)) "
                        + "+ (SELECT count(*) FROM notification_outbox WHERE status IN ('PENDING', 'SENDING') AND next_attempt_at <= now()) "
                        + "+ (SELECT coalesce(max(position), 0) FROM events) - (SELECT coalesce(max(position), 0) FROM audit_log)");
                if (behind <= 0) {
                    Thread.sleep(1_000); // the members and sessions projections and the expiry deadlines finish alongside
                    return;
                }
                Thread.sleep(200);
            }
        }
        Stats.print("WARNING: the background work was still behind after 600 s; the next figures include it");
    }

    private static void jcmd(ServiceProcess service, String... command) throws Exception {
        Path jcmd = Path.of(ServiceProcess.JAVA).resolveSibling("jcmd"); // the service's own JDK's (-Dservice.java)
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(service.process().pid())));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
        }
    }

    /** Whether the service records JFR execution samples (the stage and component tables); {@code -Dcost.jfr=false}: not. */
    private static final boolean JFR = !"false".equals(System.getProperty("cost.jfr"));

    static final String JAVA_THREADS = "Java threads (JFR samples these)";
    static final String LOAD_CLIENT = "load client (own process, apart)";

    /** Cumulative CPU by process (and this JVM's threads), rows written by table, statement calls. */
    private static final class Snapshot {
        final long wallNanos = System.nanoTime();
        final Map<String, Double> cpuMillis = new LinkedHashMap<>();
        final Map<String, Double> serviceThreads = new TreeMap<>();
        final Map<String, long[]> rows = new TreeMap<>();
        final Map<String, Long> calls = new HashMap<>();
        final Map<String, Double> execMillis = new HashMap<>();
        final Map<String, Double> postgresByKind = new TreeMap<>();
        double clientCpu;

        static Snapshot take(ServiceProcess service) throws Exception {
            Snapshot s = new Snapshot();
            s.cpuMillis.put(background == null ? "service" : "service: API replica", processCpu(service.process().pid()));
            if (background != null) {
                s.cpuMillis.put("service: background replica", processCpu(background.process().pid()));
            }
            try (var tasks = Files.list(Path.of("/proc/" + service.process().pid() + "/task"))) {
                for (Path task : tasks.toList()) {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String kind = name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("VM Periodic") ? "GC"
                            : name.startsWith("C1 ") || name.startsWith("C2 ") ? "JIT compiler"
                            : name.startsWith("JFR") ? "JFR" : name.equals("VM Thread") ? "VM thread (safepoints)" : JAVA_THREADS;
                    s.serviceThreads.merge(kind, processCpu(task), Double::sum);
                }
            }
            s.cpuMillis.put("PostgreSQL", postgresCpu(service, s.postgresByKind));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<String, Double> byGroup = new LinkedHashMap<>(Map.of("Kafka broker (this JVM)", 0.0, "SMTP (this JVM)", 0.0));
            double attributed = 0;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos <= 0) {
                    continue;
                }
                String name = info.getThreadName().toLowerCase();
                String group = name.contains("greenmail") || name.contains("smtp") ? "SMTP (this JVM)"
                        : name.matches(".*(kafka|broker|data-plane|controller|coordinator|raft|quorum|replica|log-cleaner|metadata|fetcher|purgatory|group|share|transaction).*")
                        ? "Kafka broker (this JVM)" : null;
                if (group != null) {
                    byGroup.merge(group, nanos / 1e6, Double::sum);
                    attributed += nanos / 1e6;
                }
            }
            s.cpuMillis.putAll(byGroup);
            s.cpuMillis.put("this JVM, other (GC, JIT, harness)", processCpu(ProcessHandle.current().pid()) - attributed);
            s.clientCpu = client == null ? 0 : processCpu(client.pid());
            try (Connection db = service.database(); Statement sql = db.createStatement()) {
                try (ResultSet r = sql.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")) {
                    while (r.next()) {
                        s.rows.put(r.getString(1), new long[]{r.getLong(2), r.getLong(3), r.getLong(4)});
                    }
                }
                try (ResultSet r = sql.executeQuery("SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110), sum(calls), "
                        + "sum(total_exec_time) FROM pg_stat_statements GROUP BY 1")) {
                    while (r.next()) {
                        s.calls.merge(r.getString(1), r.getLong(2), Long::sum);
                        s.execMillis.merge(r.getString(1), r.getDouble(3), Double::sum);
                    }
                }
            }
            return s;
        }

        /** utime + stime of a process, in ms (clock ticks of 10 ms). */
        static double processCpu(long pid) {
            return processCpu(Path.of("/proc/" + pid));
        }

        /** utime + stime of a process or thread (/proc/pid or /proc/pid/task/tid), in ms. */
        static double processCpu(Path proc) {
            try {
                String stat = Files.readString(proc.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
            } catch (Exception gone) {
                return 0;
            }
        }

        /**
         * The postmaster (postmaster.pid of the data directory) and every backend and helper it forked; by kind (the
         * process title PostgreSQL sets) into {@code byKind}. Processes that exited (autovacuum workers, backends of
         * closed connections) are only known as the postmaster's children's total.
         */
        static double postgresCpu(ServiceProcess service, Map<String, Double> byKind) throws Exception {
            Path pidFile = service.log.resolveSibling("postgres").resolve("postmaster.pid");
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            double total = processCpu(postmaster);
            byKind.merge("postmaster", total, Double::sum);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of())) {
                double cpu = processCpu(child.pid()) + childrenCpu(child.pid());
                byKind.merge(postgresKind(child.pid()), cpu, Double::sum);
                total += cpu;
            }
            double exited = childrenCpu(postmaster);
            byKind.merge("exited (autovacuum workers, closed connections)", exited, Double::sum);
            return total + exited;
        }

        /** "postgres: walwriter", "postgres: autovacuum worker", "postgres: postgres postgres 127.0.0.1(5433) idle" … */
        static String postgresKind(long pid) {
            try {
                String title = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
                String kind = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
                return kind.matches("^\\S+ \\S+ .*\\(\\d+\\).*") ? "backends (connections)" : kind.replaceAll("\\s.*\\d.*$", "");
            } catch (Exception gone) {
                return "exited (autovacuum workers, closed connections)";
            }
        }

        /** cutime + cstime: CPU of children that exited (backends of closed connections). */
        static double childrenCpu(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10.0;
            } catch (Exception gone) {
                return 0;
            }
        }
    }
}
