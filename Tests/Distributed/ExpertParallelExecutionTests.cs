using System.Text.Json;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Expert parallelism run for real under mpirun: the tiny GPT with mixture-of-experts blocks (4 routed experts, top-2, a shared
/// expert, an auxiliary loss), its experts split over ep ranks, dropless, fp32, must follow the one-process loss curve of the
/// same global batch, seed and data order within <see cref="DistributedRuns.Fp32Tolerance"/>, and route the same tokens, with the same global gradient norms.
/// </summary>
public class ExpertParallelExecutionTests
{
    /// <summary>Tokens per step × experts per token: the token-expert pairs each MoE layer routes per step.</summary>
    private const int PairsPerStep = 8 * 32 * 2;

    private const int Steps = 12;

    /// <summary>The distributed tests' tiny GPT (<see cref="DistributedRuns.Tiny"/>) with both blocks mixture-of-experts.</summary>
    private static readonly string TinyMoe = DistributedRuns.Tiny.Replace("\"biases\": true }",
        "\"biases\": true, \"moe\": { \"experts\": 4, \"topK\": 2, \"sharedExperts\": 1, \"expertFfnHidden\": 64, \"auxLossCoefficient\": 0.01 } }", StringComparison.Ordinal);

    private static (double[] Losses, double[] Norms, long[][] TokensPerExpert) Run(string layout)
    {
        var (losses, norms, stdout) = DistributedRuns.ExecuteWithNorms(TinyMoe, layout, Steps, "--format", "json");
        string json = stdout[stdout.IndexOf('{', StringComparison.Ordinal)..(stdout.LastIndexOf('}') + 1)];
        var histogram = JsonDocument.Parse(json).RootElement.GetProperty("experts").GetProperty("tokensPerExpert");
        return (losses, norms, [.. histogram.EnumerateArray().Select(layer => layer.EnumerateArray().Select(n => n.GetInt64()).ToArray())]);
    }

    private static readonly Lazy<(double[] Losses, double[] Norms, long[][] TokensPerExpert)> OneProcess = new(() => Run("dp=1,mb=2,precision=fp32"));

    [Theory]
    [InlineData("dp=2,ep=2,mb=2,precision=fp32")]   // each rank holds 2 experts; no expert data parallelism
    [InlineData("dp=4,ep=2,mb=2,precision=fp32")]   // ep=2 · expert dp=2: experts' gradients summed over the 2 ranks holding them
    public void Should_Follow_The_One_Process_Loss_Curve_And_Gradient_Norms_And_Route_The_Same_Tokens(string layout)
    {
        var (losses, norms, histogram) = Run(layout);
        DistributedRuns.AssertFollows(OneProcess.Value.Losses, losses, layout);
        // The global gradient norm, experts counted once over the ranks: an expert gradient summed twice or left out moves it by > 1e-2.
        DistributedRuns.AssertFollows(OneProcess.Value.Norms, norms, $"{layout} gradient norm");
        Assert.True(losses[^1] < losses[0] - 0.1, $"{layout} did not learn: {losses[0]:F3} → {losses[^1]:F3}");
        Assert.Equal(2, histogram.Length);
        for (int layer = 0; layer < histogram.Length; layer++)
        {
            Assert.Equal((long)PairsPerStep * Steps, histogram[layer].Sum());
            // The same routing as one process: a router logit within fp32 noise of a tie may flip one pair now and then.
            long off = histogram[layer].Zip(OneProcess.Value.TokensPerExpert[layer], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(off <= 2, $"{layout}, MoE layer {layer}: {string.Join(" ", histogram[layer])} vs one process {string.Join(" ", OneProcess.Value.TokensPerExpert[layer])}");
        }
    }
}
