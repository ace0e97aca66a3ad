using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>The order in which one pipeline stage runs its forward and backward passes, as each schedule was published.</summary>
public static class PipelineSchedules
{
    /// <summary>The passes of <paramref name="stage"/> (of <paramref name="stages"/>) for one step of <paramref name="microBatches"/> micro-batches through <paramref name="chunks"/> model chunks.</summary>
    public static PipelineOp[] Order(PipelineSchedule schedule, int stages, int chunks, int microBatches, int stage)
    {
        if (stage < 0 || stage >= stages) throw new ArgumentOutOfRangeException(nameof(stage), $"stage {stage} is not in [0, {stages})");
        return schedule switch
        {
            PipelineSchedule.GPipe => GPipe(chunks, microBatches),
            PipelineSchedule.OneFOneB => OneFOneB(stages, chunks, microBatches, stage),
            _ => Interleaved(stages, chunks, microBatches, stage),
        };
    }

    /// <summary>
    /// GPipe (Huang et al. 2019): every forward, then every backward, in micro-batch order as drawn in Narayanan et al. SC21 Fig. 3
    /// and run by PyTorch's ScheduleGPipe.
    /// </summary>
    private static PipelineOp[] GPipe(int chunks, int m)
    {
        RequireOneChunk(chunks, "gpipe");
        var order = new PipelineOp[2 * m];
        for (int j = 0; j < m; j++)
        {
            order[j] = new PipelineOp(PipelinePass.Forward, 0, j);
            order[m + j] = new PipelineOp(PipelinePass.Backward, 0, j);
        }
        return order;
    }

    /// <summary>
    /// 1F1B, PipeDream-Flush (Narayanan et al. ICML 2021; SC21 §2.2.1, Fig. 4 top): stage s runs min(p − s − 1, m) warm-up forwards,
    /// then alternates one forward and one backward, then drains the remaining backwards (Megatron-LM
    /// forward_backward_pipelining_without_interleaving).
    /// </summary>
    private static PipelineOp[] OneFOneB(int stages, int chunks, int m, int stage)
    {
        RequireOneChunk(chunks, "1f1b");
        int warmup = Math.Min(stages - stage - 1, m), steady = m - warmup, k = 0;
        var order = new PipelineOp[2 * m];
        for (int j = 0; j < warmup; j++) order[k++] = new PipelineOp(PipelinePass.Forward, 0, j);
        for (int i = 0; i < steady; i++)
        {
            order[k++] = new PipelineOp(PipelinePass.Forward, 0, warmup + i);
            order[k++] = new PipelineOp(PipelinePass.Backward, 0, i);
        }
        for (int j = steady; j < m; j++) order[k++] = new PipelineOp(PipelinePass.Backward, 0, j);
        return order;
    }

    /// <summary>
    /// Interleaved 1F1B (Narayanan et al. SC21 §2.2.2, Fig. 4 bottom), as Megatron-LM core runs it (schedules.py,
    /// get_schedule_table and get_pp_rank_microbatches with microbatch_group_size_per_vp_stage = p): virtual micro-batch k
    /// takes the k-th entry of a table that walks groups of p micro-batches through chunk 0, 1, …, v−1 in turn; the backward
    /// of entry k runs chunk v−1−c. Stage s warms up with 2(p − s − 1) + (v − 1)·p forwards (all of them when that reaches
    /// m·v), then alternates forward k + warm-up with backward k, then drains.
    /// </summary>
    private static PipelineOp[] Interleaved(int stages, int chunks, int m, int stage)
    {
        int total = m * chunks, group = stages;
        var table = new (int MicroBatch, int Chunk)[total];
        int t = 0;
        for (int first = 0; first < m; first += group)
        {
            int last = first + group >= m ? m : first + group; // the last group takes every micro-batch left
            for (int c = 0; c < chunks; c++)
                for (int j = first; j < last; j++) table[t++] = (j, c);
            if (last == m) break;
        }

        int warmup = Math.Min(2 * (stages - stage - 1) + (chunks - 1) * group, total), steady = total - warmup, k = 0;
        var order = new PipelineOp[2 * total];
        for (int i = 0; i < warmup; i++) order[k++] = Forward(i);
        for (int i = 0; i < steady; i++)
        {
            order[k++] = Forward(warmup + i);
            order[k++] = Backward(i);
        }
        for (int i = steady; i < total; i++) order[k++] = Backward(i);
        return order;

        PipelineOp Forward(int i) => new(PipelinePass.Forward, table[i].Chunk, table[i].MicroBatch);
        PipelineOp Backward(int i) => new(PipelinePass.Backward, chunks - 1 - table[i].Chunk, table[i].MicroBatch);
    }

    private static void RequireOneChunk(int chunks, string schedule)
    {
        if (chunks != 1) throw new Specs.SpecException("layout.vp", $"vp={chunks} needs schedule=interleaved, not {schedule}");
    }
}
