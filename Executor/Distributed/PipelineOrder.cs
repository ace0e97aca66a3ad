using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>One unit of pipeline work: the forward or the backward pass of one micro-batch through one of this stage's model chunks.</summary>
public readonly record struct PipelineTask(bool Forward, int MicroBatch, int Chunk = 0);

/// <summary>
/// The order in which one stage runs its micro-batches. GPipe (Huang et al. 2019): every forward, then every backward.
/// 1F1B (PipeDream-Flush, Narayanan et al. 2021, §2): stage s of p runs min(p − s − 1, m) forwards to fill the pipeline, then
/// alternates one forward and one backward, then drains the remaining backwards, so at most p − s activations are alive.
/// Interleaved 1F1B (Narayanan et al. SC21 §2.2.2) as Megatron-Core schedules it (forward_backward_pipelining_with_interleaving):
/// micro-batches go through the vp chunks in groups of p (get_schedule_table: for each group, chunk 0 for every micro-batch of
/// the group, then chunk 1, …), the k-th backward takes the k-th forward's micro-batch through chunk vp − 1 − c, stage s warms up
/// with 2·(p − s − 1) + (vp − 1)·p forwards (all of them when m = p), then alternates.
/// </summary>
public static class PipelineOrder
{
    public static IReadOnlyList<PipelineTask> For(PipelineSchedule schedule, int stage, int stages, int microBatches, int chunks = 1)
    {
        if (schedule == PipelineSchedule.Interleaved) return Interleaved(stage, stages, microBatches, chunks);
        int warmup = schedule == PipelineSchedule.GPipe ? microBatches : Math.Min(stages - stage - 1, microBatches);
        var forwards = Enumerable.Range(0, microBatches).Select(m => new PipelineTask(true, m)).ToList();
        return Alternate(forwards, [.. forwards.Select(f => f with { Forward = false })], warmup);
    }

    private static List<PipelineTask> Interleaved(int stage, int stages, int microBatches, int chunks)
    {
        var table = new List<(int MicroBatch, int Chunk)>(microBatches * chunks);
        for (int group = 0; group < microBatches; group += stages)
        {
            int end = Math.Min(group + stages, microBatches);
            for (int chunk = 0; chunk < chunks; chunk++)
                for (int m = group; m < end; m++) table.Add((m, chunk));
        }
        int total = table.Count;
        int warmup = microBatches == stages ? total : Math.Min(2 * (stages - stage - 1) + (chunks - 1) * stages, total);
        return Alternate([.. table.Select(t => new PipelineTask(true, t.MicroBatch, t.Chunk))],
            [.. table.Select(t => new PipelineTask(false, t.MicroBatch, chunks - 1 - t.Chunk))], warmup);
    }

    /// <summary>The first <paramref name="warmup"/> forwards, then one forward and one backward in turn, then the remaining backwards.</summary>
    private static List<PipelineTask> Alternate(IReadOnlyList<PipelineTask> forwards, IReadOnlyList<PipelineTask> backwards, int warmup)
    {
        var order = new List<PipelineTask>(forwards.Count + backwards.Count);
        int f = 0, b = 0;
        for (; f < warmup; f++) order.Add(forwards[f]);
        while (f < forwards.Count)
        {
            order.Add(forwards[f++]);
            order.Add(backwards[b++]);
        }
        while (b < backwards.Count) order.Add(backwards[b++]);
        return order;
    }
}
