using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

public class SimulateCommandTests
{
    // One realistic layout per bundled scenario.
    public static TheoryData<string, string> BundledScenarios => new()
    {
        { "gpt3-175b-1024-a100.json", "dp=16,tp=8,pp=8,mb=1,sp=on,recompute=selective" },
        { "llama3-70b-512-h100.json", "dp=16,tp=8,pp=4,mb=1,sp=on,recompute=selective" },
        { "llama2-7b-64-a100.json", "dp=32,tp=2,mb=2,zero=1,recompute=full" },   // Megatron keeps bf16 runs' gradients in fp32: 7B needs tp=2 on 40 GB
        { "llama3-405b-8064-h100.json", "dp=144,tp=8,pp=7,vp=3,mb=1,sp=on,zero=1,recompute=full" },
        { "gpt2-small-8-l4.json", "dp=8,mb=8" },
        { "tiny-gpt-cpu.json", "dp=1,mb=4,precision=fp32" },
        { "llama3-405b-16384-h100.json", "dp=128,tp=8,pp=16,vp=2,mb=1,sp=on,zero=1,recompute=full,firstStageLayers=7,lastStageLayers=7" },
        { "megatron-1t-3072-a100.json", "dp=6,tp=8,pp=64,mb=1,recompute=full,precision=fp16,optimizer=adam,overlap=off" },
    };

    [Theory]
    [MemberData(nameof(BundledScenarios))]
    public void Should_Simulate_Every_Bundled_Scenario_With_The_Json_Contract(string scenario, string layout)
    {
        var outcome = Cli.Run("simulate", Cli.Scenario(scenario), "--layout", layout, "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var root = json.RootElement;
        foreach (var field in new[] { "layout", "fits", "stepTimeSeconds", "tokensPerSecond", "modelTflopsPerGpu", "hardwareTflopsPerGpu", "mfu", "hfu", "memoryPerGpuBytes", "memory", "time", "timeToTrainSeconds", "costDollars" })
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        foreach (var field in new[] { "weights", "gradients", "optimizerStates", "activations", "other" })
            Assert.True(root.GetProperty("memory").GetProperty(field).GetDouble() >= 0);
        double sum = 0;
        foreach (var field in new[] { "compute", "recompute", "pipelineBubble", "tensorParallelComm", "dataParallelCommExposed", "pipelineComm", "optimizerStep", "dataWait" })
            sum += root.GetProperty("time").GetProperty(field).GetDouble();
        sum += root.GetProperty("time").GetProperty("contextParallelComm").GetDouble();
        Assert.Equal(root.GetProperty("stepTimeSeconds").GetDouble(), sum, 6);
        Assert.InRange(root.GetProperty("mfu").GetDouble(), 0.05, 0.9);
        Assert.True(root.GetProperty("fits").GetBoolean(), $"{scenario} with {layout} should fit");
        Assert.Equal(layout.Split(',').Length > 0, root.GetProperty("layout").GetString()!.StartsWith("dp="));
    }

    [Fact]
    public void Should_Print_A_Readable_Table_By_Default()
    {
        var outcome = Cli.Run("simulate", Cli.Scenario("gpt3-175b-1024-a100.json"), "--layout", "dp=16,tp=8,pp=8");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("step time", outcome.StdOut);
        Assert.Contains("pipeline bubble", outcome.StdOut);
        Assert.Contains("optimizer states", outcome.StdOut);
    }

    [Fact]
    public void Should_Print_Validation_As_Json_Rows()
    {
        var outcome = Cli.Run("validate", "--format", "json");
        Assert.Equal(0, outcome.ExitCode);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var rows = json.RootElement.EnumerateArray().ToList();
        var tables = rows.GroupBy(r => r.GetProperty("table").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(10, tables["Megatron SC21 Table 1"]);
        Assert.Equal(72, tables["ZeRO SC20 Table 1"]);
        Assert.True(tables.Count >= 2 + 5, $"the public corpus adds at least five sets: {string.Join(", ", tables.Keys)}");
        Assert.All(rows, r => Assert.True(r.TryGetProperty("errorPercent", out _) && r.TryGetProperty("predicted", out _) && r.TryGetProperty("published", out _) && r.TryGetProperty("metric", out _)));
    }
}
