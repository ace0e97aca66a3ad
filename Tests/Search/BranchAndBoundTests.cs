using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Tests.Search;

/// <summary>
/// Branch and bound skips only layouts proven no better: the ranking, each cluster option's fastest and best layout, the Pareto
/// front and the explanation of the winner equal those of timing every layout one by one, and the counts add up.
/// </summary>
public class BranchAndBoundTests
{
    private static string Bundled(string name) => Path.Combine(AppContext.BaseDirectory, "scenarios", name);

    [Theory]
    [InlineData("gpt3-175b-1024-a100.json")]
    [InlineData("which-cluster-llama3-70b.json")]
    [InlineData("mixtral-8x22b-64-h100.json")]
    public void Should_Give_The_Exhaustive_Answer_While_Timing_Fewer_Layouts(string scenarioFile)
    {
        var scenario = ScenarioLoader.Load(Bundled(scenarioFile));
        var bounded = PlanSearch.Run(scenario, 10);
        var exhaustive = PlanSearch.Run(scenario, 10, bound: false);

        Assert.True(bounded.Counts.RuledOutByBound > 0, "the bound should rule out some shapes of a bundled scenario");
        Assert.Equal(0, exhaustive.Counts.RuledOutByBound);
        Assert.Equal(exhaustive.Counts.Considered, bounded.Counts.Considered);
        var c = bounded.Counts;
        Assert.Equal(c.Considered, c.Fit + c.OverMemory + c.OutsideConstraints + c.RuledOutByBound);

        Assert.Equal(Rows(exhaustive.Pool), Rows(bounded.Pool));
        Assert.Equal(Rows(exhaustive.FastestPerCluster), Rows(bounded.FastestPerCluster));
        Assert.Equal(Rows(exhaustive.Pareto), Rows(bounded.Pareto));
        Assert.Equal(exhaustive.Options.Select(o => Row(o.Best)), bounded.Options.Select(o => Row(o.Best)));
        Assert.Equal(Shown(exhaustive.Explanation!), Shown(bounded.Explanation!));
    }

    private static IEnumerable<string> Rows(IEnumerable<RankedLayout> ranked) => ranked.Select(Row);

    private static string Row(RankedLayout? r) => r is null ? "-" : $"{r.Cluster.Devices} {r.Cluster.Accelerator.Key} {r.Result.Layout} {r.Result.TimeToTrainSeconds:R}";

    /// <summary>What the explanation prints: each alternative's best, else its fastest outside the constraints, else its closest miss on memory; and the simplest layout.</summary>
    private static IEnumerable<string> Shown(PlanExplanation e) =>
        e.Alternatives.Select(a => $"{a.Name}: " + (a.Best is { } b ? Row(b) : a.BestOutsideConstraints is { } o ? "outside " + Row(o) : $"memory {a.LeastMemory} {a.LeastMemoryParts.Total:R}"))
            .Append("simplest " + Row(e.Simplest));
}
