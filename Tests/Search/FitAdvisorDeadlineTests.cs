using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;

namespace ScalePlanner.Tests.Search;

public class FitAdvisorDeadlineTests
{
    [Fact]
    public void Should_Blame_The_Deadline_Not_Memory_When_Layouts_Fit_But_Are_Too_Slow()
    {
        var scenario = ScenarioLoader.Load(Cli.Cli.TempScenario("""
            { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "l4" },
              "training": { "globalBatchSize": 64, "tokens": 1e11 }, "constraints": { "deadlineDays": 0.01 } }
            """));
        Assert.Empty(PlanSearch.Run(scenario, 3).Top);
        var advice = Assert.Single(FitAdvisor.Suggest(scenario));
        Assert.StartsWith("Layouts fit in memory, but none meets the deadline/budget", advice);
    }
}
