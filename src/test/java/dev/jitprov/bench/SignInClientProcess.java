package dev.jitprov.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load client of {@link SignInCost} in a JVM of its own, as issue 20 measures: the client's CPU (and its JIT's and
 * GC's) is then read from /proc for its own process and reported apart from the co-located parts it does not belong
 * to (the service, PostgreSQL, the JVM running Kafka and SMTP). In the harness's JVM it shared that JVM's JIT and GC
 * threads with the Kafka broker, which cannot be told apart.
 *
 * <p>One process for the whole run, so it is as warm in the measured phases as a long-running client: the harness
 * writes a phase's pre-signed responses to a file and sends one command line on the child's stdin; the child runs
 * {@link SignInLoad} and answers {@code done} on stdout once the phase's result file is written.
 */
final class SignInClientProcess implements AutoCloseable {

    private final Process process;
    private final BufferedWriter commands;
    private final BufferedReader answers;
    private final Path dir;
    private final Path log;
    private int phases;

    private SignInClientProcess(Process process, Path dir, Path log) {
        this.process = process;
        this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.dir = dir;
        this.log = log;
    }

    /** Starts the client JVM (serial collector, 384 MB heap: it holds one phase's responses) on this class's classes. */
    static SignInClientProcess start(String baseUrl, String workspaceId, Path dir) throws Exception {
        Path classes = Path.of(SignInClientProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("load-client.log");
        Process process = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-Xmx384m", "-cp", classes.toString(),
                SignInClientProcess.class.getName(), baseUrl, workspaceId)
                .redirectError(log.toFile()).start();
        return new SignInClientProcess(process, dir, log);
    }

    long pid() {
        return process.pid();
    }

    SignInLoad.Result closedLoop(List<String> responses, int inFlight) throws Exception {
        return run(responses, "closed", String.valueOf(inFlight));
    }

    SignInLoad.Result openLoop(List<String> responses, double perSecond, int maxInFlight) throws Exception {
        return run(responses, "open", String.valueOf(perSecond), String.valueOf(maxInFlight));
    }

    private SignInLoad.Result run(List<String> responses, String mode, String... parameters) throws Exception {
        int phase = ++phases;
        Path in = dir.resolve("load-client-" + phase + ".responses");
        Path out = dir.resolve("load-client-" + phase + ".result");
        Files.write(in, responses, StandardCharsets.US_ASCII);
        commands.write(String.join(" ", mode, in.toString(), out.toString(), String.join(" ", parameters)));
        commands.newLine();
        commands.flush();
        String answer = answers.readLine();
        if (!"done".equals(answer)) {
            throw new IllegalStateException("the load client answered " + answer + " instead of done; its log: " + log);
        }
        Files.delete(in);
        return read(out);
    }

    @Override
    public void close() throws Exception {
        commands.close(); // end of input: the child returns from main
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /**
     * The child: one command per stdin line, {@code closed <responses> <result> <inFlight>} or
     * {@code open <responses> <result> <perSecond> <maxInFlight>}.
     */
    public static void main(String[] args) throws Exception {
        SignInLoad load = new SignInLoad(args[0], args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.split(" ");
            List<String> responses = Files.readAllLines(Path.of(command[1]), StandardCharsets.US_ASCII);
            SignInLoad.Result result = switch (command[0]) {
                case "closed" -> load.closedLoop(responses, Integer.parseInt(command[3]));
                case "open" -> load.openLoop(responses, Double.parseDouble(command[3]), Integer.parseInt(command[4]));
                default -> throw new IllegalArgumentException("unknown command: " + line);
            };
            write(result, Path.of(command[2]));
            System.out.println("done");
            System.out.flush();
        }
        System.exit(0); // the HTTP client's threads are daemons, but its selector thread need not be
    }

    /** Tab-separated lines: {@code R seconds sent saturated}, {@code L latencyMs}, {@code O outcome count}, {@code A index ackAtMillis}. */
    private static void write(SignInLoad.Result result, Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.println("R\t" + result.seconds + "\t" + result.sent + "\t" + result.clientSaturated.get());
            result.latenciesMs.forEach(latency -> out.println("L\t" + latency));
            result.outcomes.forEach((outcome, count) -> out.println("O\t" + outcome + "\t" + count.sum()));
            result.acknowledgedAt.forEach((index, at) -> out.println("A\t" + index + "\t" + at));
        }
    }

    private static SignInLoad.Result read(Path file) throws IOException {
        SignInLoad.Result result = new SignInLoad.Result();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "R" -> {
                    result.seconds = Double.parseDouble(f[1]);
                    result.sent = Integer.parseInt(f[2]);
                    result.clientSaturated.set(Integer.parseInt(f[3]));
                }
                case "L" -> result.latenciesMs.add(Double.parseDouble(f[1]));
                case "O" -> result.outcomes.computeIfAbsent(f[1], k -> new LongAdder()).add(Long.parseLong(f[2]));
                case "A" -> result.acknowledgedAt.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                default -> throw new IllegalStateException("unexpected line in " + file + ": " + line);
            }
        }
        Files.delete(file);
        return result;
    }
}
