using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

public class PlanCommandTests
{
    [Fact]
    public void Should_Run_The_Bundled_Default_Scenario_Without_Arguments()
    {
        var outcome = Cli.Run("plan", "--top", "3");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("GPT-3 175B on 1024 A100", outcome.StdOut);
        Assert.Contains("best layouts", outcome.StdOut);
        Assert.Contains("over memory:", outcome.StdOut);
        Assert.Contains("why #1 wins", outcome.StdOut);
        Assert.Contains("limiting term:", outcome.StdOut);
    }

    [Theory]
    [InlineData("gpt3-175b-1024-a100.json")]
    [InlineData("llama3-70b-512-h100.json")]
    [InlineData("llama2-7b-64-a100.json")]
    [InlineData("llama3-405b-8064-h100.json")]
    [InlineData("gpt2-small-8-l4.json")]
    [InlineData("tiny-gpt-cpu.json")]
    [InlineData("megatron-1t-3072-a100.json")]
    [InlineData("which-cluster-llama3-70b.json")]
    public void Should_Answer_Every_Bundled_Scenario_In_The_Simulate_Contract(string scenario)
    {
        var outcome = Cli.Run("plan", Cli.Scenario(scenario), "--top", "2", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var ranked = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, ranked.Count);
        Assert.All(ranked, r =>
        {
            Assert.True(r.GetProperty("fits").GetBoolean());
            foreach (var field in new[] { "rank", "accelerator", "layout", "stepTimeSeconds", "tokensPerSecond", "mfu", "memory", "time", "timeToTrainSeconds", "goodput", "checkpointIntervalSeconds" })
                Assert.True(r.TryGetProperty(field, out _), $"missing {field}");
        });
        Assert.True(ranked[0].GetProperty("rank").GetInt32() == 1);
    }

    [Fact]
    public void Should_Write_Csv_Json_And_Pareto_Plot_With_Out()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-plan-").FullName, "report");
        var outcome = Cli.Run("plan", Cli.Scenario("which-cluster-llama3-70b.json"), "--top", "4", "--out", folder);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        foreach (var file in new[] { "plan.csv", "plan.json", "pareto.png", "pareto.svg" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 0, $"{file} missing or empty");
            Assert.Contains(Path.Combine(folder, file), outcome.StdErr);
        }
        var csv = File.ReadAllLines(Path.Combine(folder, "plan.csv"));
        Assert.StartsWith("rank,accelerator,devices,layout,", csv[0]);
        Assert.Equal(5, csv.Length);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Should_Reject_A_Bad_Search_Value_In_One_Line()
    {
        string path = Cli.TempScenario("""
            { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "l4" },
              "training": { "globalBatchSize": 64, "tokens": 1e9 }, "search": { "precision": ["bf17"] } }
            """);
        var outcome = Cli.Run("plan", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Matches(@"^error: search\.precision: unknown value 'bf17'; allowed: fp32 tf32 fp16 bf16 fp8\s*$", outcome.StdErr);
    }

    [Fact]
    public void Should_Reject_Both_Cluster_And_Clusters()
    {
        string path = Cli.TempScenario("""
            { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "l4" }, "clusters": [ { "accelerator": "l4" } ],
              "training": { "globalBatchSize": 64, "tokens": 1e9 } }
            """);
        var outcome = Cli.Run("plan", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: cluster: give exactly one of", outcome.StdErr);
    }
}
