using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Search;

/// <summary>Every mixture-of-experts preset can be planned on a cluster its size calls for, and the best plan uses expert parallelism where the experts would not fit otherwise.</summary>
public class MoePresetPlanTests
{
    public static TheoryData<string> Presets => [.. MoePresets.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Presets))]
    public void Should_Plan_Every_Moe_Preset_With_A_Layout_That_Fits(string preset)
    {
        var model = ModelPresets.Get(preset);
        // One H100 per 4B parameters (weights, gradients and Adam state of 16 B each take 64 GB), in whole 8-GPU nodes, at least 8 nodes.
        int nodes = Math.Max(8, (int)Math.Ceiling(model.ParameterCount / 4e9 / 8));
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("h100-sxm"), nodes);
        var scenario = new Scenario(preset, model, new TrainingSpec { GlobalBatchSize = 1024, Tokens = 1e12 }, [cluster], new SearchSpace(), Objective.Time);
        var plan = PlanSearch.Run(scenario, 3);
        Assert.NotEmpty(plan.Top);
        var best = plan.Top[0].Result;
        Assert.True(best.Fits);
        Assert.Equal(model.ParameterCount, best.Parameters);
        Assert.True(best.ActiveParameters < best.Parameters, "routed experts leave most parameters idle per token");
        Assert.True(double.IsFinite(best.StepTimeSeconds) && best.Mfu is > 0 and < 1, $"{preset}: step {best.StepTimeSeconds}, MFU {best.Mfu}");
        var again = CostModel.Evaluate(new TrainingJob(model, cluster, scenario.Training), best.Layout);   // simulate gives the search's figure
        Assert.Equal(best.StepTimeSeconds, again.StepTimeSeconds, 9);
    }
}
