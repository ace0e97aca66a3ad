using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Search;

public class BruteForceCountTests
{
    private static readonly ModelSpec Tiny = new()
    {
        Name = "tiny", Layers = 6, Hidden = 128, Heads = 4, KvHeads = 2, FfnHidden = 512, Vocab = 1000, SequenceLength = 2048,
        GatedMlp = true, Norm = NormKind.RmsNorm, Positions = PositionEmbedding.Rotary,
    };

    private static readonly SearchSpace Restricted = new()
    {
        Optimizer = [OptimizerKind.Adam, OptimizerKind.Sgd],
        Precision = [Precision.Bf16, Precision.Fp32],
        Compression = [GradientCompression.None, new(CompressionKind.Bf16, 0)],
    };

    [Theory]
    [InlineData(2, 4, 24, true)]
    [InlineData(3, 4, 12, false)]
    [InlineData(1, 8, 16, true)]
    public void Should_Count_As_Many_Valid_Layouts_As_Brute_Force(int nodes, int perNode, int batch, bool flash)
    {
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), nodes) with { DevicesPerNode = perNode };
        var training = new TrainingSpec { GlobalBatchSize = batch, Tokens = 1e9, FlashAttention = flash };
        var scenario = new Scenario("tiny", Tiny, training, [cluster], Restricted, Objective.Time);
        Assert.Equal(BruteForce(cluster, training), PlanSearch.Run(scenario, 5).Counts.Considered);
    }

    /// <summary>Every combination of every dimension over a generous range, kept when the layout validates and the search rules allow it.</summary>
    private static long BruteForce(ClusterSpec cluster, TrainingSpec training)
    {
        int n = cluster.Devices;
        long count = 0;
        for (int dp = 1; dp <= n; dp++)
        for (int tp = 1; tp <= n; tp++)
        for (int pp = 1; pp <= n; pp++)
        for (int cp = 1; cp <= n; cp++)
        {
            if (dp * tp * pp * cp != n || tp > cluster.DevicesPerNode || Tiny.SequenceLength / cp < 1024) continue;
            foreach (var (first, last) in SearchedStageSplits(pp))
            for (int vp = 1; vp <= Tiny.Layers; vp++)
            for (int mb = 1; mb <= training.GlobalBatchSize; mb++)
            foreach (bool sp in new[] { false, true })
            foreach (var schedule in Enum.GetValues<PipelineSchedule>())
            foreach (var recompute in Enum.GetValues<RecomputeMode>())
            foreach (var precision in Restricted.Precision!)
            {
                var layout = new Layout
                {
                    Dp = dp, Tp = tp, Pp = pp, Vp = vp, Cp = cp, Sp = sp, MicroBatch = mb, Schedule = schedule, Recompute = recompute, Precision = precision,
                    FirstStageLayers = first, LastStageLayers = last,
                };
                try { layout.Validated(Tiny, training, n); }
                catch (SpecException) { continue; }
                if (pp == 1 && schedule == PipelineSchedule.GPipe) continue;             // same as 1f1b with one stage
                if (training.FlashAttention && recompute == RecomputeMode.Selective) continue; // same as none with fused attention
                bool single = dp * cp == 1;
                foreach (int zero in new[] { 0, 1, 2, 3 })
                foreach (var compression in Restricted.Compression)
                foreach (bool overlap in new[] { true, false })
                {
                    if (single && (zero != 0 || compression.Kind != CompressionKind.None || !overlap)) continue;
                    if (precision.IsMixed() && compression.Kind == CompressionKind.Bf16) continue;
                    count += Restricted.Optimizer.Length;
                }
            }
        }
        return count;
    }

    /// <summary>
    /// Even stages (0, 0) and every explicit (first, last) pair the search proposes: not the even split, and with pp &gt; 2 both
    /// within two layers below a middle stage, with pp = 2 the two stages at most two layers apart. Validation decides the rest.
    /// </summary>
    private static IEnumerable<(int First, int Last)> SearchedStageSplits(int pp)
    {
        yield return (0, 0);
        for (int first = 1; pp >= 2 && first <= Tiny.Layers; first++)
            for (int last = 1; last <= Tiny.Layers; last++)
            {
                int rest = Tiny.Layers - first - last;
                bool proposed = pp == 2
                    ? rest == 0 && first != last && Math.Abs(first - last) <= 2
                    : rest > 0 && rest % (pp - 2) == 0 && rest / (pp - 2) - Math.Min(first, last) <= 2 && Math.Max(first, last) <= rest / (pp - 2)
                      && !(first == last && first == rest / (pp - 2));
                if (proposed) yield return (first, last);
            }
    }
}
