namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Pipeline stages holding different numbers of layers (firstStageLayers / lastStageLayers), run for real under mpirun on a
/// four-layer tiny GPT and compared with one process of the same global batch, seed and data order.
/// </summary>
public class UnevenStageExecutionTests
{
    private const int Steps = DistributedRuns.Steps;

    private static readonly Lazy<double[]> OneProcess = new(() => DistributedRuns.ExecuteScenario(DistributedRuns.FourLayers, "dp=1,mb=2,precision=fp32", Steps).Losses);

    [Theory]
    [InlineData("pp=2,mb=2,precision=fp32,firstStageLayers=1,lastStageLayers=3")]
    [InlineData("pp=3,mb=2,precision=fp32,firstStageLayers=1,lastStageLayers=1")]
    [InlineData("pp=2,vp=2,schedule=interleaved,mb=2,precision=fp32")]   // two chunks of one layer per stage, four micro-batches
    public void Should_Follow_The_One_Process_Loss_Curve_With_Uneven_Stages(string layout)
    {
        var (losses, stderr, _) = DistributedRuns.ExecuteScenario(DistributedRuns.FourLayers, layout, Steps);
        Assert.Contains($"pp={layout.Split(',')[0][3..]})", stderr);
        // The tolerance of DistributedExecutionTests: splitting the work over ranks only reorders fp32 sums.
        Assert.Equal(OneProcess.Value, losses, (a, b) => Math.Abs(a - b) / a < 1e-5);
        Assert.True(losses[^1] < losses[0] - 0.1, $"{layout} did not learn: {losses[0]:F3} → {losses[^1]:F3}");
    }

    [Fact]
    public void Should_Compose_Uneven_Stages_With_Interleaving()
    {
        // Five layers on pp=2·vp=2: stage 0 holds 2 (one per chunk), stage 1 holds 3 (2 in its last chunk, by StageSplit.InChunk).
        string five = DistributedRuns.FourLayers.Replace("\"layers\": 4", "\"layers\": 5", StringComparison.Ordinal);
        var reference = DistributedRuns.ExecuteScenario(five, "dp=1,mb=2,precision=fp32", Steps).Losses;
        const string layout = "pp=2,vp=2,schedule=interleaved,mb=2,precision=fp32,firstStageLayers=2,lastStageLayers=3";
        DistributedRuns.AssertFollows(reference, DistributedRuns.ExecuteScenario(five, layout, Steps).Losses, layout);
    }
}
