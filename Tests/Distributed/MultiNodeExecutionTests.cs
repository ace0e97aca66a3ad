namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// `execute --hostfile` across two emulated machines (<see cref="EmulatedNodes"/>: a network namespace each, joined by a
/// 1 Gbit/s shaped link; shared memory inside a machine, TCP across): data parallelism across the machines, tensor
/// parallelism inside them with data parallelism across, and a pipeline across them each follow the one-process loss curve,
/// and the step table gains the inter-node communication as a row of its own.
/// </summary>
[Collection(EmulatedNodesCollection.Name)]
public class MultiNodeExecutionTests(EmulatedNodes nodes)
{
    /// <summary>The tiny GPT with one device (the reference), and 2 nodes × 1 and 2 nodes × 2 devices (the hostfile's machines).</summary>
    public static readonly string Scenario = DistributedRuns.Tiny.Replace(
        "\"clusters\": [ { \"accelerator\": \"cpu\", \"nodes\": [1, 2, 4], \"devicesPerNode\": 1 } ]",
        "\"clusters\": [ { \"accelerator\": \"cpu\", \"nodes\": [1, 2], \"devicesPerNode\": 1 }, { \"accelerator\": \"cpu\", \"nodes\": 2, \"devicesPerNode\": 2 } ]",
        StringComparison.Ordinal);

    private static readonly Lazy<double[]> OneProcess = new(() => DistributedRuns.ExecuteScenario(Scenario, "dp=1,mb=2,precision=fp32", DistributedRuns.Steps).Losses);

    [SkippableTheory]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=off", "data-parallel")]        // one rank per machine
    [InlineData("dp=2,tp=2,mb=2,precision=fp32,overlap=off", "data-parallel")]   // the tp pair inside a machine, its replica on the other
    [InlineData("pp=2,mb=2,precision=fp32", "pipeline")]                          // one stage per machine
    public void Should_Follow_The_One_Process_Loss_Curve_Across_Two_Machines(string layout, string crossing)
    {
        Skip.If(nodes.Unavailable is not null, nodes.Unavailable);
        Assert.Contains("slots=2", File.ReadAllText(EmulatedNodes.Hostfile));
        var (losses, _, stdout) = DistributedRuns.ExecuteScenarioWith(EmulatedNodes.Environment, Scenario, layout, DistributedRuns.Steps, "--hostfile", EmulatedNodes.Hostfile);
        DistributedRuns.AssertFollows(OneProcess.Value, losses, layout);
        var row = System.Text.RegularExpressions.Regex.Match(stdout, $@"inter-node communication \({crossing}\)\s*│\s*([\d.]+) (ms|s)\s*│\s*([\d.]+) (ms|s)");
        Assert.True(row.Success, $"{layout}: no inter-node row for {crossing}: {stdout}");
        Assert.True(double.Parse(row.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"{layout}: nothing measured across the machines: {row.Value}");
        Assert.Empty(EmulatedNodes.Processes(0).Concat(EmulatedNodes.Processes(1)));   // every daemon and rank ended with the job
    }
}
