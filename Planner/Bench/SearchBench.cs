using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Bench;

/// <summary>
/// `scaleplan bench`: the planner's speed on its reference problem, GPT-3 175B on 1,024 and 4,096 A100 with every dimension
/// open, the three software stacks and uneven pipeline stages included (top 10 kept), timed after warm-up (<see cref="Timing"/>).
/// </summary>
public static class SearchBench
{
    /// <summary>Nodes of 8 A100 in the two reference problems: 1,024 and 4,096 devices.</summary>
    private static readonly int[] Nodes = [128, 512];

    public static IReadOnlyList<BenchTable.SearchRow> Run(int repeat) => [.. Nodes.Select(nodes =>
    {
        var scenario = Reference(nodes);
        var counts = PlanSearch.Run(scenario, 10).Counts;
        var wall = Timing.Of(repeat, () => PlanSearch.Run(scenario, 10));
        return new BenchTable.SearchRow(scenario.Name, counts.Considered, counts.Fit, wall.MedianSeconds, wall.MinSeconds);
    })];

    public static Scenario Reference(int nodes)
    {
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), nodes);
        return new Scenario($"GPT-3 175B on {cluster.Devices} A100, all dimensions open", ModelPresets.Get("gpt3-175b"),
            new TrainingSpec { GlobalBatchSize = 1536, Tokens = 3e11 }, [cluster], new SearchSpace { Framework = [Framework.Megatron, Framework.Fsdp, Framework.DeepSpeed] }, Objective.Time);
    }
}
