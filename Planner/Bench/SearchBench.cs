using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Bench;

/// <summary>
/// `scaleplan bench`: the planner's speed on its reference problem, GPT-3 175B on 1,024 and 4,096 A100 with every dimension
/// open, the three software stacks and uneven pipeline stages included, and DeepSeek-V3 (mixture of experts, expert parallelism
/// open) on 2,048 H800; top 10 kept, timed after warm-up (<see cref="Timing"/>).
/// </summary>
public static class SearchBench
{
    /// <summary>Nodes of 8 A100 in the two reference problems: 1,024 and 4,096 devices.</summary>
    private static readonly int[] Nodes = [128, 512];

    public static IReadOnlyList<BenchTable.SearchRow> Run(int repeat) => [.. Nodes.Select(Reference).Append(MixtureOfExperts()).Select(scenario =>
    {
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

    /// <summary>DeepSeek-V3 on 256 nodes of 8 H800 at its published batch and token count (arXiv:2412.19437 §4.2), every dimension open.</summary>
    public static Scenario MixtureOfExperts()
    {
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("h800"), 256);
        return new Scenario($"DeepSeek-V3 on {cluster.Devices} H800, all dimensions open", ModelPresets.Get("deepseek-v3"),
            new TrainingSpec { GlobalBatchSize = 15360, Tokens = 1.48e13, MoeOverlap = true }, [cluster], new SearchSpace(), Objective.Time);
    }
}
