using System.Text.Json;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Validation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Validation;

/// <summary>Accuracy bands come from named residuals of the goal validation sets, in the closest regime, and widen when the runs are few.</summary>
public class AccuracyBandTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "validation");

    [Fact]
    public void Should_Derive_The_Band_Of_A_Bundled_Scenario_From_Named_Validation_Rows()
    {
        var bands = AccuracyBands.Load(Folder);
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", "gpt3-175b-1024-a100.json"));
        var job = scenario.JobWith(scenario.Clusters[0].Devices);
        var band = bands.For(job);

        // By hand: Megatron-LM runs on A100 of 43.7B to 698B parameters (within 4× of GPT-3's 174.6B) from the goal sets.
        double n = job.Model.ParameterCount;
        var expected = bands.Residuals.Where(r => r.Framework == Framework.Megatron && r.Accelerator.StartsWith("a100") && r.Parameters >= n / 4 && r.Parameters <= n * 4).ToList();
        Assert.True(expected.Count >= 10, $"{expected.Count} runs");
        Assert.Equal(expected.Select(r => r.Name), band.Runs);
        Assert.Contains("145.6B on 1536 GPUs (tp=8, pp=8)", band.Runs);   // a row of Megatron SC21 Table 1
        Assert.True(band.Low < 1 && band.High > 1, $"{band.Low}–{band.High}");
        Assert.Equal(AccuracyBands.Interval(expected, "").Low, band.Low, 12);
        Assert.Equal(AccuracyBands.Interval(expected, "").High, band.High, 12);

        // Every named run is a row `validate` prints, from a set in the accuracy goal.
        var goalSets = PublicSet.Read(Path.Combine(Folder, PublicCorpus.Folder, PublicCorpus.Index)).Where(s => s.InGoal).Select(s => s.Name).Append("Megatron SC21 Table 1").ToHashSet();
        Assert.All(expected, r => Assert.Contains(r.Set, goalSets));
    }

    [Fact]
    public void Should_Use_No_Informational_Set()
    {
        var bands = AccuracyBands.Load(Folder);
        var informational = PublicSet.Read(Path.Combine(Folder, PublicCorpus.Folder, PublicCorpus.Index)).Where(s => !s.InGoal).Select(s => s.Name).ToHashSet();
        Assert.NotEmpty(informational);
        Assert.DoesNotContain(bands.Residuals, r => informational.Contains(r.Set));
        Assert.DoesNotContain(bands.Residuals, r => r.Framework == Framework.DeepSpeed);
    }

    [Fact]
    public void Should_Widen_For_A_Regime_With_Few_Comparable_Runs()
    {
        // The same spread of errors (±5 % in log time) from 14 runs in one regime and from 3 in another.
        var many = Enumerable.Range(0, 14).Select(i => new Residual($"a{i}", "s", Framework.Megatron, "a100-sxm-80gb", 1e11, Math.Exp(i % 2 == 0 ? 0.05 : -0.05))).ToList();
        var few = new[] { -0.05, 0, 0.05 }.Select((x, i) => new Residual($"b{i}", "s", Framework.Megatron, "h100-sxm", 1e11, Math.Exp(x))).ToList();
        var bands = new AccuracyBands([.. many, .. few]);
        var wide = bands.For(Framework.Megatron, "h100-sxm", 1e11);
        var narrow = bands.For(Framework.Megatron, "a100-sxm-80gb", 1e11);
        Assert.Equal(3, wide.Runs.Count);
        Assert.Equal(14, narrow.Runs.Count);
        Assert.True(Math.Log(wide.High / wide.Low) > 1.5 * Math.Log(narrow.High / narrow.Low), $"{wide.Low}-{wide.High} against {narrow.Low}-{narrow.High}");
    }

    [Fact]
    public void Should_Say_When_No_Comparable_Run_Exists()
    {
        var band = AccuracyBands.Load(Folder).For(Framework.DeepSpeed, "a100-sxm-80gb", 7e9);
        Assert.False(band.Exists);
        Assert.Contains("no goal-set run with the deepspeed stack", band.Regime);
        var outcome = Cli.Cli.Run("simulate", Cli.Cli.TempScenario("""
            { "model": { "preset": "llama2-7b" }, "cluster": { "accelerator": "a100-sxm-80gb", "nodes": 1 },
              "training": { "globalBatchSize": 64, "tokens": 1e10, "framework": "deepspeed" } }
            """), "--layout", "dp=8,zero=3,mb=2");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("no band: no comparable published run", outcome.StdOut);
    }

    [Fact]
    public void Should_Put_The_Band_And_Its_Runs_In_The_Plan_Json()
    {
        var outcome = Cli.Cli.Run("plan", "--top", "2", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var first = json.RootElement[0];
        var band = first.GetProperty("band");
        Assert.True(band.GetProperty("runCount").GetInt32() >= 10);
        Assert.Equal(band.GetProperty("runCount").GetInt32(), band.GetProperty("runs").GetArrayLength());
        var range = first.GetProperty("timeToTrainBandSeconds");
        double t = first.GetProperty("timeToTrainSeconds").GetDouble();
        Assert.Equal(t * band.GetProperty("low").GetDouble(), range[0].GetDouble(), 6);
        Assert.Equal(t * band.GetProperty("high").GetDouble(), range[1].GetDouble(), 6);
    }
}
