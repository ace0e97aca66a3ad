using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>
/// Every rule that ties a layout to the model, the batch and the cluster, written once. Each rule has a test (for the search,
/// which generates only candidates that pass) and, where a user can break it, a check that throws naming the field and what
/// is allowed (for <see cref="Layout.Validated"/>, the trainers and the executor's support checks). How the layers split over
/// pipeline stages is <see cref="StageSplit"/>'s rule.
/// </summary>
public static class LayoutRules
{
    /// <summary>dp·tp·pp·cp devices: the data-parallel degree that fills <paramref name="devices"/>, or 0 when tp·cp·pp does not divide them.</summary>
    public static int DataParallel(int devices, int tp, int cp, int pp)
    {
        long split = (long)tp * cp * pp;   // each degree ≤ 2²¹ (Limits.Degree): the product fits a long, not an int
        return devices % split == 0 ? (int)(devices / split) : 0;
    }

    public static void RequireDevices(in Layout layout, int devices)
    {
        if (layout.Devices != devices)
            throw new SpecException("layout", $"dp·tp·pp·cp = {layout.Dp}·{layout.Tp}·{layout.Pp}·{layout.Cp} = {layout.Devices} must equal the cluster's {devices} devices");
    }

    /// <summary>Megatron-LM splits the attention heads over the tensor-parallel ranks (Shoeybi et al. 2019, §3): tp divides the heads.</summary>
    public static bool TpSplitsHeads(ModelSpec model, int tp) => model.Heads % tp == 0;

    /// <summary>Key/value heads (grouped-query attention) are split over tp, or each replicated over tp/kvHeads ranks.</summary>
    public static bool TpFitsKvHeads(ModelSpec model, int tp) => TpSplitsKvHeads(model, tp) || tp % model.KvHeads == 0;

    /// <summary>tp divides the key/value heads, so each rank holds its own (the executor's tensor-parallel block splits them).</summary>
    public static bool TpSplitsKvHeads(ModelSpec model, int tp) => model.KvHeads % tp == 0;

    public static void RequireTpSplitsHeads(ModelSpec model, int tp)
    {
        if (!TpSplitsHeads(model, tp)) throw new SpecException("model.heads", $"{model.Heads} is not divisible by layout.tp={tp}");
        if (!TpFitsKvHeads(model, tp)) throw new SpecException("layout.tp", $"tp={tp} must divide model.kvHeads={model.KvHeads} or be a multiple of it");
    }

    /// <summary>
    /// Expert parallelism (Megatron-Core MoE, MoE Parallel Folding): ep divides the routed experts, and the ep·etp expert ranks
    /// tile the dp·tp·cp ranks of a stage (the expert data-parallel degree is dp·tp·cp / (ep·etp)). A dense model has ep = etp = 1.
    /// </summary>
    public static bool SplitsExperts(ModelSpec model, int dp, int tp, int cp, int ep, int etp) => model.Moe is { } moe
        ? moe.Experts % ep == 0 && (long)dp * tp * cp % ((long)ep * etp) == 0
        : ep == 1 && etp == 1;

    /// <summary>The expert data-parallel degree: the ranks of a stage holding the same experts (Megatron-Core's expert_data_parallel_size).</summary>
    public static int ExpertDataParallel(in Layout layout) => layout.Dp * layout.Tp * layout.Cp / (layout.Ep * layout.Etp);

    /// <summary>ep and etp need a mixture-of-experts model, and ep must divide its experts (each rank holds experts/ep of them); <paramref name="section"/> names the fields.</summary>
    public static void RequireExpertDegrees(ModelSpec model, int ep, int etp, string section)
    {
        if (model.Moe is not { } moe)
        {
            if (ep > 1) throw new SpecException($"{section}.ep", $"ep={ep} needs a mixture-of-experts model (model.moe)");
            if (etp > 1) throw new SpecException($"{section}.etp", $"etp={etp} needs a mixture-of-experts model (model.moe)");
            return;
        }
        if (moe.Experts % ep != 0) throw new SpecException($"{section}.ep", $"ep={ep} must divide model.moe.experts={moe.Experts}");
    }

    public static void RequireExpertSplit(ModelSpec model, in Layout layout)
    {
        RequireExpertDegrees(model, layout.Ep, layout.Etp, "layout");
        if (model.Moe is null) return;
        if (!SplitsExperts(model, layout.Dp, layout.Tp, layout.Cp, layout.Ep, layout.Etp))
            throw new SpecException("layout.ep", $"ep·etp = {layout.Ep}·{layout.Etp} must divide dp·tp·cp = {layout.Dp * layout.Tp * layout.Cp} (the ranks of one pipeline stage)");
        if (layout.Tp > 1 && !layout.Sp)
            throw new SpecException("layout.sp", "an MoE model with tp > 1 needs sp=on (Megatron-Core requires sequence parallelism with expert layers under tensor parallelism)");
    }

    /// <summary>Context parallelism splits the sequence into cp equal parts (ring attention).</summary>
    public static bool CpSplitsSequence(ModelSpec model, int cp) => model.SequenceLength % cp == 0;

    public static void RequireCpSplitsSequence(ModelSpec model, int cp)
    {
        if (!CpSplitsSequence(model, cp)) throw new SpecException("model.sequenceLength", $"{model.SequenceLength} is not divisible by layout.cp={cp}");
    }

    /// <summary>dp replicas of mb sequences each share the global batch evenly: dp·mb divides it (gradient accumulation = batch / (dp·mb)).</summary>
    public static bool SplitsBatch(int globalBatch, int dp, int microBatch = 1) => globalBatch % ((long)dp * microBatch) == 0;

    public static void RequireBatchSplit(int globalBatch, int dp, int microBatch)
    {
        if (!SplitsBatch(globalBatch, dp, microBatch))
            throw new SpecException("training.globalBatchSize", $"{globalBatch} is not divisible by dp·mb = {dp}·{microBatch} = {(long)dp * microBatch}");
    }

    /// <summary>The micro-batch sizes dp replicas can use: the divisors of the per-replica batch (none when dp does not divide the batch).</summary>
    public static int[] MicroBatchSizes(int globalBatch, int dp) => SplitsBatch(globalBatch, dp) ? Divisors(globalBatch / dp) : [];

    /// <summary>Sequence parallelism splits what tensor parallelism replicates, so it needs tp > 1 (Korthikanti et al. 2022, §4.2.2).</summary>
    public static bool AllowsSequenceParallel(int tp) => tp > 1;

    /// <summary>
    /// Virtual stages (vp > 1) run only under the interleaved schedule, which needs at least two stages and two chunks each
    /// (Narayanan et al. SC21 §2.2.2).
    /// </summary>
    public static bool AllowsSchedule(PipelineSchedule schedule, int pp, int vp) =>
        schedule == PipelineSchedule.Interleaved ? pp >= 2 && vp >= 2 : vp == 1;

    public static void RequireSchedule(in Layout layout)
    {
        if (layout.Vp > 1 && layout.Schedule != PipelineSchedule.Interleaved) throw new SpecException("layout.vp", $"vp={layout.Vp} needs schedule=interleaved");
        if (!AllowsSchedule(layout.Schedule, layout.Pp, layout.Vp)) throw new SpecException("layout.schedule", "interleaved needs pp ≥ 2 and vp ≥ 2");
    }

    /// <summary>Megatron-LM's sequence-parallel regions keep T/tp positions per rank: tp divides the sequence.</summary>
    public static bool TpSplitsSequence(ModelSpec model, int tp) => model.SequenceLength % tp == 0;

    /// <summary>The vocabulary-parallel embedding and output layer give each tensor rank V/tp entries (Megatron-LM's VocabUtility): tp divides the vocabulary.</summary>
    public static bool TpSplitsVocab(long vocab, int tp) => vocab % tp == 0;

    /// <summary>
    /// PowerSGD of rank r sends an n×m gradient as two factors of r·(n + m) numbers (Vogels et al. 2019, §3), which compresses
    /// only while r·(n + m) &lt; n·m: the largest rank that compresses every weight matrix of a block.
    /// </summary>
    public static int MaxPowerSgdRank(ModelSpec model) =>
        (int)model.BlockMatrices().Min(m => (m.Rows * m.Cols - 1) / (m.Rows + m.Cols));

    public static void RequirePowerSgdRank(ModelSpec model, GradientCompression compression, string field = "layout.compress")
    {
        if (compression.Kind != CompressionKind.PowerSgd) return;
        int max = MaxPowerSgdRank(model);
        if (compression.Rank < 1 || compression.Rank > max)
            throw new SpecException(field, $"powersgd:{compression.Rank} does not compress this model: rank r sends r·(n + m) numbers for an n×m gradient, so r must stay below n·m/(n + m) for every weight matrix of a block; allowed: powersgd:1 to powersgd:{max}");
    }

    /// <summary>The divisors of n in ascending order, found in pairs (d, n/d) up to √n: a global batch of 2²⁴ takes 4,096 trials, not 16 million.</summary>
    public static int[] Divisors(int n)
    {
        var small = new List<int>();
        var large = new List<int>();
        for (int d = 1; (long)d * d <= n; d++)
        {
            if (n % d != 0) continue;
            small.Add(d);
            if (d != n / d) large.Add(n / d);
        }
        large.Reverse();
        return [.. small, .. large];
    }
}
