using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports;

namespace ScalePlanner.Tests.Search;

/// <summary>With several cluster options, each option's best layout is shown, winners and losers alike, with one verdict.</summary>
public class ClusterComparisonTests
{
    [Fact]
    public void Should_Show_One_Best_Row_Per_Cluster_Option()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "which-cluster-llama3-70b.json"));
        var plan = Planning.Plan(scenario, 5);
        Assert.Equal(scenario.Clusters.Count, plan.Options.Count);
        Assert.Equal(7, plan.Options.Count);   // H100 at 32, 64, 128 nodes; A100 at 64, 128; MI300X at 32, 64
        Assert.All(plan.Options, o => Assert.True(o.Best is not null || o.BestOutsideConstraints is not null, $"{o.Name} has no row"));
        // An option that meets the deadline shows its best by the objective: nothing on that option is cheaper.
        foreach (var option in plan.Options.Where(o => o.Best is not null))
            Assert.DoesNotContain(plan.Pool, r => r.Cluster == option.Cluster && r.Score < option.Best!.Score);
        // Options the deadline excludes are shown all the same, with their fastest layout.
        Assert.Contains(plan.Options, o => o.Best is null && o.BestOutsideConstraints!.Result.TimeToTrainSeconds > 60 * 86400);

        var table = Cli.Cli.Run("plan", Cli.Cli.Scenario("which-cluster-llama3-70b.json"), "--top", "3").StdOut;
        foreach (var option in plan.Options)
            Assert.Single(table.Split('\n'), l => l.StartsWith($"│ {option.Name} ") && l.Contains("days ("));
        Assert.Single(table.Split('\n'), l => l.StartsWith("verdict: "));
        Assert.Contains(plan.Options.Count(o => o.OnParetoFront), new[] { plan.Pareto.Count });
    }

    [Fact]
    public void Should_Name_The_Best_Option_In_The_Verdict()
    {
        var plan = Planning.Plan(ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "which-cluster-llama3-70b.json")), 3);
        var best = plan.Options.Where(o => o.Best is not null).MinBy(o => o.Best!.Score)!;
        Assert.StartsWith($"verdict: {best.Name} is best by cost", ClusterComparison.Verdict(plan));
        Assert.Equal(plan.Top[0].Result.Layout, best.Best!.Result.Layout);
    }
}
