package io.replicarouter.bench;

import java.time.Duration;

/** How busy the machine is before a run: the share of the cores that other processes take. */
public final class QuietCheck {

    private QuietCheck() {
    }

    /**
     * Watches {@code /proc/stat} for {@code time} while this JVM idles, and returns the busy share of the cores
     * minus this JVM's own, in percent (0 where /proc cannot be read).
     *
     * @param time how long to watch
     * @return the other processes' share of all cores, in percent
     * @throws InterruptedException when interrupted while watching
     */
    public static double othersPercent(Duration time) throws InterruptedException {
        long[] m0 = ProcCpu.machine();
        long[] self0 = ProcCpu.userAndSystem(ProcessHandle.current().pid());
        Thread.sleep(time.toMillis());
        long[] m1 = ProcCpu.machine();
        long[] self1 = ProcCpu.userAndSystem(ProcessHandle.current().pid());
        long total = m1[1] - m0[1];
        if (total <= 0) {
            return 0;
        }
        long self = (self1[0] + self1[1]) - (self0[0] + self0[1]);
        return Math.max(0, 100.0 * (m1[0] - m0[0] - self) / total);
    }
}
