using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;

namespace ScalePlanner.Tests.Search;

public class TimelineRefinementTests
{
    [Fact]
    public void Should_Rerank_The_Best_K_By_The_Timeline_And_Keep_The_Rest()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "llama3-70b-512-h100.json"));
        var plan = PlanSearch.Run(scenario, 12);
        var refined = TimelineRefinement.Refine(plan, scenario, 6);

        Assert.Equal(6, refined.Refined);
        Assert.Equal(plan.Top.Count, refined.Top.Count);
        Assert.Equal(Enumerable.Range(1, plan.Top.Count), refined.Top.Select(r => r.Rank));
        var best = refined.Top.Take(6).ToList();
        Assert.All(best, r => Assert.NotNull(r.Timeline));
        Assert.Equal(plan.Top.Take(6).Select(r => r.Result.Layout).OrderBy(l => l.ToString()), best.Select(r => r.Result.Layout).OrderBy(l => l.ToString()));
        for (int i = 1; i < best.Count; i++)
            Assert.True(best[i - 1].Result.TimeToTrainSeconds <= best[i].Result.TimeToTrainSeconds, $"refined rank {i} trains slower than rank {i + 1}");
        // The refined results are the timeline's, the others still the closed form's.
        Assert.All(best, r => Assert.Equal(r.Timeline!.Timeline.StepTimeSeconds, r.Result.StepTimeSeconds, 1e-12 * r.Result.StepTimeSeconds));
        Assert.Equal(plan.Top.Skip(6).Select(r => r.Result), refined.Top.Skip(6).Select(r => r.Result));
        Assert.All(refined.Top.Skip(6), r => Assert.Null(r.Timeline));
    }
}
