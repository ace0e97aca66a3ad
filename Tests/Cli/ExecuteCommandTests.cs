using System.Text.Json;

namespace ScalePlanner.Tests.Cli;

public class ExecuteCommandTests
{
    /// <summary>A GPT small enough to train a few steps in a second or two on one CPU process.</summary>
    internal const string Tiny = """
        { "model": { "layers": 2, "hidden": 64, "heads": 4, "vocab": 256, "sequenceLength": 32, "tiedEmbeddings": true, "biases": true },
          "cluster": { "accelerator": "cpu", "nodes": 1, "devicesPerNode": 1 },
          "training": { "globalBatchSize": 8, "tokens": 1e6, "flashAttention": false } }
        """;

    [Fact]
    public void Should_Train_Report_Predicted_Against_Measured_And_Write_Steps()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-exec-").FullName, "run");
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", "--steps", "5", "--out", folder);
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.Contains("step time (median after warm-up)", outcome.StdOut);
        Assert.Contains("step 5/5: loss", outcome.StdErr);
        var rows = File.ReadAllLines(Path.Combine(folder, "steps.csv"));
        Assert.StartsWith("step,loss,tokens_per_s,step_s,", rows[0]);
        Assert.Equal(6, rows.Length);
    }

    [Fact]
    public void Should_Print_Predicted_Measured_And_Error_Of_Each_Figure_And_Every_Loss_As_Json()
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", "--steps", "4", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        using var json = JsonDocument.Parse(outcome.StdOut);
        var root = json.RootElement;
        foreach (string figure in new[] { "stepTimeSeconds", "computeSeconds", "optimizerSeconds", "tokensPerSecond", "peakMemoryBytes", "mfu" })
        {
            double predicted = root.GetProperty(figure).GetProperty("predicted").GetDouble(), measured = root.GetProperty(figure).GetProperty("measured").GetDouble();
            Assert.True(predicted > 0 && measured > 0, $"{figure}: predicted {predicted}, measured {measured}");
            Assert.Equal((predicted - measured) / measured * 100, root.GetProperty(figure).GetProperty("errorPercent").GetDouble(), 6);
        }
        var losses = root.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(4, losses.Length);
        Assert.InRange(losses[0], Math.Log(256) - 0.5, Math.Log(256) + 0.5);   // an initialised model guesses about uniformly over the vocabulary
    }

    [Theory]
    [InlineData("tiny-gpt-cpu.json")]
    [InlineData("tiny-gpt-cpu-mpi.json")]   // its top layout runs on two ranks: rank 0 writes the JSON
    public void Should_Run_The_Same_Layout_With_Best_As_Plan_Ranks_First(string file)
    {
        string scenario = Cli.Scenario(file);
        var plan = Cli.Run("plan", scenario, "--top", "1", "--format", "json");
        Assert.True(plan.ExitCode == 0, plan.StdErr);
        using var ranked = JsonDocument.Parse(plan.StdOut);
        string top = ranked.RootElement.EnumerateArray().First().GetProperty("layout").GetString()!;
        var outcome = Cli.Run("execute", scenario, "--best", "--steps", "3", "--format", "json");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        string chosen = outcome.StdErr.Split('\n').Single(l => l.StartsWith("best layout: ", StringComparison.Ordinal))["best layout: ".Length..].Trim();
        Assert.Equal(top, chosen);
        using var json = JsonDocument.Parse(outcome.StdOut);
        Assert.Equal(chosen, json.RootElement.GetProperty("layout").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("losses").GetArrayLength());
    }

    [Fact]
    public void Should_Refuse_Best_Together_With_A_Layout()
    {
        var both = Cli.Run("execute", Cli.TempScenario(Tiny), "--best", "--layout", "dp=1,mb=4,precision=fp32");
        Assert.Equal(2, both.ExitCode);
        Assert.StartsWith("error: --layout: give exactly one of --layout", both.StdErr.Trim());
    }

    [Fact]
    public void Should_Refuse_fp8_Which_This_CPU_Cannot_Run_In_One_Line()
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp8");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith("error: layout.precision: fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU", outcome.StdErr.Trim());
    }

    [Fact]
    public void Should_Checkpoint_Then_Resume_Where_The_Run_Stopped()
    {
        string scenario = Cli.TempScenario(Tiny), folder = Directory.CreateTempSubdirectory("scaleplan-ckpt-").FullName;
        var first = Cli.Run("execute", scenario, "--layout", "dp=1,mb=4,precision=fp16,recompute=full", "--steps", "6", "--checkpoint-dir", folder, "--checkpoint-every", "2");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Equal(["step-00000002.ckpt", "step-00000004.ckpt", "step-00000006.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        File.Delete(Path.Combine(folder, "step-00000006.ckpt"));   // as if the run had died before its last checkpoint
        var second = Cli.Run("execute", scenario, "--layout", "dp=1,mb=4,precision=fp16,recompute=full", "--steps", "6", "--checkpoint-dir", folder, "--resume");
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("resuming at step 5 from sample 32 of the data stream", second.StdErr);
        Assert.DoesNotContain("step 4/6", second.StdErr);
        Assert.Contains("step 6/6: loss", second.StdErr);
    }

    [Theory]
    [InlineData("--resume", "error: --resume: needs --checkpoint-dir")]
    [InlineData("--on-spike=rollback", "error: --on-spike: rollback needs checkpoints to roll back to")]
    public void Should_Refuse_Checkpoint_Options_That_Cannot_Work(string option, string message)
    {
        var outcome = Cli.Run("execute", Cli.TempScenario(Tiny), "--layout", "dp=1,mb=4,precision=fp32", option);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
    }
}
