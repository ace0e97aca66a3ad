using ScalePlanner.Planner.Scenarios;
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
    private readonly Dictionary<int, StageChoice[]> splits;

    /// <summary>One way to split the layers over pp stages (0, 0: even) and the virtual-stage counts it allows.</summary>
    public readonly record struct StageChoice(int FirstStageLayers, int LastStageLayers, int[] VirtualStages);

    public LayoutSpace(ModelSpec model, TrainingSpec training, ClusterSpec cluster, SearchSpace search)
    {
        this.model = model;
        this.training = training;
        this.cluster = cluster;
        this.search = search;
        int devices = cluster.Devices;
        var deviceDivisors = LayoutRules.Divisors(devices);

        var tpCandidates = search.Tp ?? [.. deviceDivisors.Where(tp => search.TpAcrossNodes || tp <= cluster.DevicesPerNode)];
        Tp = [.. tpCandidates.Where(tp => LayoutRules.TpSplitsHeads(model, tp) && LayoutRules.TpFitsKvHeads(model, tp))];
        var ppCandidates = search.Pp ?? deviceDivisors;
        splits = ppCandidates.ToDictionary(pp => pp, StageSplitsOf);
        Pp = [.. ppCandidates.Where(pp => splits[pp].Length > 0)];
        var cpCandidates = search.Cp ?? [.. deviceDivisors.Where(cp => model.SequenceLength / cp >= Math.Min(search.MinTokensPerContextRank, model.SequenceLength))];
        Cp = [.. cpCandidates.Where(cp => LayoutRules.CpSplitsSequence(model, cp))];
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
    public int DataParallel(int tp, int cp, int pp) => LayoutRules.DataParallel(cluster.Devices, tp, cp, pp);

    /// <summary>Whether the scenario's search allows this data-parallel degree.</summary>
    public bool Allows(int dp) => search.Dp is null || search.Dp.Contains(dp);

    /// <summary>Whether dp replicas can share the global batch evenly.</summary>
    public bool DividesBatch(int dp) => LayoutRules.SplitsBatch(training.GlobalBatchSize, dp);

    /// <summary>Micro-batch sizes for a data-parallel degree: the divisors of the per-replica batch.</summary>
    public int[] MicroBatches(int dp)
    {
        var sizes = LayoutRules.MicroBatchSizes(training.GlobalBatchSize, dp);
        return search.MicroBatch is null ? sizes : [.. sizes.Where(search.MicroBatch.Contains)];
    }

    /// <summary>The stage splits of pp stages, each with its virtual-stage counts.</summary>
    public StageChoice[] StageSplits(int pp) => splits[pp];

    /// <summary>
    /// Even stages when pp divides the layers, and the uneven splits whose first and last stage hold up to two layers fewer than
    /// a middle stage (layers moved off the embedding's and the head's stage, as Llama 3 405B's 126 layers on 16 stages were,
    /// Dubey et al. 2024 §3.3.2; with pp = 2, the two stages differ by up to two layers). Each with virtual stages: 1, and with
    /// pp ≥ 2 every count ≥ 2 the split allows (<see cref="StageSplit"/>).
    /// </summary>
    private StageChoice[] StageSplitsOf(int pp)
    {
        int layers = model.Layers;
        var pairs = new List<(int First, int Last)>();
        if (layers % pp == 0) pairs.Add((0, 0));
        for (int fewerFirst = 0; pp >= 2 && fewerFirst <= 2; fewerFirst++)
            for (int fewerLast = 0; fewerLast <= 2; fewerLast++)
            {
                if ((layers + fewerFirst + fewerLast) % pp != 0) continue;
                int middle = (layers + fewerFirst + fewerLast) / pp, first = middle - fewerFirst, last = middle - fewerLast;
                bool even = pp > 2 ? fewerFirst == 0 && fewerLast == 0 : first == last;
                if (!even && first >= 1 && last >= 1 && !pairs.Contains((first, last))) pairs.Add((first, last));
            }
        return [.. pairs.Select(pair => new StageChoice(pair.First, pair.Last, VirtualStagesOf(pp, pair.First, pair.Last)))];
    }

    private int[] VirtualStagesOf(int pp, int first, int last)
    {
        var values = new List<int> { 1 };
        for (int vp = 2; pp >= 2 && vp <= (model.Layers + 4) / pp + 1; vp++) // no stage holds more than (layers + 4)/pp
        {
            var layout = new Layout { Pp = pp, Vp = vp, FirstStageLayers = first, LastStageLayers = last };
            if (StageSplit.TryOf(model.Layers, layout, out _) is null) values.Add(vp);
        }
        return search.Vp is null ? [.. values] : [.. values.Where(search.Vp.Contains)];
    }

    public PipelineSchedule[] Schedules(int pp, int vp) =>
        [.. search.Schedule.Where(s => LayoutRules.AllowsSchedule(s, pp, vp) && !(pp == 1 && s == PipelineSchedule.GPipe)
            && Runs(new Layout { Pp = pp, Vp = vp, Schedule = s }))];

    /// <summary>Sequence parallelism where tp allows it; an MoE model with tp &gt; 1 runs only with it (Megatron-Core requires it).</summary>
    public bool[] SequenceParallel(int tp) => !LayoutRules.AllowsSequenceParallel(tp) ? (search.Sp.Contains(false) ? [false] : [])
        : model.Moe is not null ? (search.Sp.Contains(true) ? [true] : [])
        : search.Sp;

    /// <summary>
    /// The (ep, etp) pairs to try with tensor parallelism tp: (1, 1) for a dense model; for an MoE model, ep among the divisors of
    /// the experts and etp among the divisors of the expert width up to tp, both dividing the devices (the scenario's lists
    /// restrict them). Whether ep·etp divides a stage's dp·tp·cp ranks is checked per pipeline degree.
    /// </summary>
    public (int Ep, int Etp)[] ExpertSplits(int tp)
    {
        if (model.Moe is not { } moe) return [(1, 1)];
        var eps = (search.Ep ?? LayoutRules.Divisors(moe.Experts)).Where(ep => moe.Experts % ep == 0 && cluster.Devices % ep == 0);
        var etps = (search.Etp ?? LayoutRules.Divisors(tp)).Where(etp => moe.ExpertFfnHidden % etp == 0 && cluster.Devices % etp == 0);
        return [.. eps.SelectMany(ep => etps.Select(etp => (ep, etp)))];
    }

    /// <summary>
    /// ZeRO stages (and HYBRID_SHARD) the stack runs with <paramref name="pp"/> stages; with one data-parallel rank only zero=0,
    /// and HYBRID_SHARD only where the data-parallel ranks span nodes (inside one node it is FULL_SHARD).
    /// </summary>
    public (int Zero, bool Hybrid)[] ZeroStages(int dataShards, int tp, int pp)
    {
        if (dataShards == 1) return search.Zero.Contains(0) ? [(0, false)] : [];
        var stages = search.Zero.Select(zero => (Zero: zero, Hybrid: false));
        if (search.HybridShard && (long)dataShards * tp > cluster.DevicesPerNode) stages = stages.Append((3, true));
        return [.. stages.Where(z => Runs(new Layout { Zero = z.Zero, HybridShard = z.Hybrid, Pp = pp }))];
    }

    /// <summary>Whether the scenario's stack runs this combination (<see cref="StackRules"/>).</summary>
    private bool Runs(in Layout layout) => StackRules.Violation(layout, training) is null;

    /// <summary>Compression needs data-parallel traffic; a bf16 cast changes nothing when the gradients are already half precision.</summary>
    public GradientCompression[] Compressions(int dataShards, Precision precision) =>
        dataShards == 1 ? (search.Compression.Contains(GradientCompression.None) ? [GradientCompression.None] : [])
        : precision.IsMixed() ? [.. search.Compression.Where(c => c.Kind != CompressionKind.Bf16)]
        : search.Compression;

    public bool[] Overlaps(int dataShards) => dataShards == 1 ? (search.Overlap.Contains(true) ? [true] : []) : search.Overlap;

    /// <summary>With fused attention nothing of the attention core is stored, so selective recomputation is the same as none.</summary>
    public RecomputeMode[] Recompute => [.. (training.FlashAttention && search.Recompute.Contains(RecomputeMode.None)
        ? search.Recompute.Where(r => r != RecomputeMode.Selective)
        : search.Recompute).Where(r => Runs(new Layout { Recompute = r }))];

    public OptimizerKind[] Optimizers => search.Optimizer;
}
