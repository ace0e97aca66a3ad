using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// The valid values of each layout dimension for one model on one cluster, generated from divisors so that no invalid
/// candidate is ever built (Calculon's approach). Redundant variants are not generated either: with one data-parallel rank,
/// ZeRO, compression and overlap change nothing (only zero=0, compress=none, overlap=on); a bf16 cast of gradients that are
/// already half precision changes nothing; with fused attention selective recomputation is no recomputation; and with one stage GPipe and 1F1B are the same schedule (only 1f1b).
/// </summary>
public sealed class LayoutSpace
{
    private readonly ModelSpec model;
    private readonly TrainingSpec training;
    private readonly ClusterSpec cluster;
    private readonly SearchSpace search;

    public LayoutSpace(ModelSpec model, TrainingSpec training, ClusterSpec cluster, SearchSpace search)
    {
        this.model = model;
        this.training = training;
        this.cluster = cluster;
        this.search = search;
        int devices = cluster.Devices;
        var deviceDivisors = Divisors(devices);

        var tpCandidates = search.Tp ?? [.. deviceDivisors.Where(tp => search.TpAcrossNodes || tp <= cluster.DevicesPerNode)];
        Tp = [.. tpCandidates.Where(tp => model.Heads % tp == 0 && (model.KvHeads % tp == 0 || tp % model.KvHeads == 0))];
        var ppCandidates = search.Pp ?? deviceDivisors;
        Pp = [.. ppCandidates.Where(pp => model.Layers % pp == 0)];
        var cpCandidates = search.Cp ?? [.. deviceDivisors.Where(cp => model.SequenceLength / cp >= Math.Min(search.MinTokensPerContextRank, model.SequenceLength))];
        Cp = [.. cpCandidates.Where(cp => model.SequenceLength % cp == 0)];
        Precisions = [.. (search.Precision ?? PrecisionFacts.All).Where(cluster.Accelerator.Supports)];
        DivisibilityExcluded = tpCandidates.Length - Tp.Length + ppCandidates.Length - Pp.Length + cpCandidates.Length - Cp.Length;
    }

    public int[] Tp { get; }
    public int[] Pp { get; }
    public int[] Cp { get; }
    public Precision[] Precisions { get; }
    /// <summary>Values of tp, pp and cp left out because they do not divide heads, layers or the sequence.</summary>
    public long DivisibilityExcluded { get; }

    /// <summary>The data-parallel degree for a split, or 0 when tp·cp·pp does not divide the devices.</summary>
    public int DataParallel(int tp, int cp, int pp)
    {
        int devices = cluster.Devices, split = tp * cp * pp;
        return devices % split == 0 ? devices / split : 0;
    }

    /// <summary>Whether the scenario's search allows this data-parallel degree.</summary>
    public bool Allows(int dp) => search.Dp is null || search.Dp.Contains(dp);

    /// <summary>Whether dp replicas can share the global batch evenly.</summary>
    public bool DividesBatch(int dp) => training.GlobalBatchSize % dp == 0;

    /// <summary>Micro-batch sizes for a data-parallel degree: the divisors of the per-replica batch.</summary>
    public int[] MicroBatches(int dp)
    {
        if (!DividesBatch(dp)) return [];
        var sizes = Divisors(training.GlobalBatchSize / dp);
        return search.MicroBatch is null ? sizes : [.. sizes.Where(search.MicroBatch.Contains)];
    }

    /// <summary>Virtual stages: 1, and with pp ≥ 2 every divisor ≥ 2 of the layers per stage (the interleaved schedule).</summary>
    public int[] VirtualStages(int pp)
    {
        var values = pp == 1 ? [1] : Divisors(model.Layers / pp);
        return search.Vp is null ? values : [.. values.Where(search.Vp.Contains)];
    }

    public PipelineSchedule[] Schedules(int pp, int vp)
    {
        PipelineSchedule[] valid = vp > 1 ? [PipelineSchedule.Interleaved] : pp == 1 ? [PipelineSchedule.OneFOneB] : [PipelineSchedule.GPipe, PipelineSchedule.OneFOneB];
        return [.. valid.Where(search.Schedule.Contains)];
    }

    public bool[] SequenceParallel(int tp) => tp == 1 ? (search.Sp.Contains(false) ? [false] : []) : search.Sp;

    public int[] ZeroStages(int dataShards) => dataShards == 1 ? (search.Zero.Contains(0) ? [0] : []) : search.Zero;

    /// <summary>Compression needs data-parallel traffic; a bf16 cast changes nothing when the gradients are already half precision.</summary>
    public GradientCompression[] Compressions(int dataShards, Precision precision) =>
        dataShards == 1 ? (search.Compression.Contains(GradientCompression.None) ? [GradientCompression.None] : [])
        : precision.IsMixed() ? [.. search.Compression.Where(c => c.Kind != CompressionKind.Bf16)]
        : search.Compression;

    public bool[] Overlaps(int dataShards) => dataShards == 1 ? (search.Overlap.Contains(true) ? [true] : []) : search.Overlap;

    /// <summary>With fused attention nothing of the attention core is stored, so selective recomputation is the same as none.</summary>
    public RecomputeMode[] Recompute => training.FlashAttention && search.Recompute.Contains(RecomputeMode.None)
        ? [.. search.Recompute.Where(r => r != RecomputeMode.Selective)]
        : search.Recompute;

    public OptimizerKind[] Optimizers => search.Optimizer;

    public static int[] Divisors(int n)
    {
        var result = new List<int>();
        for (int d = 1; d <= n; d++)
        {
            if (n % d == 0) result.Add(d);
        }
        return [.. result];
    }
}
