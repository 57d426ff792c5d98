package dev.jitprov.projection;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The read-side projections: consumers, rebuild and the audit export. */
@ConfigMapping(prefix = "jit.projections")
public interface ProjectionsConfig {

    /** Events replayed from the store per rebuild transaction (bigger batches rebuild faster, hold locks longer). */
    @WithDefault("5000")
    int rebuildBatchSize();

    /**
     * Transactions a rebuild applies each batch in, at once, split by member (1 = one transaction per batch). On the
     * 2-core benchmark machine 2 gave nothing (CPU-bound already); worth trying where PostgreSQL has cores to spare.
     */
    @WithDefault("1")
    int rebuildParallelism();

    /** First wait before retrying an event whose transaction failed for a transient reason (database down). */
    @WithDefault("PT0.1S")
    Duration retryInitialBackoff();

    /** Longest wait between retries; retries never give up, so an event is never dropped for a transient failure. */
    @WithDefault("PT5S")
    Duration retryMaxBackoff();

    /** How often a consumer paused by a rebuild looks whether the rebuild is done. */
    @WithDefault("PT0.2S")
    Duration rebuildPausePoll();

    /** Rows read per query while streaming an audit export (keyset pagination). */
    @WithDefault("1000")
    int exportBatchSize();

    /** How often the lag gauges are refreshed from the store. */
    @WithDefault("5s")
    String lagRefreshEvery();
}
