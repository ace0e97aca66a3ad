using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Planner.Validation;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using Xunit.Abstractions;

namespace ScalePlanner.Tests.Search;

public class PlanSearchTests(ITestOutputHelper output)
{
    private static string Bundled(string name) => Path.Combine(AppContext.BaseDirectory, "scenarios", name);

    [Fact]
    public void Should_Rank_Deterministically_With_The_Stated_Tie_Rule()
    {
        var scenario = ScenarioLoader.Load(Bundled("which-cluster-llama3-70b.json"));
        var first = PlanSearch.Run(scenario, 20);
        var second = PlanSearch.Run(scenario, 20);
        Assert.Equal(first.Top.Select(r => (r.Cluster.Devices, r.Result.Layout.ToString())), second.Top.Select(r => (r.Cluster.Devices, r.Result.Layout.ToString())));
        for (int i = 1; i < first.Top.Count; i++)
        {
            double a = first.Top[i - 1].Result.CostDollars!.Value, b = first.Top[i].Result.CostDollars!.Value;
            Assert.True(a <= b * (1 + 1e-12), $"rank {i} costs more than rank {i + 1}");
            if (a == b && first.Top[i - 1].Cluster.Devices == first.Top[i].Cluster.Devices)
                Assert.True(string.CompareOrdinal(first.Top[i - 1].Result.Layout.ToString(), first.Top[i].Result.Layout.ToString()) < 0);
        }
    }

    [Fact]
    public void Should_Keep_Only_Undominated_Cluster_Options_On_The_Pareto_Front()
    {
        var plan = PlanSearch.Run(ScenarioLoader.Load(Bundled("which-cluster-llama3-70b.json")), 5);
        Assert.True(plan.Pareto.Count >= 2, "three accelerators at several sizes should trade time against dollars");
        foreach (var point in plan.Pareto)
        {
            Assert.DoesNotContain(plan.FastestPerCluster, other =>
                other.Result.TimeToTrainSeconds < point.Result.TimeToTrainSeconds && other.Result.CostDollars < point.Result.CostDollars);
        }
        Assert.All(plan.Top, r => Assert.True(r.Result.Fits && r.Result.TimeToTrainSeconds <= 60 * 86400));
    }

    [Fact]
    public void Should_Find_At_Least_The_Published_Throughput_For_Every_Megatron_Table1_Row()
    {
        var rows = MegatronTable1.Read(Path.Combine(AppContext.BaseDirectory, "validation", MegatronTable1.FileName));
        foreach (var row in rows)
        {
            var job = MegatronTable1.Job(row);
            var published = CostModel.Evaluate(job, MegatronTable1.Layout(row));
            Assert.True(published.Fits, $"{row.ParamsBillions}B: the published layout should fit in 80 GB ({published.MemoryPerGpuBytes / 1e9:F1} GB)");
            var search = new SearchSpace
            {
                Precision = [Precision.Fp16], Recompute = [RecomputeMode.Full], Optimizer = [OptimizerKind.Adam],
                Compression = [GradientCompression.None], Zero = [0],
            };
            var scenario = new Scenario($"{row.ParamsBillions}B", job.Model, job.Training, [job.Cluster], search, Objective.Time);
            var best = PlanSearch.Run(scenario, 1).Top.Single().Result;
            output.WriteLine($"{row.ParamsBillions,7}B  published layout {published.TokensPerSecond,12:N0} tok/s   best {best.TokensPerSecond,12:N0} tok/s  {best.Layout}");
            Assert.True(best.TokensPerSecond >= published.TokensPerSecond * (1 - 1e-9), $"{row.ParamsBillions}B: search found less than the published layout");
        }
    }

    [Fact]
    public void Should_Say_What_Would_Fit_When_Nothing_Does()
    {
        var scenario = ScenarioLoader.Load(Cli.Cli.TempScenario("""
            { "model": { "preset": "llama3-405b" }, "cluster": { "accelerator": "a100-sxm-40gb", "nodes": 8 },
              "training": { "globalBatchSize": 512, "tokens": 1e11 },
              "search": { "precision": ["bf16"], "zero": [0], "recompute": ["none"], "optimizer": ["adamw"], "compress": ["none"] } }
            """));
        Assert.Empty(PlanSearch.Run(scenario, 3).Top);
        var advice = FitAdvisor.Suggest(scenario);
        foreach (var line in advice) output.WriteLine(line);
        Assert.Contains(advice, a => a.StartsWith("Smallest device count that fits on a100-sxm-40gb:"));
        Assert.Contains(advice, a => a.StartsWith("Largest model of this shape that fits these clusters:"));
    }

    [Fact]
    public void Should_Name_The_ZeRO_Stage_Or_Recomputation_That_Makes_It_Fit()
    {
        var scenario = ScenarioLoader.Load(Cli.Cli.TempScenario("""
            { "model": { "preset": "llama2-13b" }, "cluster": { "accelerator": "a100-sxm-40gb", "nodes": 1 },
              "training": { "globalBatchSize": 64, "tokens": 1e10 },
              "search": { "precision": ["bf16"], "zero": [0], "recompute": ["none"], "optimizer": ["adamw"], "compress": ["none"], "tp": [1], "pp": [1] } }
            """));
        Assert.Empty(PlanSearch.Run(scenario, 3).Top);
        Assert.Contains(FitAdvisor.Suggest(scenario), a => a.StartsWith("It fits with zero="));
    }
}
