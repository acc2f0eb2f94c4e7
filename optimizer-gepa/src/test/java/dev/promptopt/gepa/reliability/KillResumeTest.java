package dev.promptopt.gepa.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM running a GEPA optimization is killed with SIGKILL at seeded random moments and resumed each
 * time: it ends with the uninterrupted run's result, every reflection prompt is byte-identical to the
 * uninterrupted run's, and the calls made twice (counted by the server) never exceed the calls in flight at
 * the kills.
 *
 * <p>A kill point is a request count: when the child's n-th request reaches the server, the server holds every
 * answer not yet written and the child is killed. "In flight at a kill" is then exact: the requests received
 * and not answered, plus the answers delivered whose results the child had not yet saved: delivered task
 * answers minus the journal lines the child wrote, and a delivered reflection answer the checkpoint does not
 * hold yet (the run is sequential, so that can only be the last answer, given after the checkpoint of its
 * proposal's parent minibatch).
 */
class KillResumeTest {
    private static final Logger log = LoggerFactory.getLogger(KillResumeTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void aRunKilledAtRandomMomentsEndsAsTheUninterruptedRunRepeatingOnlyCallsInFlight() throws Exception {
        Path whole = dir.resolve("whole");
        WordTaskServer.Stats wholeStats;
        try (WordTaskServer server = new WordTaskServer(0, 0.0)) {
            Process p = child(server.baseUrl(), whole, "r", "run");
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output(whole)).isZero();
            wholeStats = server.stats();
        }
        JsonNode expected = result(whole);
        int total = wholeStats.requests();
        assertThat(wholeStats.resent()).isZero();
        assertThat(wholeStats.answeredReflection()).isGreaterThanOrEqualTo(3);

        Path killed = dir.resolve("killed");
        Path journal = killed.resolve("runs/r/evaluations.jsonl");
        Random rng = new Random(20261129);
        int kills = 0;
        int inFlightAtKills = 0;
        List<String> killLog = new ArrayList<>();
        WordTaskServer.Stats end;
        try (WordTaskServer server = new WordTaskServer(0, 0.0)) {
            String mode = "run";
            while (kills < KILLS) {
                // Kill once this child has sent between 1 and a sixth of a whole run's requests.
                int killAfter = 1 + rng.nextInt(Math.max(1, total / 6));
                WordTaskServer.Stats before = server.stats();
                long linesBefore = lines(journal);
                CountDownLatch reached = new CountDownLatch(1);
                AtomicInteger firstOfChild = new AtomicInteger(before.requests());
                server.onRequest(n -> {
                    if (n == firstOfChild.get() + killAfter) {
                        server.freeze(); // no answer leaves the server until the child is dead
                        reached.countDown();
                    }
                });
                Process p = child(server.baseUrl(), killed, "r", mode);
                mode = "resume";
                if (!awaitEither(reached, p)) {
                    break; // the run ended before this kill point
                }
                p.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                WordTaskServer.Stats at = server.stats();
                long journaled = lines(journal) - linesBefore;
                int unanswered = at.inFlight();
                int deliveredNotJournaled = (int) ((at.answeredTask() - before.answeredTask()) - journaled);
                assertThat(deliveredNotJournaled).isGreaterThanOrEqualTo(0);
                int reflectionNotSaved = at.answeredReflection() > before.answeredReflection()
                        && at.lastAnsweredReflection() && reflectionAwaitsCheckpoint(killed.resolve("runs/r/checkpoint.json"))
                        ? 1 : 0;
                inFlightAtKills += unanswered + deliveredNotJournaled + reflectionNotSaved;
                kills++;
                killLog.add("kill " + kills + " at request " + (before.requests() + killAfter) + ": " + unanswered
                        + " unanswered + " + deliveredNotJournaled + " answered but not journaled + "
                        + reflectionNotSaved + " reflection answered but not checkpointed");
                server.onRequest(n -> { });
                server.thawDiscardingHeld();
            }
            server.onRequest(n -> { });
            Process last = child(server.baseUrl(), killed, "r", "resume");
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as(output(killed)).isZero();
            end = server.stats();
        }
        log.info("kill -9 suite: {} kills; {}; {} requests in the killed run vs {} uninterrupted; {} requests made "
                + "again ({} of them answered twice), {} calls in flight at the kills", kills, killLog, end.requests(),
                total, end.resent(), end.repeated(), inFlightAtKills);

        assertThat(kills).isGreaterThanOrEqualTo(5);
        JsonNode actual = result(killed);
        for (String field : List.of("bestTemplates", "initialScore", "finalScore", "metricCalls", "candidates")) {
            assertThat(actual.get(field)).as(field).isEqualTo(expected.get(field));
        }
        assertThat(end.resent()).isLessThanOrEqualTo(inFlightAtKills);
        assertThat(end.repeated()).isLessThanOrEqualTo(end.resent());
        assertThat(end.requests() - end.resent()).as("distinct calls").isEqualTo(total);
        // Every reflection prompt equals the uninterrupted run's, byte for byte (a prompt repeated after a kill
        // is the same prompt sent again).
        assertThat(distinctInOrder(end.reflectionPrompts())).isEqualTo(wholeStats.reflectionPrompts());
    }

    private static List<String> distinctInOrder(List<String> prompts) {
        List<String> out = new ArrayList<>();
        for (String p : prompts) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** True when the latch was reached while the process lived; false when the process ended first. */
    private static boolean awaitEither(CountDownLatch reached, Process p) throws InterruptedException {
        while (true) {
            if (reached.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!p.isAlive()) {
                assertThat(p.exitValue()).isZero();
                return reached.getCount() == 0;
            }
        }
    }

    /**
     * Whether the GEPA checkpoint stops after a proposal's parent minibatch, before its reflection output was
     * saved: a reflection answered after it is not saved and will be asked again.
     */
    private static boolean reflectionAwaitsCheckpoint(Path checkpoint) throws IOException {
        if (!Files.exists(checkpoint)) {
            return false;
        }
        JsonNode saved = JSON.readTree(checkpoint.toFile());
        JsonNode lastStep = saved.findValue("lastStep");
        JsonNode inFlight = saved.findValue("inFlight");
        if (lastStep == null || !"minibatch".equals(lastStep.asText()) || inFlight == null || inFlight.isEmpty()) {
            return false;
        }
        JsonNode outputs = inFlight.get(0).path("reflectionOutputs");
        return outputs.isObject() && outputs.isEmpty();
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static JsonNode result(Path folder) throws IOException {
        return JSON.readTree(folder.resolve("runs/r/result.json").toFile());
    }

    private static String output(Path folder) {
        try {
            return Files.readString(folder.resolve("child.log"));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static Process child(String baseUrl, Path folder, String runId, String mode) throws IOException {
        Files.createDirectories(folder);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), WordTaskChild.class.getName(),
                baseUrl, folder.toString(), runId, mode);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("child.log").toFile())).start();
    }
}
