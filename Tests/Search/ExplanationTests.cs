using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Tests.Search;

/// <summary>
/// "Why this layout" on a case whose answer is known by hand: GPT-2 small on one node of 8 L4 joined by PCIe (25 GB/s per
/// direction), data parallel (dp=8) against tensor parallel (tp=4, dp=2), no overlap of the gradient reduction. By hand: dp=8
/// all-reduces 124 M fp32 gradients once per step (2·7/8·0.5 GB / 25 GB/s ≈ 35 ms, more than the ≈ 10 ms AdamW pass over
/// the weights), so data-parallel communication is the winner's largest term after compute; tp=4 all-reduces or gathers every
/// layer's activations in both passes of every micro-batch (12 layers × 4 × 4 micro-batches × 12.6 MB ≈ 2.4 GB per step), so
/// its limiting term is tensor-parallel communication, and it is much slower.
/// </summary>
public class ExplanationTests
{
    private const string Scenario = """
        { "name": "GPT-2 small on 8 L4, data or tensor parallel",
          "model": { "preset": "gpt2-small", "dropout": false },
          "cluster": { "accelerator": "l4", "nodes": 1 },
          "training": { "globalBatchSize": 64, "tokens": 1.0e9 },
          "search": { "tp": [1, 4], "pp": [1], "cp": [1], "zero": [0], "recompute": ["none"], "overlap": ["off"], "mb": [8] },
          "objective": "time" }
        """;

    [Fact]
    public void Should_Name_The_Winners_Limiting_Term_And_The_Runner_Ups()
    {
        var plan = Planning.Plan(ScenarioLoader.Load(Cli.Cli.TempScenario(Scenario)), 3);
        var e = plan.Explanation!;
        Assert.Equal(8, e.Winner.Result.Layout.Dp);
        Assert.Equal("data-parallel comm", StepTerms.LargestOverhead(e.Winner.Result.Time).Name);
        var tp4 = Assert.Single(e.Alternatives, a => a.Name == "tp=4");
        Assert.NotNull(tp4.Best);
        Assert.Equal("tensor-parallel comm", StepTerms.LargestOverhead(tp4.Best!.Result.Time).Name);
        Assert.True(tp4.Best.Score > 1.5 * e.Winner.Score, "tensor parallelism over PCIe should be far slower");

        var lines = ExplanationText.Lines(plan).ToList();
        Assert.Contains(lines, l => l.Contains("limiting term: data-parallel comm"));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("tp=4") && l.Contains("tensor-parallel comm +"));
        Assert.Contains(lines, l => l.Contains("limiting term tensor-parallel comm"));
    }

    [Fact]
    public void Should_Say_What_Excluded_A_Shape_That_Never_Fits()
    {
        // Llama 2 7B with AdamW state needs ≈ 112 GB of model state on one device: tp=1 and pp=1 without ZeRO cannot fit in 80 GB.
        var scenario = ScenarioLoader.Load(Cli.Cli.TempScenario("""
            { "model": { "preset": "llama2-7b" }, "cluster": { "accelerator": "a100-sxm-80gb", "nodes": 1 },
              "training": { "globalBatchSize": 64, "tokens": 1e10 },
              "search": { "tp": [1, 2], "pp": [1], "cp": [1], "zero": [0], "recompute": ["full"] } }
            """));
        var plan = Planning.Plan(scenario, 3);
        var tp1 = Assert.Single(plan.Explanation!.Alternatives, a => a.Name == "tp=1");
        Assert.Null(tp1.Best);
        Assert.NotNull(tp1.LeastMemory);
        Assert.True(tp1.LeastMemoryParts.Total > 80e9);
        Assert.Contains(ExplanationText.Lines(plan), l => l.Contains("tp=1") && l.Contains("nothing fits: the closest needs"));
    }

    [Fact]
    public void Should_Group_Near_Ties_Into_Rank_Ranges_And_Fit_The_Table_In_120_Columns()
    {
        var plan = Planning.Plan(ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "llama3-70b-512-h100.json")), 10);
        Assert.Equal(10, plan.Groups.Count);
        Assert.Contains(plan.Groups, g => g.Count > 1);
        foreach (var g in plan.Groups)
        {
            var members = plan.Pool.Where(r => r.Rank >= g.FirstRank && r.Rank <= g.LastRank).ToList();
            Assert.All(members, m => Assert.True(m.Score <= g.First.Score * 1.01 + 1e-9));
        }
        Assert.Equal(Enumerable.Range(1, plan.Groups.Count - 1).Select(i => plan.Groups[i - 1].LastRank + 1), plan.Groups.Skip(1).Select(g => g.FirstRank));

        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(text), Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 240;
        PlanTable.Write(plan, console);
        var lines = text.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("│ 1–"));
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 120, $"{l.TrimEnd().Length} columns: {l}"));
    }
}
