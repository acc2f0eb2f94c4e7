package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HedgeRaceTest {
    @Test
    void theFirstAnswerWinsAndTheLosersIsDropped() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> race = new HedgeRace<>(settled::incrementAndGet);
        assertThat(race.startHedge(() -> true)).isTrue();
        race.answered("hedge");
        assertThat(race.winner().get()).isEqualTo("hedge");
        assertThat(settled).as("the hedge is settled only once both requests returned").hasValue(0);
        race.answered("first, too late");
        assertThat(race.winner().get()).isEqualTo("hedge");
        assertThat(settled).hasValue(1);
    }

    @Test
    void aFailureCountsOnlyOnceBothRequestsFailedAndThenTheFirstFailureIsReported() {
        HedgeRace<String> race = new HedgeRace<>(null);
        race.startHedge(() -> true);
        race.failed(new IllegalStateException("first failure"));
        assertThat(race.winner()).isNotDone();
        race.failed(new IllegalStateException("second failure"));
        assertThatThrownBy(() -> race.winner().get()).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("first failure");

        HedgeRace<String> rescued = new HedgeRace<>(null);
        rescued.startHedge(() -> true);
        rescued.failed(new IllegalStateException("first failure"));
        rescued.answered("hedge");
        assertThat(rescued.winner()).isCompletedWithValue("hedge");
    }

    @Test
    void noHedgeOnceDecidedTwiceOrRefusedAndNothingToSettleWithoutOne() {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> refused = new HedgeRace<>(settled::incrementAndGet);
        assertThat(refused.startHedge(() -> false)).isFalse();
        assertThat(refused.hedged()).isFalse();
        refused.answered("alone");
        assertThat(refused.winner()).isCompletedWithValue("alone");
        assertThat(settled).as("nothing was taken for a hedge").hasValue(0);

        HedgeRace<String> twice = new HedgeRace<>(null);
        assertThat(twice.startHedge(() -> true)).isTrue();
        assertThat(twice.startHedge(() -> true)).isFalse();

        HedgeRace<String> decided = new HedgeRace<>(null);
        decided.answered("fast");
        AtomicInteger asked = new AtomicInteger();
        assertThat(decided.startHedge(() -> asked.incrementAndGet() > 0)).isFalse();
        assertThat(asked).as("no permit is taken for a race already decided").hasValue(0);

        HedgeRace<String> failedAlone = new HedgeRace<>(null);
        failedAlone.failed(new IllegalStateException("no hedge to wait for"));
        assertThat(failedAlone.winner()).isCompletedExceptionally();
        assertThat(failedAlone.startHedge(() -> true)).isFalse();
    }

    @Test
    void theLoserIsInterruptedOnceAnotherAnswersAndItsThreadGoesOnClean() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> race = new HedgeRace<>(settled::incrementAndGet);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch neverReleased = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean cleanAfter = new AtomicBoolean();
        Thread primary = new Thread(() -> {
            race.run(() -> {
                started.countDown();
                try {
                    neverReleased.await();
                    return "never";
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            });
            cleanAfter.set(!Thread.currentThread().isInterrupted());
        });
        primary.start();
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(race.startHedge(() -> true)).isTrue();
        race.run(() -> "hedge");
        assertThat(race.winner().get()).isEqualTo("hedge");
        primary.join(30_000);
        assertThat(primary.isAlive()).isFalse();
        assertThat(interrupted).as("the slower request was interrupted").isTrue();
        assertThat(cleanAfter).as("the interrupt does not outlive the request").isTrue();
        assertThat(settled).as("the hedge's permit comes back once both returned").hasValue(1);
        assertThat(Thread.currentThread().isInterrupted()).as("the winner's thread is not interrupted").isFalse();
    }

    @Test
    void aRequestStartingAfterTheRaceWasDecidedIsNotSent() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> race = new HedgeRace<>(settled::incrementAndGet);
        assertThat(race.startHedge(() -> true)).isTrue();
        race.answered("first");
        AtomicInteger sent = new AtomicInteger();
        race.run(() -> "hedge #" + sent.incrementAndGet());
        assertThat(sent).as("decided before it started: not sent").hasValue(0);
        assertThat(race.winner().get()).isEqualTo("first");
        assertThat(settled).hasValue(1);
    }

    @Test
    void upToMaxHedgesAreSentAndEachGivesBackWhatItTookOnceAllReturned() throws Exception {
        AtomicInteger settled = new AtomicInteger();
        HedgeRace<String> race = new HedgeRace<>(2, settled::incrementAndGet);
        assertThat(race.startHedge(() -> true)).isTrue();
        assertThat(race.startHedge(() -> true)).isTrue();
        assertThat(race.startHedge(() -> true)).as("two at most").isFalse();
        assertThat(race.hedges()).isEqualTo(2);
        race.failed(new IllegalStateException("first hedge: a gateway timeout"));
        race.answered("second hedge");
        assertThat(race.winner().get()).isEqualTo("second hedge");
        assertThat(settled).as("the primary is still out").hasValue(0);
        race.failed(new IllegalStateException("primary, interrupted"));
        assertThat(settled).hasValue(2);
        assertThatThrownBy(() -> new HedgeRace<String>(0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxHedges must be >= 1, found 0");
    }
}
