using System.Text.Json;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Search;

/// <summary>The training recipe (precision, optimizer, gradient compression) is the scenario's; the search opens it only when asked, and marks what changes it.</summary>
public class RecipeTests
{
    public static TheoryData<string> BundledScenarios() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "scenarios"), "*.json").Select(p => Path.GetFileName(p)).Order()];

    [Theory]
    [MemberData(nameof(BundledScenarios))]
    public void Should_Keep_Bf16_AdamW_And_No_Compression_In_The_Default_Plan_Of_Every_Bundled_Scenario(string name)
    {
        var scenario = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", name));
        // DeepSeek-V3's published run trained in fp8, and its scenario's training section says so; every other one keeps the default.
        var recipe = name.StartsWith("deepseek-v3") ? TrainingRecipe.Default with { Precision = Precision.Fp8 } : TrainingRecipe.Default;
        Assert.Equal(recipe, scenario.Recipe);
        var plan = PlanSearch.Run(scenario, 5);
        Assert.NotEmpty(plan.Top);
        Assert.All(plan.Pool.Concat(plan.Options.Select(o => o.Best ?? o.BestOutsideConstraints).OfType<RankedLayout>()), r =>
        {
            Assert.Equal(recipe.Precision, r.Result.Layout.Precision);
            Assert.Equal(OptimizerKind.AdamW, r.Result.Layout.Optimizer);
            Assert.Equal(GradientCompression.None, r.Result.Layout.Compression);
            Assert.Empty(recipe.Changes(r.Result.Layout));
        });
    }

    [Fact]
    public void Should_Mark_Every_Layout_That_Changes_The_Recipe_When_The_Search_Opens_It()
    {
        string path = Cli.Cli.TempScenario("""
            { "model": { "preset": "llama2-7b" }, "cluster": { "accelerator": "h100-sxm", "nodes": 2 },
              "training": { "globalBatchSize": 256, "tokens": 1e11 },
              "search": { "precision": ["bf16", "fp8"], "optimizer": ["adamw", "sgd"], "compress": ["none", "powersgd:4"] } }
            """);
        var outcome = Cli.Cli.Run("plan", path, "--top", "10", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("changesRecipe").GetBoolean());
        foreach (var row in rows)
        {
            var layout = Layout.Parse(row.GetProperty("layout").GetString()!);
            bool changes = layout.Precision != Precision.Bf16 || layout.Optimizer != OptimizerKind.AdamW || layout.Compression != GradientCompression.None;
            Assert.Equal(changes, row.GetProperty("changesRecipe").GetBoolean());
            Assert.Equal(changes, row.GetProperty("recipeChanges").GetArrayLength() > 0);
        }

        var table = Cli.Cli.Run("plan", path, "--top", "10");
        Assert.Contains($"* {TrainingRecipe.Warning}", table.StdOut);
        var csv = Cli.Cli.Run("plan", path, "--top", "10", "--format", "csv");
        Assert.Contains("precision=fp8", csv.StdOut);
    }

    [Fact]
    public void Should_Keep_A_Recipe_Given_In_The_Training_Section()
    {
        var scenario = ScenarioLoader.Load(Cli.Cli.TempScenario("""
            { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "a100-sxm-80gb" },
              "training": { "globalBatchSize": 64, "tokens": 1e9, "precision": "fp16", "optimizer": "adam" } }
            """));
        Assert.Equal(new TrainingRecipe(Precision.Fp16, OptimizerKind.Adam, GradientCompression.None), scenario.Recipe);
        var plan = PlanSearch.Run(scenario, 5);
        Assert.All(plan.Top, r => Assert.True(scenario.Recipe.KeptBy(r.Result.Layout), r.Result.Layout.ToString()));
    }

    [Theory]
    [InlineData("\"precision\": \"fp8\"", @"^error: training\.precision: fp8 has no fast path on a100-sxm-80gb; allowed there: fp32 tf32 fp16 bf16\s*$")]
    [InlineData("\"optimizer\": \"adamx\"", @"^error: training\.optimizer: unknown value 'adamx'; allowed: sgd adam adamw lamb adafactor\s*$")]
    [InlineData("\"compress\": \"zip\"", @"^error: training\.compress: unknown value 'zip'; allowed: none bf16 powersgd:RANK")]
    public void Should_Reject_A_Bad_Recipe_In_One_Line(string key, string message)
    {
        string path = Cli.Cli.TempScenario($$"""
            { "model": { "preset": "gpt2-small" }, "cluster": { "accelerator": "a100-sxm-80gb" },
              "training": { "globalBatchSize": 64, "tokens": 1e9, {{key}} } }
            """);
        var outcome = Cli.Cli.Run("plan", path);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.Matches(message, outcome.StdErr);
    }
}
