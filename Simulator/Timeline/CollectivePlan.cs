namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// Numbers every data-parallel collective of a step, stage by stage, so that all replicas of a stage name the same collective
/// the same way: ZeRO-1/2 weight gathers, then each chunk's gradient buckets, then the reduction after the backward, then
/// ZeRO-3's gather (2i) and scatter (2i + 1) of each pass i of the stage's schedule.
/// </summary>
internal sealed class CollectivePlan
{
    public readonly double[] Seconds;
    public readonly int[] Pieces;
    public readonly WorkKind[] Kind;
    /// <summary>Stage, chunk and (for ZeRO-3's per-pass collectives) micro-batch of each collective; −1 when it serves no single micro-batch.</summary>
    public readonly int[] Stage, Chunk, MicroBatch;
    /// <summary>First collective of each stage; stage s owns [StageBase[s], StageBase[s + 1]).</summary>
    public readonly int[] StageBase;
    public readonly int[] WeightGatherBase, WeightGatherCount, AfterBackward, BlockBase;
    public readonly int[][] BucketBase;
    /// <summary>Collectives that carry gradients, which the optimizer step waits for, per stage.</summary>
    public readonly int[] GradientCollectives;

    public CollectivePlan(StepWorkload w, PipelineOp[][] order)
    {
        int p = w.Stages, v = w.Chunks, n = w.OpsPerGroup;
        StageBase = new int[p + 1];
        WeightGatherBase = new int[p];
        WeightGatherCount = new int[p];
        AfterBackward = new int[p];
        BlockBase = new int[p];
        BucketBase = new int[p][];
        GradientCollectives = new int[p];
        var seconds = new List<double>();
        var pieces = new List<int>();
        var kind = new List<WorkKind>();
        var stage = new List<int>();
        var chunk = new List<int>();
        var microBatch = new List<int>();
        int current = 0;

        for (int s = 0; s < p; s++)
        {
            current = s;
            StageBase[s] = seconds.Count;
            AfterBackward[s] = BlockBase[s] = -1;
            BucketBase[s] = new int[v];
            var traffic = s < w.Traffic.Length ? w.Traffic[s] : null;
            if (traffic is null) continue;

            WeightGatherBase[s] = seconds.Count;
            if (traffic.WeightGather.Length > 0)
            {
                if (traffic.Overlap)
                {
                    for (int c = 0; c < traffic.WeightGather.Length; c++) Add(traffic.WeightGather[c].Seconds, traffic.WeightGather[c].Pieces, WorkKind.WeightGather, c);
                }
                else
                {
                    Add(traffic.WeightGather.Sum(g => g.Seconds), 1, WorkKind.WeightGather, 0);
                }
                WeightGatherCount[s] = seconds.Count - WeightGatherBase[s];
            }
            for (int c = 0; c < v; c++)
            {
                BucketBase[s][c] = seconds.Count;
                if (c >= traffic.Buckets.Length) continue;
                foreach (var bucket in traffic.Buckets[c]) Add(bucket.Seconds, 1, WorkKind.GradientReduce, c);
                GradientCollectives[s] += traffic.Buckets[c].Length;
            }
            if (traffic.ReductionAfterBackward > 0)
            {
                AfterBackward[s] = seconds.Count;
                Add(traffic.ReductionAfterBackward, 1, WorkKind.GradientReduce, 0);
                GradientCollectives[s]++;
            }
            if (traffic.BlockGather.Length > 0)
            {
                BlockBase[s] = seconds.Count;
                for (int i = 0; i < n; i++)
                {
                    var op = order[s][i];
                    var gather = traffic.BlockGather[op.Chunk];
                    var scatter = traffic.BlockScatter[op.Chunk];
                    Add(gather.Seconds, traffic.Overlap ? gather.Pieces : 1, WorkKind.WeightGather, op.Chunk, op.MicroBatch);
                    Add(op.IsForward ? 0 : scatter.Seconds, traffic.Overlap ? scatter.Pieces : 1, WorkKind.GradientScatter, op.Chunk, op.MicroBatch);
                    if (!op.IsForward) GradientCollectives[s]++;
                }
            }
        }
        StageBase[p] = seconds.Count;
        Seconds = [.. seconds];
        Pieces = [.. pieces];
        Kind = [.. kind];
        Stage = [.. stage];
        Chunk = [.. chunk];
        MicroBatch = [.. microBatch];

        void Add(double time, int parts, WorkKind what, int c, int j = -1)
        {
            microBatch.Add(j);
            seconds.Add(time);
            pieces.Add(Math.Max(1, parts));
            kind.Add(what);
            stage.Add(current);
            chunk.Add(c);
        }
    }

    public int Count => Seconds.Length;

    public bool CarriesGradients(int slot) => Kind[slot] is WorkKind.GradientReduce or WorkKind.GradientScatter;
}
